#!/usr/bin/env bash
# make bench: Go benchmarks of the client's paging against the mock portal
# (20 ms per request, 100-item pages), then end-to-end reads through the
# terraform CLI against the standalone mock, printing one table.
#
# Plugin CPU and peak RSS come from /usr/bin/time wrapped around the provider
# binary in the dev_overrides folder (summed over the plugin processes terraform
# starts; RSS is the largest). "startup" is the same plan with no ARO read.
# The pace table reports what the user waits for, the whole apply's wall
# time, beside the fetch window and the plugin's peak RSS. The fields table
# puts the same read projected to five fields beside the full one: apply
# and next plan wall time, state size, Terraform's and the plugin's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh

SIZES="${BENCH_SIZES:-1000 10000 20000 50000}"
PACE_AROS="${BENCH_PACE_AROS:-20000}" # the read at the network's pace
PACE_RUNS="${BENCH_PACE_RUNS:-3}"
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
export BENCH_PLUGIN_ENV="${BENCH_PLUGIN_ENV:-}" # VAR=value ... for the provider processes only, e.g. GOMAXPROCS=1
build_plugin "$work/bin/terraform-provider-covalence"
go build -trimpath -o "$work/bin/mockportal" ./internal/cmd/mockportal
go build -trimpath -o "$work/bin/benchfetch" ./internal/cmd/benchfetch
cat > "$work/plugins/terraform-provider-covalence" <<EOF
#!/bin/sh
exec env \$BENCH_PLUGIN_ENV /usr/bin/time -f "%M %U %S" -a -o "\$BENCH_TIME_LOG" "$work/bin/terraform-provider-covalence" "\$@"
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

# run_apply N -> "apply_wall plugin_cpu plugin_rss_mb" of a terraform apply
run_apply() {
  local n="$1" log="$work/time.log" start end
  : > "$log"
  rm -f "$work/cfg/terraform.tfstate"
  start=$(date +%s.%N)
  BENCH_TIME_LOG="$log" "$tf" -chdir="$work/cfg" apply -auto-approve -input=false -lock=false -no-color >"$work/apply.out" 2>&1 || {
    echo "apply failed:"; tail -20 "$work/apply.out"; exit 1; }
  end=$(date +%s.%N)
  grep -q "total *= *$n\b" "$work/apply.out" || { echo "expected total = $n:"; tail -5 "$work/apply.out"; exit 1; }
  awk -v wall="$(echo "$end - $start" | bc)" '
    { rss = ($1 > rss ? $1 : rss); cpu += $2 + $3 }
    END { printf "%.2f %.2f %.0f\n", wall, cpu, rss/1024 }' "$log"
}

# The mock's own counters (GET /_mock/stats beside the API).
mock_stats() { curl -sf "${COVALENCE_BASE_URL%/v1}/_mock/stats"; }
mock_reset() { curl -sf -X POST "${COVALENCE_BASE_URL%/v1}/_mock/stats/reset" >/dev/null; }


