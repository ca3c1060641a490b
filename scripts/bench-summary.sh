#!/usr/bin/env bash
# The covalence_aro_summary part of `make bench` (scripts/bench.sh calls it;
# it also runs alone). One run of each, against the standalone mock portal
# with 100-item pages and 20 ms per request:
#   1. 20,000 AROs, every one matching: covalence_aro_summary against
#      covalence_aros with the same (empty) filter, and against terraform's
#      start-up (a plan reading covalence_orgs only) plus the bare
#      8-in-flight fetch of the same pages (BenchmarkPlainFetch in
#      internal/covalence).
#   2. 300 organizations, 60,000 AROs: the per-client gate of
#      examples/compliance-gate/per-client-gate (one summary) against the same
#      gate written with 300 covalence_aros (one per organization).
# Wall is the whole `terraform plan`; plugin CPU (user + system) and peak RSS
# come from /usr/bin/time around the provider binary (CPU summed over the
# plugin processes terraform starts, RSS the largest).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh

LATENCY="${BENCH_LATENCY:-20ms}"
PAGE_CAP="${BENCH_PAGE_CAP:-100}"
AROS="${BENCH_SUMMARY_AROS:-20000}"
GATE_ORGS="${BENCH_GATE_ORGS:-300}"
GATE_AROS="${BENCH_GATE_AROS:-60000}"

export CHECKPOINT_DISABLE=1
tf="$(scripts/terraform-cli.sh)"
work="$(mktemp -d "${TMPDIR:-/tmp}/covalence-bench-summary.XXXXXX")"
mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin" "$work/plugins" "$work/cfg"
build_plugin "$work/bin/terraform-provider-covalence"
go build -trimpath -o "$work/bin/mockportal" ./internal/cmd/mockportal
printf '#!/bin/sh\nexec /usr/bin/time -f "%%M %%U %%S" -a -o "$BENCH_TIME_LOG" "%s" "$@"\n' \
  "$work/bin/terraform-provider-covalence" >"$work/plugins/terraform-provider-covalence"
chmod +x "$work/plugins/terraform-provider-covalence"
printf 'provider_installation {\n  dev_overrides {\n    "registry.terraform.io/covalence-oss/covalence" = "%s"\n    "registry.opentofu.org/covalence-oss/covalence" = "%s"\n  }\n  direct {}\n}\n' \
  "$work/plugins" "$work/plugins" >"$work/cli.tfrc"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" COVALENCE_API_KEY=bench-key TF_IN_AUTOMATION=1
unset TF_CLI_ARGS TF_CLI_ARGS_plan COVALENCE_PROVIDER_ID

write_config() { # $1 = body
  {
    printf 'terraform {\n  required_providers {\n    covalence = { source = "covalence-oss/covalence" }\n  }\n}\nprovider "covalence" {}\n'
    printf '%s\n' "$1"
  } >"$work/cfg/main.tf"
}

start_mock() { # $1 = organizations, $2 = AROs
  if [[ -n "$mock_pid" ]]; then
    kill "$mock_pid"
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -f "$work/addr"
  "$work/bin/mockportal" -api-key bench-key -seed 7 -orgs "$1" -aros "$2" -page-cap "$PAGE_CAP" -latency "$LATENCY" \
    -addr-file "$work/addr" >/dev/null 2>&1 &
  mock_pid=$!
  for _ in $(seq 200); do
    [[ -s "$work/addr" ]] && break
    sleep 0.05
  done
  COVALENCE_BASE_URL="$(cat "$work/addr")"
  export COVALENCE_BASE_URL
}

