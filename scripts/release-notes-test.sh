#!/usr/bin/env bash
# Tests scripts/release-notes.sh (run by `make test-scripts`, part of make
# test): each heading form, whole-version matching, where a section ends, and
# every refusal (missing, empty, still Unreleased, not a version).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
notes="$here/release-notes.sh"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-release-notes.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/CHANGELOG.md" <<'MD'
# Changelog

## [Unreleased]

- next thing

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

## [0.9.0] - 2025-12-01

- first

[1.2.3]: https://example.com/compare/v1.2.2...v1.2.3
MD

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

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

expect_refused v1.0.0 1 'still says Unreleased'
expect_refused v1.1.0 1 'is empty'
expect_refused v1.2.4 1 'no "## 1.2.4" section'
expect_refused v1.2 2 'not a semantic version'
expect_refused Unreleased 2 'not a semantic version'

rc=0
"$notes" v1.2.3 "$tmp/missing.md" >/dev/null 2>&1 || rc=$?
[[ "$rc" -eq 1 ]] || fail "a missing changelog: exit status $rc, want 1"

if [[ "$failures" -gt 0 ]]; then
  echo "release-notes-test: $failures failures" >&2
  exit 1
fi
echo "release-notes-test: ok"