# pace_runs: the large read, as the portal sees it. Each run, against
# one mock: terraform apply reading every ARO (fetch window = first ARO-list
# request's arrival to the last ARO-list answer's end, from the mock's
# stats), then a bare 8-in-flight fetch of the same pages and the SOAR
# integration's sequential 500-per-page loop, in the same run.
pace_runs() {
  local n="$PACE_AROS" rows="$work/pace.rows"
  : > "$rows"
  start_mock "$n"
  write_config 'data "covalence_aros" "all" {}
output "total" { value = data.covalence_aros.all.total }'
  echo "== read at the network's pace: terraform apply of every ARO ($n, ${PAGE_CAP}-item pages, ${LATENCY} per request), $PACE_RUNS runs"
  printf "%-4s %12s %10s %7s %12s %9s %12s %10s\n" "run" "fetch window" "bare fetch" "ratio" "sequential" "speed-up" "plugin RSS" "apply wall"
  for r in $(seq "$PACE_RUNS"); do
    mock_reset
    read -r wall _ rss < <(run_apply "$n")
    window="$(mock_stats | sed -n 's/.*"aro_window_seconds":\([0-9.eE+-]*\).*/\1/p')"
    bare="$("$work/bin/benchfetch" -base "$COVALENCE_BASE_URL" -key bench-key -total "$n" -page-size "$PAGE_CAP" -parallel 8 | cut -d' ' -f1)"
    seq_s="$("$work/bin/benchfetch" -base "$COVALENCE_BASE_URL" -key bench-key -sequential -limit 500 | cut -d' ' -f1)"
    echo "$window $bare $seq_s $rss $wall" >> "$rows"
    awk -v r="$r" '{ printf "%-4s %11.2fs %9.2fs %6.2fx %11.2fs %8.1fx %9.0f MB %9.2fs\n", r, $1, $2, $1/$2, $3, $3/$1, $4, $5 }' <(tail -1 "$rows")
  done
  local mw mb ms mr mwall
  mw=$(cut -d' ' -f1 "$rows" | median); mb=$(cut -d' ' -f2 "$rows" | median); ms=$(cut -d' ' -f3 "$rows" | median)
  mr=$(cut -d' ' -f4 "$rows" | median); mwall=$(cut -d' ' -f5 "$rows" | median)
  # The ratios of the medians, and the median of each run's ratio.
  local mratio mspeed
  mratio=$(awk '{ print $1/$2 }' "$rows" | median); mspeed=$(awk '{ print $3/$1 }' "$rows" | median)
  printf "%-4s %11.2fs %9.2fs %6.2fx %11.2fs %8.1fx %9.0f MB %9.2fs\n" "med" "$mw" "$mb" "$mratio" "$ms" "$mspeed" "$mr" "$mwall"
  rm -f "$work/cfg/terraform.tfstate" # the plans below start without state
  echo
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

# measure_read LABEL N -> "apply_wall plan_wall state_mb tf_rss_mb plugin_rss_mb"
# of the configuration in cfg/: an apply from no state, then the next plan
# (refreshing the read) on the state it left. Terraform's own peak RSS is the
# larger of the two commands'; the plugin's, of every plugin process.
measure_read() {
  local n="$1" log="$work/time.log" tflog="$work/tf-time.log" s0 s1 s2
  : > "$log"; : > "$tflog"
  rm -f "$work/cfg/terraform.tfstate"
  s0=$(date +%s.%N)
  BENCH_TIME_LOG="$log" /usr/bin/time -f "%M" -a -o "$tflog" "$tf" -chdir="$work/cfg" apply -auto-approve -input=false -lock=false -no-color >"$work/apply.out" 2>&1 || {
    echo "apply failed:"; tail -20 "$work/apply.out"; exit 1; }
  s1=$(date +%s.%N)
  grep -q "total *= *$n\b" "$work/apply.out" || { echo "expected total = $n:"; tail -5 "$work/apply.out"; exit 1; }
  BENCH_TIME_LOG="$log" /usr/bin/time -f "%M" -a -o "$tflog" "$tf" -chdir="$work/cfg" plan -input=false -lock=false -no-color >"$work/plan.out" 2>&1 || {
    echo "plan failed:"; tail -20 "$work/plan.out"; exit 1; }
  s2=$(date +%s.%N)
  local state tfrss
  state=$(stat -c %s "$work/cfg/terraform.tfstate")
  tfrss=$(sort -g "$tflog" | tail -1)
  awk -v a="$(echo "$s1 - $s0" | bc)" -v p="$(echo "$s2 - $s1" | bc)" -v st="$state" -v tr="$tfrss" '
    { rss = ($1 > rss ? $1 : rss) }
    END { printf "%.2f %.2f %.1f %.0f %.0f\n", a, p, st/1048576, tr/1024, rss/1024 }' "$log"
  rm -f "$work/cfg/terraform.tfstate"
}

# projection_runs: the same large read, every attribute (aros) and projected
# to the five fields a ticketing pipeline uses (items), alternated in one
# session against one mock.
projection_runs() {
  local n="$PACE_AROS" rows="$work/proj.rows" full_cfg proj_cfg
  : > "$rows"
  start_mock "$n"
  full_cfg='data "covalence_aros" "all" {}
output "total" { value = data.covalence_aros.all.total }'
  proj_cfg='data "covalence_aros" "all" {
  fields = ["id", "title", "severity", "creation_time", "organization.name"]
}
output "total" { value = data.covalence_aros.all.total }'
  echo "== fields: the read of every ARO ($n) with every attribute and with five fields, alternated, $PACE_RUNS runs each"
  printf "%-4s %-10s %11s %10s %9s %9s %11s\n" "run" "read" "apply wall" "next plan" "state" "TF RSS" "plugin RSS"
  for r in $(seq "$PACE_RUNS"); do
    for kind in full fields; do
      if [[ "$kind" == full ]]; then write_config "$full_cfg"; else write_config "$proj_cfg"; fi
      read -r aw pw st tr pr < <(measure_read "$n")
      echo "$kind $aw $pw $st $tr $pr" >> "$rows"
      printf "%-4s %-10s %10.2fs %9.2fs %6.1f MB %6.0f MB %8.0f MB\n" "$r" "$kind" "$aw" "$pw" "$st" "$tr" "$pr"
    done
  done
  local col kind
  declare -A med
  for kind in full fields; do
    for col in 2 3 4 5 6; do
      med[$kind$col]=$(awk -v k="$kind" -v c="$col" '$1 == k { print $c }' "$rows" | median)
    done
    printf "%-4s %-10s %10.2fs %9.2fs %6.1f MB %6.0f MB %8.0f MB\n" "med" "$kind" "${med[${kind}2]}" "${med[${kind}3]}" "${med[${kind}4]}" "${med[${kind}5]}" "${med[${kind}6]}"
  done
  # Each run's fields/full ratio, then their median.
  local ra rp
  ra=$(awk '$1 == "full" { f[++i] = $2 } $1 == "fields" { p[++j] = $2 } END { for (k = 1; k <= j; k++) print p[k]/f[k] }' "$rows" | median)
  rp=$(awk '$1 == "full" { f[++i] = $3 } $1 == "fields" { p[++j] = $3 } END { for (k = 1; k <= j; k++) print p[k]/f[k] }' "$rows" | median)
  printf "fields / full: apply wall %.2fx (target <= 0.35x), next plan %.2fx; fields state %.1f MB (target <= 8 MB), plugin RSS %.0f MB (target <= 150 MB)\n" \
    "$ra" "$rp" "${med[fields4]}" "${med[fields6]}"
  echo
}

if [[ -n "${BENCH_FIELDS_ONLY:-}" ]]; then
  projection_runs
  exit 0
fi
pace_runs
[[ -n "${BENCH_PACE_ONLY:-}" ]] && exit 0
projection_runs

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
echo; scripts/bench-fanout.sh # the fleet-scale fan-out under rate limits
echo; scripts/bench-orgs.sh # covalence_orgs include_details against the plain list and one covalence_org per organization
