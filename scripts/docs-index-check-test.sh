#!/usr/bin/env bash
# Tests scripts/docs-index-check.sh (run by `make test-scripts`, part of make
# test) on small docs trees built here: a complete tree passes; an unlinked
# page of each kind fails, naming it; a link to a page of the same name in
# another kind does not count; ./ and #anchor forms count; broken links fail;
# an index without any link still names every page.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check="$here/docs-index-check.sh"
# shellcheck source=lib/script-test.sh
source "$here/lib/script-test.sh"
script_test_start docs-index-check-test


# tree NAME PAGE...: a docs tree $tmp/NAME with each PAGE (kind/name.md) and
# an index.md; the index's lines come from stdin.
tree() {
  local d="$tmp/$1"
  shift
  rm -rf "$d"
  mkdir -p "$d"
  cat >"$d/index.md"
  local p
  for p in "$@"; do
    mkdir -p "$d/$(dirname "$p")"
    printf '# %s\n' "$p" >"$d/$p"
  done
}

# expect_ok NAME CASE: the check passes on tree NAME.
expect_ok() {
  local rc=0
  "$check" "$tmp/$1" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [[ "$rc" -ne 0 ]]; then
    fail "$2: exit status $rc, want 0; stderr: $(cat "$tmp/err")"
  elif ! grep -qF 'links every page' "$tmp/out"; then
    fail "$2: passed without saying so: $(cat "$tmp/out")"
  fi
}

# expect_fail NAME CASE LINE...: the check fails on tree NAME, and its
# stderr is exactly the given lines, each prefixed "docs-index-check: ".
expect_fail() {
  local name="$1" what="$2" rc=0
  shift 2
  "$check" "$tmp/$name" >"$tmp/out" 2>"$tmp/err" || rc=$?
  local want
  want="$(printf 'docs-index-check: %s\n' "$@")"
  if [[ "$rc" -ne 1 ]]; then
    fail "$what: exit status $rc, want 1"
  elif [[ "$(cat "$tmp/err")" != "$want" ]]; then
    fail "$what: stderr"$'\n'"$(cat "$tmp/err")"$'\n'"want"$'\n'"$want"
  fi
}

# unlinked NAME KIND/PAGE: the message for a page the index does not link.
unlinked() {
  printf '%s/%s is not linked from %s/index.md; add a line for it to templates/index.md.tmpl and run %s' \
    "$tmp/$1" "$2" "$tmp/$1" "\`make docs\`"
}

pages=(data-sources/aro.md ephemeral-resources/aro_summary.md functions/severity_rank.md
  resources/widget.md guides/gates.md)

# Every page linked, in the forms the generated index uses and a few more
# (one page a line: the loop below leaves each line out in turn).
tree complete "${pages[@]}" <<'MD'
# covalence

* [`covalence_aro`](data-sources/aro.md): one ARO
* [`covalence_aro_summary`](./ephemeral-resources/aro_summary.md#example-usage): the summary
* [`severity_rank`](functions/severity_rank.md)
* [a widget](resources/widget.md#schema)
* The [gates](guides/gates.md) guide; the [registry](https://example.com/docs/README.md).
MD
expect_ok complete "every page linked"

# Each kind's page left unlinked in turn: named, and only it.
for p in "${pages[@]}"; do
  name="without-${p%%/*}"
  grep -vF "]($p" "$tmp/complete/index.md" | grep -vF "](./$p" >"$tmp/index.md" || true
  tree "$name" "${pages[@]}" <"$tmp/index.md"
  expect_fail "$name" "$p unlinked" "$(unlinked "$name" "$p")"
done

# A kind tfplugindocs may add later counts as much as the known ones.
tree new-kind "${pages[@]}" list-resources/things.md <"$tmp/complete/index.md"
expect_fail new-kind "a page of a new kind" "$(unlinked new-kind list-resources/things.md)"

# ephemeral-resources/aro_summary.md contains resources/aro_summary.md: the
# link to the one is not a link to the other.
tree same-name ephemeral-resources/aro_summary.md resources/aro_summary.md <<'MD'
* [ephemeral](ephemeral-resources/aro_summary.md)
MD
expect_fail same-name "a link to a longer path" "$(unlinked same-name resources/aro_summary.md)"

# A page named in prose or code, not linked, is unlinked.
tree prose data-sources/aro.md <<'MD'
See data-sources/aro.md, or `[covalence_aro](data-sources/aro.md` without its parenthesis.
MD
expect_fail prose "a path in prose" "$(unlinked prose data-sources/aro.md)"

# An index without a single .md link: every page named, nothing silent.
tree no-links data-sources/aro.md guides/gates.md <<'MD'
# covalence

Nothing linked yet.
MD
expect_fail no-links "an index without links" \
  "$(unlinked no-links data-sources/aro.md)" "$(unlinked no-links guides/gates.md)"

# An empty tree with an index: nothing to link, passes.
tree empty <<'MD'
# covalence
MD
expect_ok empty "no pages"

# Broken relative links, from the index and from a page.
tree broken data-sources/aro.md guides/gates.md <<'MD'
* [aro](data-sources/aro.md), [gates](guides/gates.md), [gone](data-sources/gone.md)
MD
printf 'See [the ARO](../data-sources/aro.md) and [the list](../data-sources/aros.md#schema).\n' \
  >"$tmp/broken/guides/gates.md"
expect_fail broken "broken links" \
  "$tmp/broken/guides/gates.md links ../data-sources/aros.md, which does not exist" \
  "$tmp/broken/index.md links data-sources/gone.md, which does not exist"

# No index at all.
mkdir -p "$tmp/no-index/data-sources"
rc=0
"$check" "$tmp/no-index" >/dev/null 2>"$tmp/err" || rc=$?
if [[ "$rc" -ne 1 ]] || ! grep -qF 'cannot read' "$tmp/err"; then
  fail "no index.md: exit status $rc, stderr: $(cat "$tmp/err")"
fi

script_test_end
