# Sourced by scripts/build-tofu.sh and scripts/build-tf15.sh: the part of
# "print the path of a CLI cached per user, building it first if missing"
# that both share. The caller sets, before sourcing:
#   name  what to build, for messages ("OpenTofu v1.12.6")
#   tag   the script's name in messages ("build-tofu")
#   dir   the cache directory of this version; bin the binary in it
# Sourcing prints the path and exits when the cached binary is usable;
# otherwise it returns holding the build lock (fd 9) on "$dir/.lock", with
# go and flock known to be on PATH. The caller then builds "$bin".

log() { printf '%s: %s\n' "$tag" "$*" >&2; }

# The binary answers `version` with "$name" on its first line ("OpenTofu
# v1.12.6", "Terraform v1.5.7"): a cheap check that the cached file is whole
# and is the pinned release. Run without any CLI configuration (the
# machine's may point at a missing file, and the CLI then prints a warning)
# and without the checkpoint service.
usable() {
  [[ -x "$1" ]] || return 1
  local out
  out="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null)" || return 1
  [[ "${out%%$'\n'*}" == "$name" ]]
}

if usable "$bin"; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "go is not on PATH: cannot build $name"; exit 1; }
command -v flock >/dev/null 2>&1 || { log "flock (util-linux) is not on PATH"; exit 1; }

mkdir -p "$dir"
exec 9>"$dir/.lock"
if ! flock -n 9; then
  log "another build of $name holds $dir/.lock; waiting for it"
  flock 9
fi
# The build that held the lock may have produced the binary meanwhile.
if usable "$bin"; then
  log "$name was built meanwhile by another run"
  echo "$bin"
  exit 0
fi
