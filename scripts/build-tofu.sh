#!/usr/bin/env bash
# Prints the path of the pinned OpenTofu CLI, building it from source first
# when it is not in the per-user cache yet.
#
# Why from source: the acceptance tests and the demo need a Terraform-
# compatible CLI, and the Go module proxy may be the only network a build
# host reaches. `go install github.com/opentofu/opentofu/cmd/tofu@V` is
# refused because OpenTofu's go.mod has replace directives, so the module
# source is fetched through the proxy (`go mod download`), copied out of the
# read-only module cache and built in place. Nothing comes from the Terraform
# or OpenTofu registries nor from any release download site.
#
# The binary lands in ${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-covalence/
# tofu-<version>/tofu, outside the clone, so every clone of the user reuses
# it. The first build takes 5 to 15 minutes on 2 cores (about 2 GB of Go
# modules, 7 minutes of CPU) and says so on stderr, with progress; afterwards
# this script costs a fraction of a second.
# Concurrent runs wait on a lock (flock) and the binary is built under a
# temporary name and renamed into place, so an interrupted or parallel build
# never leaves a half-written tofu behind.
#
# Only the path is printed on stdout; progress goes to stderr.
# Environment: TOFU_VERSION overrides the pinned version (for trying another).
set -euo pipefail

# The pinned OpenTofu release (a tag of github.com/opentofu/opentofu).
TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-covalence"
dir="$cache_root/tofu-$TOFU_VERSION"
bin="$dir/tofu"

name="OpenTofu ${TOFU_VERSION}"
tag="build-tofu"
# shellcheck source=scripts/lib/cached-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/cached-cli.sh"

start=$SECONDS
work=""
ticker=""
child=""
cleanup() {
  set +e
  [[ -n "$child" ]] && kill "$child" 2>/dev/null
  [[ -n "$ticker" ]] && kill "$ticker" 2>/dev/null
  [[ -n "$work" && -d "$work" ]] && { chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; }
  rm -f "$dir/tofu.tmp.$$"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

elapsed() { printf '%dm%02ds' $(((SECONDS - start) / 60)) $(((SECONDS - start) % 60)); }
# A line every 30 s while a long step runs, so that a log does not look hung.
tick_start() {
  local what="$1"
  # (1 s sleeps: a killed ticker leaves no long sleep holding stderr open)
  ( n=0; while sleep 1; do (((++n) % 30)) || log "... still $what ($(elapsed) elapsed)"; done ) >&2 9>&- &
  ticker=$!
}
tick_stop() { kill "$ticker" 2>/dev/null || true; wait "$ticker" 2>/dev/null || true; ticker=""; }
# Runs a long step in the background and waits for it, so that a TERM or INT
# is acted on at once (the step is killed and the leftovers removed). Its
# output goes to stderr: stdout carries the path alone.
run() {
  "$@" >&2 &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# Leftovers of a build that was killed outright (we hold the lock: none is running).
if [[ -e "$dir/src" ]] || compgen -G "$dir/tofu.tmp.*" >/dev/null; then
  log "removing leftovers of an interrupted build in $dir"
  chmod -R u+w "$dir/src" 2>/dev/null || true
  rm -rf "$dir/src" "$dir"/tofu.tmp.*
fi

log "no usable OpenTofu $TOFU_VERSION at $bin: building it from source with Go"
log "(the first time on a machine: 5-15 minutes and about 2 GB of Go modules from the"
log "Go module proxy; seconds when Go's build cache still has it)"

# Build outside any workspace and with the modules' own versions.
export GOWORK=off GOFLAGS=-mod=readonly
unset GOOS GOARCH CGO_ENABLED

log "[1/4] downloading the OpenTofu $TOFU_VERSION module source"
src="$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
if [[ -z "$src" || ! -f "$src/go.mod" ]]; then
  log "go mod download did not give the module directory"
  exit 1
fi
log "      $src ($(elapsed))"

# A fixed directory (the lock makes it ours) so that a rebuild hits Go's build cache.
log "[2/4] copying it to a writable directory"
work="$dir/src"
mkdir "$work"
cp -R "$src/." "$work/"
chmod -R u+w "$work"
log "      $work ($(elapsed))"

log "[3/4] downloading its dependencies (go mod download)"
tick_start "downloading dependencies"
run go -C "$work" mod download
tick_stop
log "      done ($(elapsed))"

# version.dev=no makes a release build: without it the binary calls itself
# v<version>-dev (which version constraints and the check above reject).
log "[4/4] compiling ./cmd/tofu (the longest step)"
tick_start "compiling"
run go -C "$work" build -trimpath -buildvcs=false \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$dir/tofu.tmp.$$" ./cmd/tofu
tick_stop
mv -f "$dir/tofu.tmp.$$" "$bin"

if ! usable "$bin"; then
  log "the built $bin does not report OpenTofu $TOFU_VERSION:"
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$bin" version >&2 || true
  exit 1
fi
log "built OpenTofu $TOFU_VERSION in $(elapsed): $bin"
echo "$bin"
