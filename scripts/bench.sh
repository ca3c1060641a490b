#!/usr/bin/env bash
# make bench: Go benchmarks of the client's paging against the mock portal
# (20 ms per request, 100-item pages), then end-to-end reads through the
# terraform CLI against the standalone mock, printing one table.
#
# Plugin CPU and peak RSS come from /usr/bin/time wrapped around the provider
# binary in the dev_overrides folder (summed over the plugin processes terraform
# starts; RSS is the largest). "startup" is the same plan with no ARO read.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${BENCH_SIZES:-1000 10000 20000 50000}"
BASELINE_SIZE="${BENCH_BASELINE_SIZE:-20000}" # also read through the plain framework path
LATENCY="${BENCH_LATENCY:-20ms}"
PAGE_CAP="${BENCH_PAGE_CAP:-100}"

export CHECKPOINT_DISABLE=1
tf="$(scripts/terraform-cli.sh)"
work="$(mktemp -d)"
mock_pid=""
cleanup() {
  [[ -n "$mock_pid" ]] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3), $("$tf" version | head -1)"
echo
if [[ -z "${BENCH_E2E_ONLY:-}" ]]; then
  echo "== client paging: 20,000 AROs, server cap 100, 20ms per request"
  go test -run '^$' -bench 'BenchmarkStreamAROs|BenchmarkPlainFetch' -benchtime 2x -benchmem ./internal/covalence/ | grep -E '^(Benchmark|ok)'
  echo
  echo "== plugin read paths: 20,000 AROs through the protocol, in-process, mock without latency"
  go test -run '^$' -bench 'BenchmarkReadAROs' -benchtime 1x -benchmem ./internal/provider/ | grep -E '^(Benchmark|ok)'
  echo
fi

mkdir -p "$work/bin" "$work/plugins" "$work/cfg"
go build -trimpath -o "$work/bin/terraform-provider-covalence" .
go build -trimpath -o "$work/bin/mockportal" ./internal/cmd/mockportal
cat > "$work/plugins/terraform-provider-covalence" <<EOF
#!/bin/sh
exec /usr/bin/time -f "%M %U %S" -a -o "\$BENCH_TIME_LOG" "$work/bin/terraform-provider-covalence" "\$@"
EOF
chmod +x "$work/plugins/terraform-provider-covalence"
cat > "$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/covalence-oss/covalence" = "$work/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export COVALENCE_API_KEY=bench-key

write_config() { # $1 = body
  cat > "$work/cfg/main.tf" <<EOF
terraform {
  required_providers {
    covalence = { source = "registry.terraform.io/covalence-oss/covalence" }
  }
}
provider "covalence" {}
$1
EOF
}

# run_plan LABEL N -> prints a table row
run_plan() {
  local label="$1" n="$2" log="$work/time.log" start end
  : > "$log"
  start=$(date +%s.%N)
  BENCH_TIME_LOG="$log" "$tf" -chdir="$work/cfg" plan -input=false -lock=false -refresh=true -no-color >"$work/plan.out" 2>&1 || {
    echo "plan failed:"; tail -20 "$work/plan.out"; exit 1; }
  end=$(date +%s.%N)
  grep -q "total *= *$n\b" "$work/plan.out" || [[ "$n" == "-" ]] || { echo "expected total = $n:"; tail -5 "$work/plan.out"; exit 1; }
  awk -v label="$label" -v n="$n" -v wall="$(echo "$end - $start" | bc)" '
    { rss = ($1 > rss ? $1 : rss); cpu += $2 + $3; procs++ }
    END { printf "%-22s %8s %9.2f %12.2f %12.0f %6d\n", label, n, wall, cpu, rss/1024, procs }' "$log"
}

start_mock() { # $1 = AROs
  [[ -n "$mock_pid" ]] && { kill "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; }
  rm -f "$work/addr"
  "$work/bin/mockportal" -api-key bench-key -orgs 20 -aros "$1" -page-cap "$PAGE_CAP" -latency "$LATENCY" -addr-file "$work/addr" >/dev/null &
  mock_pid=$!
  for _ in $(seq 100); do [[ -s "$work/addr" ]] && break; sleep 0.05; done
  export COVALENCE_BASE_URL="$(cat "$work/addr")"
}

echo "== end to end: terraform plan reading every ARO (${PAGE_CAP}-item pages, ${LATENCY} per request)"
printf "%-22s %8s %9s %12s %12s %6s\n" "read" "AROs" "wall s" "plugin CPU s" "plugin RSS MB" "procs"
start_mock 10
write_config 'data "covalence_orgs" "all" {}
output "total" { value = length(data.covalence_orgs.all.orgs) }'
run_plan "startup (orgs only)" "-"
write_config 'data "covalence_aros" "all" {}
output "total" { value = data.covalence_aros.all.total }'
for n in $SIZES; do
  start_mock "$n"
  run_plan "fast path" "$n"
  if [[ "$n" == "$BASELINE_SIZE" ]]; then
    COVALENCE_DISABLE_FAST_PATH=1 run_plan "framework path" "$n"
  fi
done
echo; scripts/bench-summary.sh # covalence_aro_summary: summary vs covalence_aros vs bare fetch, per-client gate
echo; scripts/bench-fanout.sh # the fleet-scale fan-out under rate limits (issue 11)
