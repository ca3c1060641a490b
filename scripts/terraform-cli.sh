#!/usr/bin/env bash
# Prints the path of the Terraform-compatible CLI to test with, the first of:
#   1. TF_ACC_TERRAFORM_PATH, if set;
#   2. terraform on PATH;
#   3. tofu on PATH;
#   4. the pinned OpenTofu built from source into the per-user cache by
#      scripts/build-tofu.sh (minutes the first time, then reused by every
#      clone), so that a machine with Go but no terraform still runs the
#      acceptance tests and the demo. Nothing is downloaded from the Terraform
#      or OpenTofu registries or release sites.
#
#   scripts/terraform-cli.sh         the path alone on stdout
#   scripts/terraform-cli.sh --env   shell exports for terraform-plugin-testing:
#       TF_ACC_TERRAFORM_PATH, and TF_ACC_PROVIDER_NAMESPACE=hashicorp when the
#       CLI is OpenTofu (unless already set), which the tests need with tofu.
#       Use: env="$(scripts/terraform-cli.sh --env)" && eval "$env"
set -euo pipefail

mode="path"
case "${1:-}" in
  "") ;;
  --env) mode="env" ;;
  *) echo "usage: $0 [--env]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  tf="$TF_ACC_TERRAFORM_PATH"
elif tf="$(command -v terraform)" || tf="$(command -v tofu)"; then
  :
else
  echo "terraform-cli: neither terraform nor tofu is on PATH (nor TF_ACC_TERRAFORM_PATH set):" \
    "using the pinned OpenTofu, built from source if not cached yet" >&2
  tf="$("$here/build-tofu.sh")"
fi

if [[ "$mode" == "path" ]]; then
  echo "$tf"
  exit 0
fi

# OpenTofu answers `version` with "OpenTofu v...", Terraform with "Terraform v...".
# Asked without any CLI configuration: the machine's may name a missing file,
# and tofu then prints a warning first.
first="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$tf" version 2>/dev/null)" || true
printf 'export TF_ACC_TERRAFORM_PATH=%q\n' "$tf"
if [[ "$first" == OpenTofu* ]]; then
  printf 'export TF_ACC_PROVIDER_NAMESPACE=%q\n' "${TF_ACC_PROVIDER_NAMESPACE:-hashicorp}"
fi
