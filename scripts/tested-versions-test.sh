#!/usr/bin/env bash
# Tests scripts/tested-versions.sh (run by `make test-scripts`, part of make
# test) on small copies of the repository's files built here: the lines it
# states from a workflow's matrices (one, two, several versions; patch
# versions; comments; unsorted), --check passing and failing on README.md and
# templates/index.md.tmpl, and its refusals.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tv="$here/tested-versions.sh"
# shellcheck source=lib/script-test.sh
source "$here/lib/script-test.sh"
script_test_start tested-versions-test


# workflow DIR TF TOFU: DIR/.github/workflows/test.yml with the two matrices,
# each given as space-separated entries written as the workflow writes them.
workflow() {
  mkdir -p "$1/.github/workflows"
  {
    cat <<'YML'
name: Tests
jobs:
  acceptance-terraform:
    strategy:
      matrix:
        # the oldest and the newest
        terraform:
YML
    local v
    for v in $2; do printf '          - %s\n' "$v"; done
    cat <<'YML'
    steps:
      - uses: hashicorp/setup-terraform@0000000000000000000000000000000000000000 # v4
        with:
          terraform_version: ${{ matrix.terraform }}
  acceptance-opentofu:
    strategy:
      matrix:
        tofu:
          # newest two
YML
    for v in $3; do printf '          - %s\n' "$v"; done
    printf '    steps:\n      - run: make testacc\n'
  } >"$1/.github/workflows/test.yml"
}

# expect_lines CASE TF TOFU LINE1 LINE2 LINE3: what the script prints.
expect_lines() {
  local d="$tmp/$1" got
  rm -rf "$d"
  workflow "$d" "$2" "$3"
  if ! got="$("$tv" "$d" 2>"$tmp/err")"; then
    fail "$1: failed: $(cat "$tmp/err")"
    return
  fi
  local want
  want="$(printf '%s\n' "$4" "$5" "$6")"
  [[ "$got" == "$want" ]] || fail "$1: got"$'\n'"$got"$'\n'"want"$'\n'"$want"
}

expect_lines repo '"1.5.*" "1.10.*" "1.15.*" "1.16.*"' '"1.11.*" "1.12.*"' \
  '| Terraform | 1.5 or later; tested with 1.5, 1.10, 1.15 and 1.16 |' \
  '| OpenTofu | 1.11 or later; tested with 1.11 and 1.12 |' \
  'Terraform 1.5 or later, or OpenTofu 1.11 or later (tested with Terraform 1.5, 1.10, 1.15 and 1.16, and OpenTofu 1.11 and 1.12).'
# Unsorted (1.10 after 1.9, not before 1.2), unquoted, single-quoted, patch versions, one version.
expect_lines order "1.10.* '1.9.*' 1.2.3" '"1.12.6"' \
  '| Terraform | 1.2 or later; tested with 1.2, 1.9 and 1.10 |' \
  '| OpenTofu | 1.12 or later; tested with 1.12 |' \
  'Terraform 1.2 or later, or OpenTofu 1.12 or later (tested with Terraform 1.2, 1.9 and 1.10, and OpenTofu 1.12).'

# --check: a README and a template holding the lines pass; each one changed fails, naming it.
d="$tmp/check"
workflow "$d" '"1.5.*" "1.16.*"' '"1.12.*"'
mapfile -t lines < <("$tv" "$d")
mkdir -p "$d/templates"
write_docs() {
  printf '# p\n\n## Requirements\n\n| | versions |\n| --- | --- |\n%s\n%s\n| functions | Terraform 1.8 |\n' "$1" "$2" >"$d/README.md"
  printf '## Terraform and OpenTofu\n\n%s\nMore.\n' "$3" >"$d/templates/index.md.tmpl"
}
# expect_check CASE STATUS TEXT: --check's exit status, and TEXT on stdout (0) or stderr (1).
expect_check() {
  local rc=0
  "$tv" --check "$d" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [[ "$rc" -ne "$2" ]]; then
    fail "$1: --check exit status $rc, want $2; stderr: $(cat "$tmp/err")"
  elif [[ "$2" -eq 0 ]] && ! grep -qF -- "$3" "$tmp/out"; then
    fail "$1: stdout does not say \"$3\": $(cat "$tmp/out")"
  elif [[ "$2" -ne 0 ]] && ! grep -qF -- "$3" "$tmp/err"; then
    fail "$1: stderr does not say \"$3\": $(cat "$tmp/err")"
  fi
}

write_docs "${lines[@]}"
expect_check "all stated" 0 "state the versions test.yml tests"

write_docs '| Terraform | 1.0 or later; tested with 1.5 and 1.16 |' "${lines[1]}" "${lines[2]}"
expect_check "README claims 1.0" 1 "README.md does not state the versions .github/workflows/test.yml tests; its Requirements table's Terraform row should read:"
expect_check "README claims 1.0 (the line)" 1 "  ${lines[0]}"

write_docs "${lines[0]}" '| OpenTofu | 1.12 or later; tested with 1.11 and 1.12 |' "${lines[2]}"
expect_check "README's OpenTofu row" 1 "its Requirements table's OpenTofu row should read:"

write_docs "${lines[0]}" "${lines[1]}" "(${lines[2]})"
expect_check "index line not whole" 1 "templates/index.md.tmpl does not state the versions"

# A matrix bumped without the docs: the check fails.
workflow "$d" '"1.5.*" "1.17.*"' '"1.12.*"'
write_docs "${lines[@]}"
expect_check "matrix bumped, docs not" 1 "tested with 1.5 and 1.17"

# Refusals: no workflow, no matrix, an entry that is not a version, bad usage.
rc=0
"$tv" "$tmp/nowhere" >/dev/null 2>"$tmp/err" || rc=$?
if [[ "$rc" -ne 1 ]] || ! grep -qF 'cannot read' "$tmp/err"; then
  fail "no workflow: exit status $rc, stderr: $(cat "$tmp/err")"
fi

d="$tmp/no-tofu"
workflow "$d" '"1.5.*"' '"1.12.*"'
sed -i 's/^        tofu:$/        opentofu:/' "$d/.github/workflows/test.yml"
rc=0
"$tv" "$d" >/dev/null 2>"$tmp/err" || rc=$?
if [[ "$rc" -ne 1 ]] || ! grep -qF 'no "tofu:" matrix' "$tmp/err"; then
  fail "no tofu matrix: exit status $rc, stderr: $(cat "$tmp/err")"
fi

d="$tmp/latest"
workflow "$d" '"1.5.*" latest' '"1.12.*"'
rc=0
out="$("$tv" "$d" 2>"$tmp/err")" || rc=$?
if [[ "$rc" -ne 1 || -n "$out" ]] || ! grep -qF 'has "latest", which is not a version' "$tmp/err"; then
  fail "latest: exit status $rc, stdout: $out, stderr: $(cat "$tmp/err")"
fi

rc=0
"$tv" --check a b >/dev/null 2>&1 || rc=$?
[[ "$rc" -eq 2 ]] || fail "two roots: exit status $rc, want 2"

script_test_end
