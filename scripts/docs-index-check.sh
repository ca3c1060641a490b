#!/usr/bin/env bash
# Part of make docs-check: fails when a page of the registry docs is not
# linked from the provider's page, or a page links a page that does not
# exist. The registry lists pages in its sidebar, but the provider's page is
# where users read what there is.
#
#   scripts/docs-index-check.sh [DOCS_DIR]      (default: docs)
#
# Every page under DOCS_DIR (data-sources/, ephemeral-resources/, functions/,
# resources/, guides/ and any kind tfplugindocs adds later: every *.md but
# index.md itself) must be linked from DOCS_DIR/index.md as a relative
# Markdown link naming exactly that page, e.g.
# [`covalence_orgs`](data-sources/orgs.md) or (./data-sources/orgs.md#id);
# and every relative .md link of every page must name a file that exists.
# Tested by scripts/docs-index-check-test.sh (make test-scripts).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docs="${1:-$root/docs}"
docs="${docs%/}"
index="$docs/index.md"
if [[ ! -r "$index" ]]; then
  echo "docs-index-check: cannot read $index" >&2
  exit 1
fi
# Messages name pages the way the user named the directory ("docs" by default).
shown="${1:-docs}"
shown="${shown%/}"

# md_links FILE: the targets of FILE's inline Markdown links to .md files,
# one a line, without any #anchor or leading "./", each once. Nothing (and
# success) when FILE has no such link.
md_links() {
  { grep -oE '\]\([^)#[:space:]]+\.md(#[^)[:space:]]*)?\)' "$1" || true; } |
    sed -E 's/^\]\(//; s/\)$//; s/#.*$//; s#^(\./)+##' | sort -u
}

links="$(md_links "$index")"

status=0
# Every page but the index, whatever its directory: a kind left off a list
# would let its pages go unlinked unnoticed.
while IFS= read -r page; do
  rel="${page#"$docs"/}"
  # Whole-line match: ephemeral-resources/x.md does not link resources/x.md.
  if ! grep -qxF -- "$rel" <<<"$links"; then
    echo "docs-index-check: $shown/$rel is not linked from $shown/index.md; add a line for it to templates/index.md.tmpl and run \`make docs\`" >&2
    status=1
  fi
done < <(find "$docs" -type f -name '*.md' ! -path "$index" | LC_ALL=C sort)

# Every relative .md link of every page names a file that exists.
while IFS= read -r page; do
  dir="$(dirname "$page")"
  while IFS= read -r rel; do
    [[ -z "$rel" || "$rel" == *://* ]] && continue
    if [[ ! -f "$dir/$rel" ]]; then
      echo "docs-index-check: $shown/${page#"$docs"/} links $rel, which does not exist" >&2
      status=1
    fi
  done < <(md_links "$page")
done < <(find "$docs" -type f -name '*.md' | LC_ALL=C sort)

if [[ "$status" -eq 0 ]]; then
  echo "docs-index-check: $shown/index.md links every page"
fi
exit "$status"
