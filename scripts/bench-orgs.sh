#!/usr/bin/env bash
# The covalence_orgs include_details part of `make bench` (scripts/bench.sh
# calls it; it also runs alone): 300 organizations behind 20 ms per request
# (the standalone mock portal), `terraform apply` (fresh state each time) of
#   1. the plain list: data "covalence_orgs" "all" {};
#   2. the list with every organization's detail: include_details = true;
#   3. the list and one covalence_org per organization (for_each), the way
#      it was done before include_details.
# The three alternate, BENCH_ORGS_RUNS times (default 3); the table has the
# medians. Targets: (2) within 1.25x of (1) + orgs x 20 ms /
# max_parallel_requests (8 by default), and (3) at least 2x slower than (2).
# Each run checks its answer: every organization, with a client_id in (2)
# and (3), none in (1).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh
source scripts/lib/bench.sh

ORGS="${BENCH_ORGS_ORGS:-300}"
LATENCY_MS="${BENCH_ORGS_LATENCY_MS:-20}"
RUNS="${BENCH_ORGS_RUNS:-3}"
PARALLEL=8 # the provider's default max_parallel_requests

export CHECKPOINT_DISABLE=1
tf="$(scripts/terraform-cli.sh)"
work="$(mktemp -d "${TMPDIR:-/tmp}/covalence-bench-orgs.XXXXXX")"
mock_pid=""
cleanup() {
  if [[ -n "$mock_pid" ]]; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin"
build_plugin "$work/bin/terraform-provider-covalence"
go build -trimpath -o "$work/bin/mockportal" ./internal/cmd/mockportal
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/covalence-oss/covalence" = "$work/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" COVALENCE_API_KEY=bench-key TF_IN_AUTOMATION=1

"$work/bin/mockportal" -api-key bench-key -orgs "$ORGS" -aros 0 -latency "${LATENCY_MS}ms" -addr-file "$work/addr" >/dev/null &
mock_pid=$!
for _ in $(seq 200); do [[ -s "$work/addr" ]] && break; sleep 0.05; done
export COVALENCE_BASE_URL="$(cat "$work/addr")"

head='terraform {
  required_providers {
    covalence = { source = "registry.terraform.io/covalence-oss/covalence" }
  }
}
provider "covalence" {}
'
config() { # name body
  mkdir -p "$work/$1"
  printf '%s\n%s\n' "$head" "$2" >"$work/$1/main.tf"
}
config plain 'data "covalence_orgs" "all" {}
output "orgs" { value = length(data.covalence_orgs.all.orgs) }
output "with_detail" { value = length([for o in data.covalence_orgs.all.orgs : o if o.client_id != null]) }'
config details 'data "covalence_orgs" "all" {
  include_details = true
}
output "orgs" { value = length(data.covalence_orgs.all.orgs) }
output "with_detail" { value = length([for o in data.covalence_orgs.all.orgs : o if o.client_id != null]) }'
config per_org 'data "covalence_orgs" "all" {}
data "covalence_org" "each" {
  for_each = { for o in data.covalence_orgs.all.orgs : o.id => o }
  id       = each.key
}
output "orgs" { value = length(data.covalence_org.each) }
output "with_detail" { value = length([for k, o in data.covalence_org.each : o if o.client_id != null]) }'

# apply NAME WANT_DETAIL -> seconds
apply() {
  local dir="$work/$1" start end
  rm -f "$dir/terraform.tfstate" "$dir/terraform.tfstate.backup"
  start=$(date +%s.%N)
  if ! "$tf" -chdir="$dir" apply -auto-approve -input=false -lock=false -no-color >"$dir/out" 2>&1; then
    echo "apply failed ($1):" >&2; tail -20 "$dir/out" >&2; exit 1
  fi
  end=$(date +%s.%N)
  if ! grep -q "^orgs = $ORGS$" "$dir/out" || ! grep -q "^with_detail = $2$" "$dir/out"; then
    echo "wrong answer ($1):" >&2; grep -E '^(orgs|with_detail) =' "$dir/out" >&2; exit 1
  fi
  echo "$end - $start" | bc
}

: >"$work/plain.s"; : >"$work/details.s"; : >"$work/per_org.s"
for _ in $(seq "$RUNS"); do
  apply plain 0 >>"$work/plain.s"
  apply details "$ORGS" >>"$work/details.s"
  apply per_org "$ORGS" >>"$work/per_org.s"
done
plain=$(median <"$work/plain.s")
details=$(median <"$work/details.s")
per_org=$(median <"$work/per_org.s")
budget=$(echo "1.25 * ($plain + $ORGS * $LATENCY_MS / 1000 / $PARALLEL)" | bc -l)
speedup=$(echo "$per_org / $details" | bc -l)
ok1=$(echo "$details <= $budget" | bc -l | sed 's/1/ok/; s/0/MISSED/')
ok2=$(echo "$speedup >= 2" | bc -l | sed 's/1/ok/; s/0/MISSED/')

echo "== covalence_orgs include_details: $ORGS orgs, ${LATENCY_MS} ms per request, terraform apply, medians of $RUNS alternating runs"
printf "%-44s %8s %s\n" "read" "wall s" "target"
printf "%-44s %8.2f %s\n" "plain list" "$plain" "-"
printf "%-44s %8.2f %s\n" "include_details = true" "$details" "<= $(printf %.2f "$budget") s (1.25 x (plain + $ORGS x ${LATENCY_MS} ms / $PARALLEL)): $ok1"
printf "%-44s %8.2f %s\n" "plain list + $ORGS covalence_org (for_each)" "$per_org" "$(printf %.1f "$speedup")x include_details (>= 2x): $ok2"
