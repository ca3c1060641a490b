#!/usr/bin/env bash
# make demo: build the provider and the mock FES Portal, start the mock with a
# seeded estate, apply examples/demo against it and print its outputs.
#
# Needs Go and a terraform (or tofu) CLI only. Nothing is downloaded beyond Go
# modules, nothing is written to the repository: the provider is used through
# a dev_overrides CLI configuration (no `terraform init`), and the working
# copy of the configuration, its state and the binaries live in a temporary
# directory removed on exit. The mock is stopped by PID on exit, also on
# failure or Ctrl-C.
#
# Environment: DEMO_ORGS (6), DEMO_AROS (300), DEMO_SEED (1) size the estate.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tf="$(scripts/terraform-cli.sh)"
orgs="${DEMO_ORGS:-6}"
aros="${DEMO_AROS:-300}"
seed="${DEMO_SEED:-1}"
api_key="demo-api-key-$$"

tmp=""
mock_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$mock_pid" ]] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
  fi
  if [[ -n "$tmp" && -d "$tmp" ]]; then
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-demo.XXXXXX")"
start=$SECONDS

color=()
[[ -t 1 ]] || color=(-no-color)
say() { printf '\n==> %s\n' "$*"; }

say "building the provider and the mock portal"
mkdir -p "$tmp/bin"
go build -o "$tmp/bin/" . ./internal/cmd/mockportal

say "starting the mock portal ($orgs organizations, $aros AROs, seed $seed)"
"$tmp/bin/mockportal" -listen 127.0.0.1:0 -addr-file "$tmp/addr" -api-key "$api_key" \
  -orgs "$orgs" -aros "$aros" -seed "$seed" >"$tmp/mockportal.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do
  [[ -s "$tmp/addr" ]] && break
  if ! kill -0 "$mock_pid" 2>/dev/null; then
    echo "the mock portal exited:" >&2
    cat "$tmp/mockportal.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s "$tmp/addr" ]]; then
  echo "the mock portal did not write $tmp/addr within 10s:" >&2
  cat "$tmp/mockportal.log" >&2
  exit 1
fi
base_url="$(cat "$tmp/addr")"
echo "mock portal at $base_url (pid $mock_pid)"

# A throwaway CLI configuration: the provider comes from the fresh build, every
# other provider (none here) from the registry. Both registry hostnames so
# that OpenTofu works too.
cat >"$tmp/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/covalence-oss/covalence" = "$tmp/bin"
    "registry.opentofu.org/covalence-oss/covalence" = "$tmp/bin"
  }
  direct {}
}
EOF
unset TF_CLI_ARGS TF_CLI_ARGS_apply TF_CLI_ARGS_plan TF_CLI_ARGS_output TF_WORKSPACE
export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_DATA_DIR="$tmp/tfdata"
export COVALENCE_API_KEY="$api_key"
export COVALENCE_BASE_URL="$base_url"
unset COVALENCE_PROVIDER_ID

# Apply a copy of examples/demo so that its state (terraform.tfstate) and
# anything else terraform writes stay in the temporary directory.
work="$tmp/demo"
mkdir -p "$work"
cp examples/demo/*.tf "$work/"

say "$(basename "$tf") apply examples/demo ($("$tf" version | head -n1))"
# The outputs are printed below, one by one with their descriptions: leave
# out the plan's "Changes to Outputs" and the apply's "Outputs" sections.
"$tf" -chdir="$work" apply -auto-approve -input=false "${color[@]}" | awk '
  { t = $0; gsub(/\033\[[0-9;]*m/, "", t) }
  t ~ /^Changes to Outputs:/ { skip = 1; next }
  t ~ /^Outputs:/ { skip = 2 }
  skip == 1 && (t ~ /^[^ ].*: (Creating|Modifying|Destroying|Reading)\.\.\./ || t ~ /^(╷|Apply complete)/) { skip = 0 }
  !skip { print }'

say "terraform output"
for name in a_org_inventory b_aro_report_7d b_aro_report_7d_total c_compliance_gate; do
  desc="$(sed -n "/^output \"$name\"/,/^}/s/^  description *= *\"\(.*\)\"$/\1/p" examples/demo/outputs.tf)"
  printf '\n# %s\n%s = ' "${desc:-$name}" "$name"
  "$tf" -chdir="$work" output "${color[@]}" "$name"
done

say "(c) again with enforce_compliance = true: the precondition must stop the plan"
if out="$("$tf" -chdir="$work" plan -input=false -no-color -lock=false -var enforce_compliance=true 2>&1)"; then
  if grep -q '"PASS"' <<<"$("$tf" -chdir="$work" output -no-color c_compliance_gate)"; then
    echo "plan succeeded: no unresolved High/Critical AROs, the gate is green"
  else
    echo "$out"
    echo "FAILED: the gate is red, yet the plan with enforce_compliance = true succeeded" >&2
    exit 1
  fi
else
  # The error block, without the box drawing.
  sed -n '/Error:/,/^╵/p' <<<"$out" | sed -e '/^╵/d' -e 's/^│ \{0,1\}//'
  echo "-> blocked as expected (exit status non-zero)"
fi

say "demo finished in $((SECONDS - start))s; stopping the mock portal"
