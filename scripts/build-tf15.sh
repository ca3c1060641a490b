#!/usr/bin/env bash
# Prints the path of Terraform 1.5.7, building it from its Go module source
# first when it is not in the per-user cache yet.
#
# Why 1.5.7: it is the last Terraform release under MPL-2.0, and the oldest
# core many organizations still run. Later releases are BUSL-licensed and are
# never built or vendored by this repository. Why from source: the Go module
# proxy may be the only network a build host reaches; `go install
# github.com/hashicorp/terraform@v1.5.7` works there (Terraform's go.mod has no
# replace directives), with nothing from HashiCorp's release site.
#
# The binary lands in ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-covalence/
# terraform-1.5.7/terraform, outside the clone, so every clone of the user
# reuses it. The first build takes about 2 to 5 minutes on 2 cores; afterwards
# this script costs a fraction of a second. Concurrent runs wait on a lock
# (flock), and the binary is installed under a temporary directory and renamed
# into place, so an interrupted or parallel build never leaves a half-written
# binary behind.
#
# Only the path is printed on stdout; progress goes to stderr.
set -euo pipefail

TF15_VERSION="v1.5.7"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-covalence"
dir="$cache_root/terraform-${TF15_VERSION#v}"
bin="$dir/terraform"

name="Terraform ${TF15_VERSION}"
tag="build-tf15"
# shellcheck source=scripts/lib/cached-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cached-cli.sh"

tmp="$dir/install.tmp.$$"
child=""
cleanup() {
  set +e
  [[ -n "$child" ]] && kill "$child" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

log "no usable Terraform $TF15_VERSION at $bin: building it from its Go module source"
log "(the first time on a machine: a few minutes and about 1 GB of Go modules from the Go module proxy)"
start=$SECONDS
mkdir -p "$tmp"
# Outside any workspace, with the module's own dependency versions. Run in the
# background and waited for, so that INT or TERM is acted on at once.
(cd "$tmp" && GOWORK=off GOFLAGS=-mod=readonly GOBIN="$tmp" CGO_ENABLED=0 \
  go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@$TF15_VERSION") >&2 &
child=$!
wait "$child"
child=""
mv -f "$tmp/terraform" "$bin"

if ! usable "$bin"; then
  log "the built $bin does not report Terraform $TF15_VERSION:"
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$bin" version >&2 || true
  exit 1
fi
log "built Terraform $TF15_VERSION in $((SECONDS - start)) s: $bin"
echo "$bin"
