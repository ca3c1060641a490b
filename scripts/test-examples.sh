#!/usr/bin/env bash
# make test-examples (part of make test; make test-tofu runs it with tofu):
# runs the unit tests that ship beside the compliance-gate examples
# (examples/compliance-gate/*/tests/*.tftest.hcl) with `terraform test` (or
# `tofu test`). They use mock_provider, so no portal and no credentials are
# needed; the provider's schema comes from a fresh build through a
# dev_overrides CLI configuration, so there is no `init` and nothing is
# downloaded. Each example is copied to a temporary directory first, so
# nothing is written to the repository.
#
# The CLI: TF_ACC_TERRAFORM_PATH, else scripts/terraform-cli.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tf="${TF_ACC_TERRAFORM_PATH:-$(scripts/terraform-cli.sh)}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-test-examples.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin"
go build -o "$tmp/bin/" .
cat >"$tmp/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/covalence-oss/covalence" = "$tmp/bin"
    "registry.opentofu.org/covalence-oss/covalence" = "$tmp/bin"
  }
  direct {}
}
CFG
unset TF_CLI_ARGS TF_CLI_ARGS_test TF_WORKSPACE
export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

echo "test-examples: $(CHECKPOINT_DISABLE=1 "$tf" version | head -n1)"
failed=()
n=0
for tests in examples/*/*/tests; do
  ls "$tests"/*.tftest.hcl >/dev/null 2>&1 || continue
  ex="$(dirname "$tests")"
  n=$((n + 1))
  work="$tmp/run/$ex"
  mkdir -p "$work"
  cp -R "$ex"/. "$work/"
  echo "--- $ex"
  if ! TF_DATA_DIR="$work/.tfdata" "$tf" -chdir="$work" test -no-color; then
    failed+=("$ex")
  fi
done
if [[ "$n" -eq 0 ]]; then
  echo "test-examples: no examples/*/*/tests/*.tftest.hcl found" >&2
  exit 1
fi
if [[ "${#failed[@]}" -gt 0 ]]; then
  echo "test-examples: FAILED in ${failed[*]}" >&2
  exit 1
fi
echo "test-examples: $n example test suites passed"
