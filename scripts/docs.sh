#!/usr/bin/env bash
# make docs: generate docs/ from templates/, examples/ and the provider's
# schema with terraform-plugin-docs, then validate the result.
#
# Why not plain `tfplugindocs generate`: without --providers-schema it builds
# the provider and looks for a `terraform` binary on PATH (hc-install
# fs.AnyVersion; `tofu` is not considered); when there is none it silently
# DOWNLOADS the latest Terraform from releases.hashicorp.com (--tf-version
# always downloads), and it runs `terraform init -plugin-dir` in a temporary
# workspace. Here instead the schema comes from the CLI that
# scripts/terraform-cli.sh picks (terraform or tofu), through a dev_overrides
# CLI configuration: no download, no `terraform init`, no registry, and the
# generated docs are the same.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tf="$(scripts/terraform-cli.sh)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-docs.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/bin" "$tmp/ws"
go build -o "$tmp/bin/terraform-provider-covalence" .

# tfplugindocs finds the schema under "covalence" or
# "registry.terraform.io/hashicorp/covalence" only, hence this address.
cat >"$tmp/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/covalence" = "$tmp/bin"
  }
  direct {}
}
EOF
cat >"$tmp/ws/main.tf" <<'EOF'
terraform {
  required_providers {
    covalence = {
      source = "registry.terraform.io/hashicorp/covalence"
    }
  }
}
EOF
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" TF_DATA_DIR="$tmp/tfdata" TF_IN_AUTOMATION=1 \
  "$tf" -chdir="$tmp/ws" providers schema -json >"$tmp/schema.json"

go tool tfplugindocs generate --provider-name covalence --providers-schema "$tmp/schema.json"
# validate logs "[DEBUG] ..." lines to stderr unconditionally: drop them.
go tool tfplugindocs validate --provider-name covalence --providers-schema "$tmp/schema.json" \
  2> >(grep -v '^[0-9/: ]*\[DEBUG\]' >&2)
