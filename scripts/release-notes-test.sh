#!/usr/bin/env bash
# Tests scripts/release-notes.sh (run by `make test-scripts`, part of make
# test): each heading form, whole-version matching, where a section ends,
# Keep a Changelog's kinds of change, and every refusal (missing, empty, still
# Unreleased in any case, a heading that is not a kind of change, not a
# version). Also checks that CHANGELOG.md itself names its kinds of change
# the way it promises.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
notes="$here/release-notes.sh"
# shellcheck source=lib/script-test.sh
source "$here/lib/script-test.sh"
script_test_start release-notes-test

cat >"$tmp/CHANGELOG.md" <<'MD'
# Changelog

## [Unreleased]

- next thing

## [1.3.0] - 2026-03-01

### Added

- a thing

### Changed

- another, with an example:

```md
## not the end of the section: inside a code block
### nor a kind of change
```

### Deprecated

- old

### Removed

- older

### Fixed

- a fix

### Security

- a hole

## 1.2.31 (2026-02-15)

### Bug fixes

- not a kind of change

## [1.2.30] - 2026-02-01

- thirty

## [1.2.3] - 2026-01-31

### Fixed

- the fix

  continued after a blank line


## 1.2.2 (2026-01-01)

- two

## v1.1.0

## 1.0.0-rc.1

- candidate

## 1.0.0 (Unreleased)

- not yet

## 1.0.1 (unreleased)

- not yet either

## [1.0.2] - UNRELEASED

- nor this

## [0.9.0] - 2025-12-01

- first

[1.2.3]: https://example.com/compare/v1.2.2...v1.2.3
MD


# expect_notes VERSION EXPECTED: exit 0, stdout EXPECTED exactly.
expect_notes() {
  local got
  if ! got="$("$notes" "$1" "$tmp/CHANGELOG.md" 2>"$tmp/err")"; then
    fail "$1: exit status $?, stderr: $(cat "$tmp/err")"
  elif [[ "$got" != "$2" ]]; then
    fail "$1: got"$'\n'"$got"$'\n'"want"$'\n'"$2"
  fi
}

# expect_refused VERSION STATUS MESSAGE: exit STATUS, nothing on stdout, MESSAGE in stderr.
expect_refused() {
  local got rc=0
  got="$("$notes" "$1" "$tmp/CHANGELOG.md" 2>"$tmp/err")" || rc=$?
  if [[ "$rc" -ne "$2" ]]; then
    fail "$1: exit status $rc, want $2"
  elif [[ -n "$got" ]]; then
    fail "$1: printed notes although refused: $got"
  elif ! grep -qF -- "$3" "$tmp/err"; then
    fail "$1: stderr does not say \"$3\": $(cat "$tmp/err")"
  fi
}

expect_notes v1.2.3 $'### Fixed\n\n- the fix\n\n  continued after a blank line'
expect_notes 1.2.3 $'### Fixed\n\n- the fix\n\n  continued after a blank line'
expect_notes v1.2.30 '- thirty'
expect_notes v1.2.2 '- two'
expect_notes v1.0.0-rc.1 '- candidate'
expect_notes v0.9.0 '- first'

expect_notes v1.3.0 "$(printf '%s\n' '### Added' '' '- a thing' '' '### Changed' '' '- another, with an example:' '' \
  '```md' '## not the end of the section: inside a code block' '### nor a kind of change' '```' '' '### Deprecated' '' '- old' '' \
  '### Removed' '' '- older' '' '### Fixed' '' '- a fix' '' '### Security' '' '- a hole')"

expect_refused v1.0.0 1 'still says Unreleased'
expect_refused v1.0.1 1 'still says Unreleased'
expect_refused v1.0.2 1 'still says Unreleased'
expect_refused v1.2.31 1 'has a heading "### Bug fixes"'
expect_refused v1.1.0 1 'is empty'
expect_refused v1.2.4 1 'no "## 1.2.4" section'
expect_refused v1.2 2 'not a semantic version'
expect_refused Unreleased 2 'not a semantic version'

rc=0
"$notes" v1.2.3 "$tmp/missing.md" >/dev/null 2>&1 || rc=$?
[[ "$rc" -eq 1 ]] || fail "a missing changelog: exit status $rc, want 1"

# CHANGELOG.md names its kinds of change as Keep a Changelog does, in every
# section (the unreleased one too, which the script refuses to publish).
changelog="$here/../CHANGELOG.md"
while IFS= read -r h; do
  case "$h" in
    "### Added" | "### Changed" | "### Deprecated" | "### Removed" | "### Fixed" | "### Security") ;;
    *) fail "CHANGELOG.md: \"$h\" is not one of Keep a Changelog's kinds of change" ;;
  esac
done < <(grep -E '^###[[:space:]]' "$changelog" || true)
grep -qE '^### ' "$changelog" || fail "CHANGELOG.md: no \"### Added\" (or other kind of change) heading at all"

script_test_end
