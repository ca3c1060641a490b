#!/usr/bin/env bash
# The fleet-scale fan-out (part of make bench): one covalence_aros
# per organization (for_each over covalence_orgs, Terraform's default
# parallelism of 10) against the standalone mock portal with 300 organizations,
# 60,000 AROs, 100-item pages and 20 ms per request:
#   - no limit;
#   - 429 (Retry-After: 1) to any request beyond 4 in flight;
#   - a token bucket of 20 requests per second (429, Retry-After: 1, beyond it).
# For each: wall time of `terraform plan`, requests and 429s the portal saw
# (GET /_mock/stats), and the target of the issue: a limited run succeeds
# within 2x its floor + 5 s, the floor being successful requests x 20 ms / 4
# (in-flight limit) or successful requests / 20 (bucket), or the unlimited
# run's time when that is larger.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh

ORGS="${BENCH_FANOUT_ORGS:-300}"
AROS="${BENCH_FANOUT_AROS:-60000}"
PAGE_CAP="${BENCH_FANOUT_PAGE_CAP:-100}"
LATENCY_MS="${BENCH_FANOUT_LATENCY_MS:-20}"

export CHECKPOINT_DISABLE=1
tf="$(scripts/terraform-cli.sh)"
work="$(mktemp -d)"
mock_pid=""
stop_mock() {
  if [[ -n "$mock_pid" ]]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
    mock_pid=""
  fi
}
trap 'stop_mock; rm -rf "$work"' EXIT

mkdir -p "$work/bin" "$work/cfg"
build_plugin "$work/bin/terraform-provider-covalence"
go build -trimpath -o "$work/bin/mockportal" ./internal/cmd/mockportal
cat > "$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/covalence-oss/covalence" = "$work/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export COVALENCE_API_KEY=bench-key
cat > "$work/cfg/main.tf" <<'EOF'
terraform {
  required_providers {
    covalence = { source = "registry.terraform.io/covalence-oss/covalence" }
  }
}
provider "covalence" {}

data "covalence_orgs" "all" {}

data "covalence_aros" "org" {
  for_each        = { for o in data.covalence_orgs.all.orgs : o.id => o }
  organization_id = each.key
}

output "orgs" { value = length(data.covalence_aros.org) }
output "aros" { value = sum([for k, v in data.covalence_aros.org : length(v.aros)]) }
output "totals" { value = sum([for k, v in data.covalence_aros.org : v.total]) }
EOF

start_mock() { # extra mock flags...
  stop_mock
  rm -f "$work/addr"
  "$work/bin/mockportal" -api-key bench-key -orgs "$ORGS" -aros "$AROS" -page-cap "$PAGE_CAP" \
    -latency "${LATENCY_MS}ms" -addr-file "$work/addr" "$@" >/dev/null &
  mock_pid=$!
  for _ in $(seq 200); do [[ -s "$work/addr" ]] && break; sleep 0.05; done
  export COVALENCE_BASE_URL="$(cat "$work/addr")"
}

unlimited=0
expected=""
# run LABEL KIND mock-flags... -> one table row
run() {
  local label="$1" kind="$2" start end wall stats requests refused ok floor target verdict
  shift 2
  start_mock "$@"
  start=$(date +%s.%N)
  if ! "$tf" -chdir="$work/cfg" plan -input=false -lock=false -no-color >"$work/plan.out" 2>&1; then
    echo "plan failed ($label):"; grep -A8 -m3 'Error' "$work/plan.out" || tail -20 "$work/plan.out"; exit 1
  fi
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  # Every organization read, each read's AROs as many as its total, and the
  # same AROs as the unlimited run (a few generated AROs have no organization).
  local got total
  got=$(sed -n 's/^ *+ aros *= *\([0-9]*\)$/\1/p' "$work/plan.out")
  total=$(sed -n 's/^ *+ totals *= *\([0-9]*\)$/\1/p' "$work/plan.out")
  if ! grep -q "orgs *= *$ORGS\b" "$work/plan.out" || [[ -z "$got" || "$got" != "$total" ]] ||
    [[ -n "$expected" && "$got" != "$expected" ]]; then
    echo "wrong answer ($label):"; grep -E '(orgs|aros|totals) *=' "$work/plan.out"; exit 1
  fi
  expected=$got
  stats="$(curl -fsS "${COVALENCE_BASE_URL%/v1}/_mock/stats")"
  requests=$(jq .requests <<<"$stats")
  refused=$(jq .refused <<<"$stats")
  ok=$((requests - refused))
  case "$kind" in
    none) floor=$wall; unlimited=$wall ;;
    inflight) floor=$(echo "x = $ok * $LATENCY_MS / 1000 / 4; if (x < $unlimited) x = $unlimited; x" | bc -l) ;;
    bucket) floor=$(echo "x = $ok / 20; if (x < $unlimited) x = $unlimited; x" | bc -l) ;;
  esac
  if [[ "$kind" == none ]]; then
    target="-"; verdict="-"
  else
    target=$(echo "2 * $floor + 5" | bc -l)
    verdict=$(echo "$wall <= $target" | bc -l | sed 's/1/ok/; s/0/MISSED/')
    target=$(printf "%.1f" "$target")
  fi
  printf "%-26s %8.1f %9d %6d %8d %8.1f %8s %7s\n" "$label" "$wall" "$requests" "$refused" "$got" "$floor" "$target" "$verdict"
}

echo "== fan-out: one covalence_aros per organization, $ORGS orgs, $AROS AROs, ${PAGE_CAP}-item pages, ${LATENCY_MS} ms per request"
printf "%-26s %8s %9s %6s %8s %8s %8s %7s\n" "portal" "wall s" "requests" "429s" "AROs" "floor s" "target s" "result"
run "no limit" none
run "4 in flight (429 beyond)" inflight -max-in-flight 4 -limit-retry-after 1
run "20 per second (bucket)" bucket -per-second 20 -limit-retry-after 1
