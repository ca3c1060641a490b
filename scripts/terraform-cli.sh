#!/usr/bin/env bash
# Prints the path of the Terraform-compatible CLI to test with:
# TF_ACC_TERRAFORM_PATH if set, else terraform on PATH, else tofu on PATH.
set -euo pipefail
if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  echo "$TF_ACC_TERRAFORM_PATH"; exit 0
fi
for cli in terraform tofu; do
  if p="$(command -v "$cli")"; then echo "$p"; exit 0; fi
done
echo "no terraform or tofu on PATH; set TF_ACC_TERRAFORM_PATH" >&2
exit 1
