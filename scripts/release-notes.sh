#!/usr/bin/env bash
# Prints the release notes of a version: its section of CHANGELOG.md, without
# the heading. The release workflow passes them to `goreleaser release
# --release-notes`, so a release says what changed for users, not the commit log.
#
#   scripts/release-notes.sh v1.2.3 [CHANGELOG.md]
#
# The version may carry a leading "v" (a tag). A section starts at a level-2
# heading naming the version, in any of the usual forms:
#   ## 1.2.3 (2026-01-31)    ## [1.2.3] - 2026-01-31    ## v1.2.3
# and ends at the next level-2 heading, or at the link definitions that close
# a Keep a Changelog file. Fails, printing nothing, when the section is missing
# or empty, when its heading still says "Unreleased" (in any case): a release
# must not go out with notes that are not written yet; or when one of its
# level-3 headings is not one of Keep a Changelog's kinds of change (Added,
# Changed, Deprecated, Removed, Fixed, Security), which CHANGELOG.md promises.
# Tested by scripts/release-notes-test.sh (make test-scripts).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 VERSION [CHANGELOG]" >&2
  exit 2
fi
version="${1#v}"
changelog="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/CHANGELOG.md}"

if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
  echo "release-notes: \"$1\" is not a semantic version (vMAJOR.MINOR.PATCH)" >&2
  exit 2
fi
if [[ ! -r "$changelog" ]]; then
  echo "release-notes: cannot read $changelog" >&2
  exit 1
fi

# awk prints the section's body and exits 0, or names what is wrong on
# stderr and exits 1. The version is matched as a whole word: 1.2.3 does not
# match 1.2.30 or 11.2.3.
notes="$(awk -v ver="$version" '
  function is_heading(line,    rest, v) {
    if (line !~ /^## /) return 0
    rest = substr(line, 4)
    sub(/^\[/, "", rest); sub(/^v/, "", rest)
    v = rest; sub(/[] (].*$/, "", v)
    return v == ver
  }
  !found && is_heading($0) {
    found = 1
    if (tolower($0) ~ /unreleased/) {
      printf "release-notes: the heading of %s still says Unreleased: %s\n", ver, $0 > "/dev/stderr"
      bad = 1; exit 1
    }
    next
  }
  found && !fenced && (/^## / || /^\[[^]]+\]: /) { exit 0 }
  found && /^```/ { fenced = !fenced }
  found && !fenced && /^### / {
    kind = substr($0, 5); sub(/[[:space:]]+$/, "", kind)
    if (kind !~ /^(Added|Changed|Deprecated|Removed|Fixed|Security)$/) {
      printf "release-notes: the section of %s has a heading \"%s\": Keep a Changelog names a change Added, Changed, Deprecated, Removed, Fixed or Security\n", ver, $0 > "/dev/stderr"
      bad = 1; exit 1
    }
  }
  found { print }
  END {
    if (bad) exit 1
    if (!found) { printf "release-notes: no \"## %s\" section in the changelog\n", ver > "/dev/stderr"; exit 1 }
  }
' "$changelog")"

# Trim blank lines at either end; refuse a section with nothing in it.
notes="$(printf '%s\n' "$notes" | sed -e '/./,$!d' | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}')"
if [[ -z "${notes//[[:space:]]/}" ]]; then
  echo "release-notes: the section of $version in $changelog is empty" >&2
  exit 1
fi
printf '%s\n' "$notes"