# plan LABEL AROS [precondition] -> one table row; sets WALL, CPU, RSS (and
# BLOCKED). Without a third argument the plan must succeed and print
# "total = AROS" (unless AROS is "-"); with "precondition" a plan stopped by
# the gate's preconditions counts too, and BLOCKED is how many failed.
plan() {
  local label="$1" n="$2" mode="${3:-}" log="$work/time.log" start end rc=0
  : >"$log"
  start=$(date +%s.%N)
  BENCH_TIME_LOG="$log" "$tf" -chdir="$work/cfg" plan -input=false -lock=false -no-color >"$work/plan.out" 2>&1 || rc=$?
  end=$(date +%s.%N)
  if [[ "$mode" == "precondition" ]]; then
    if [[ "$rc" -ne 0 ]] && ! grep -q "Resource precondition failed" "$work/plan.out"; then
      echo "plan failed:" >&2
      tail -20 "$work/plan.out" >&2
      exit 1
    fi
    BLOCKED="$(grep -c "Resource precondition failed" "$work/plan.out" || true)"
  else
    if [[ "$rc" -ne 0 ]]; then
      echo "plan failed:" >&2
      tail -20 "$work/plan.out" >&2
      exit 1
    fi
    if [[ "$n" != "-" ]] && ! grep -Eq "total *= *$n\b" "$work/plan.out"; then
      echo "expected total = $n:" >&2
      tail -5 "$work/plan.out" >&2
      exit 1
    fi
  fi
  read -r WALL CPU RSS < <(awk -v wall="$(echo "$end - $start" | bc)" '
    { rss = ($1 > rss ? $1 : rss); cpu += $2 + $3 }
    END { printf "%.2f %.2f %.0f\n", wall, cpu, rss / 1024 }' "$log")
  printf "%-46s %8s %8s %12s %14s\n" "$label" "$n" "$WALL" "$CPU" "$RSS"
}

header() { printf "%-46s %8s %8s %12s %14s\n" "read" "AROs" "wall s" "plugin CPU s" "plugin RSS MB"; }

echo "== covalence_aro_summary: $AROS AROs, all matching (${PAGE_CAP}-item pages, ${LATENCY} per request)"
bare_ns="$(go test -run '^$' -bench '^BenchmarkPlainFetch$' -benchtime 3x ./internal/covalence/ | awk '/^BenchmarkPlainFetch/ { print $3 }')"
bare="$(echo "scale=3; $bare_ns / 1000000000" | bc)"
header
start_mock 20 "$AROS"
write_config 'data "covalence_orgs" "all" {}
output "total" { value = length(data.covalence_orgs.all.orgs) }'
plan "start-up only (covalence_orgs)" "-"
startup="$WALL"
printf "%-46s %8s %8.2f\n" "bare 8-in-flight fetch (BenchmarkPlainFetch)" "20000" "$bare"
write_config 'data "covalence_aro_summary" "all" {}
output "total" { value = data.covalence_aro_summary.all.total }'
plan "covalence_aro_summary" "$AROS"
sum_wall="$WALL"
sum_rss="$RSS"
write_config 'data "covalence_aros" "all" {
  include_details = false
}
output "total" { value = data.covalence_aros.all.total }'
plan "covalence_aros (include_details = false)" "$AROS"
aros_wall="$WALL"
echo
awk -v s="$sum_wall" -v b="$bare" -v u="$startup" -v a="$aros_wall" -v r="$sum_rss" 'BEGIN {
  printf "summary / (start-up + bare fetch) = %.2fx (target <= 1.2x)\n", s / (u + b)
  printf "covalence_aros / summary          = %.1fx (target >= 5x)\n", a / s
  printf "summary plugin peak RSS           = %d MB (target <= 50 MB)\n", r
}'
echo

echo "== per-client gate: $GATE_ORGS organizations, $GATE_AROS AROs (${PAGE_CAP}-item pages, ${LATENCY} per request)"
header
start_mock "$GATE_ORGS" "$GATE_AROS"
# The example's main.tf as it is; write_config supplies the terraform block
# that the example keeps in its versions.tf.
write_config "$(<examples/compliance-gate/per-client-gate/main.tf)"
plan "one covalence_aro_summary" "-" precondition
gate_sum="$WALL"
blocked_sum="$BLOCKED"
write_config 'data "covalence_orgs" "all" {}

data "covalence_aros" "client" {
  for_each = { for org in data.covalence_orgs.all.orgs : org.id => org.name }

  organization_id = each.key
  resolution      = "Unresolved"
  include_details = false
}

resource "terraform_data" "client" {
  for_each = { for org in data.covalence_orgs.all.orgs : org.id => org.name }

  input = each.value

  lifecycle {
    precondition {
      condition     = data.covalence_aros.client[each.key].severity_counts["Critical"] == 0
      error_message = "Deployment for ${each.value} blocked."
    }
  }
}'
plan "$GATE_ORGS covalence_aros (one per organization)" "-" precondition
gate_aros="$WALL"
blocked_aros="$BLOCKED"
if [[ "$blocked_sum" != "$blocked_aros" ]]; then
  echo "the two gates disagree: $blocked_sum against $blocked_aros clients blocked" >&2
  exit 1
fi
echo
awk -v s="$gate_sum" -v a="$gate_aros" -v n="$blocked_sum" -v o="$GATE_ORGS" 'BEGIN {
  printf "both gates block the same %d of %d clients; %d covalence_aros / one summary = %.1fx (target >= 5x)\n", n, o, o, a / s
}'
