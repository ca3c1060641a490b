#!/usr/bin/env bash
# Installs the running platform's archive of `make release-snapshot` the way a user's
# `terraform init` installs a release, through a filesystem mirror, and checks
# what it installed: the version (lower-case snapshot suffix, which a version
# constraint accepts), the archive against the SHA256SUMS file, the binary
# init unpacked against the archive's, and that it serves the provider's schema. Nothing is
# downloaded: the CLI configuration has the mirror and no other source.
#
#   scripts/release-snapshot-install.sh      uses dist/, running make release-snapshot when it has no archive
#
# The CLI: scripts/terraform-cli.sh (TF_ACC_TERRAFORM_PATH, terraform, tofu).
# Not part of make test or .ci/run (the snapshot builds every platform).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tf="$(scripts/terraform-cli.sh)"
target="$(go env GOOS)_$(go env GOARCH)"
find_zip() { ls dist/terraform-provider-covalence_*_"$target".zip 2>/dev/null | head -n1; }

zip="$(find_zip)"
if [[ -z "$zip" ]]; then
  make --no-print-directory release-snapshot
  zip="$(find_zip)"
fi
[[ -n "$zip" ]] || { echo "release-snapshot-install: no archive for $target in dist/" >&2; exit 1; }

name="$(basename "$zip")"
version="${name#terraform-provider-covalence_}"
version="${version%_"$target".zip}"
if [[ "$version" != "${version,,}" ]]; then
  echo "release-snapshot-install: version $version is not lower-case: terraform init refuses it in a constraint" >&2
  exit 1
fi
sums="dist/terraform-provider-covalence_${version}_SHA256SUMS"
[[ -r "$sums" ]] || { echo "release-snapshot-install: $sums is missing" >&2; exit 1; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-snapshot.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# The packed layout: HOSTNAME/NAMESPACE/TYPE/<the release's zip name>.
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$tmp/mirror/$host/covalence-oss/covalence"
  cp "$zip" "$tmp/mirror/$host/covalence-oss/covalence/"
done
cat >"$tmp/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$tmp/mirror"
    include = ["registry.terraform.io/covalence-oss/covalence", "registry.opentofu.org/covalence-oss/covalence"]
  }
}
CFG
mkdir -p "$tmp/ws"
cat >"$tmp/ws/main.tf" <<HCL
terraform {
  required_providers {
    covalence = {
      source  = "covalence-oss/covalence"
      version = "$version"
    }
  }
}
HCL

export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" TF_DATA_DIR="$tmp/ws/.terraform" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_CLI_ARGS TF_CLI_ARGS_init
echo "release-snapshot-install: terraform init of $name through a filesystem mirror ($("$tf" version | head -n1))"
"$tf" -chdir="$tmp/ws" init -input=false -no-color >"$tmp/init.log" 2>&1 || {
  cat "$tmp/init.log" >&2
  echo "release-snapshot-install: init failed" >&2
  exit 1
}
grep -q "covalence-oss/covalence v$version" "$tmp/init.log" || {
  cat "$tmp/init.log" >&2
  echo "release-snapshot-install: init did not install v$version" >&2
  exit 1
}

# The archive is the one SHA256SUMS lists, and what init unpacked is its
# binary. (A filesystem mirror gives the lock file only an h1: hash of the
# unpacked files, so the archive's SHA-256 is checked here.)
want="$(awk -v n="$name" '$2 == n { print $1 }' "$sums")"
got="$(sha256sum "$zip" | cut -d' ' -f1)"
if [[ -z "$want" || "$want" != "$got" ]]; then
  echo "release-snapshot-install: $name has SHA-256 $got, $sums says ${want:-nothing}" >&2
  exit 1
fi
installed="$(find "$tmp/ws/.terraform/providers" -type f -name "terraform-provider-covalence_v$version*" | head -n1)"
mkdir -p "$tmp/unzipped"
(cd "$tmp/unzipped" && unzip -q "$root/$zip")
if [[ -z "$installed" ]] || ! cmp -s "$installed" "$tmp/unzipped/$(basename "$installed")"; then
  echo "release-snapshot-install: init did not install the archive's binary (found: ${installed:-none})" >&2
  exit 1
fi
grep -q '"h1:' "$tmp/ws/.terraform.lock.hcl" || {
  echo "release-snapshot-install: the lock file records no hash" >&2
  exit 1
}

# The installed binary starts and serves its schema.
"$tf" -chdir="$tmp/ws" providers schema -json >"$tmp/schema.json"
grep -q '"covalence_aro_summary"' "$tmp/schema.json" || {
  echo "release-snapshot-install: the installed provider's schema has no covalence_aro_summary" >&2
  exit 1
}
echo "release-snapshot-install: v$version installed through a filesystem mirror, hash matches $sums, schema served"
