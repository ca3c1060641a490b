#!/usr/bin/env bash
# Part of make docs-check: fails when a page of the registry docs is not
# linked from the provider's page, or the provider's page links a page that
# does not exist. The registry lists pages in its sidebar, but the provider's
# page is where users read what there is.
#
#   scripts/docs-index-check.sh [DOCS_DIR]      (default: docs)
#
# Every DOCS_DIR/{data-sources,functions,ephemeral-resources,resources,guides}/*.md
# must be linked from DOCS_DIR/index.md as a relative link, e.g.
# [`covalence_orgs`](data-sources/orgs.md) (an #anchor may follow); and every
# relative .md link of every page under DOCS_DIR must name a file that exists.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docs="${1:-$root/docs}"
index="$docs/index.md"
if [[ ! -r "$index" ]]; then
  echo "docs-index-check: cannot read $index" >&2
  exit 1
fi

# The relative targets of Markdown links in index.md, without any #anchor.
links="$(grep -oE '\]\([^)#[:space:]]+\.md(#[^)[:space:]]*)?\)' "$index" |
  sed -E 's/^\]\(//; s/\)$//; s/#.*$//; s#^\./##' | sort -u)"

status=0
for kind in data-sources functions ephemeral-resources resources guides; do
  [[ -d "$docs/$kind" ]] || continue
  for page in "$docs/$kind"/*.md; do
    [[ -e "$page" ]] || continue
    rel="$kind/$(basename "$page")"
    if ! grep -qxF -- "$rel" <<<"$links"; then
      echo "docs-index-check: docs/$rel is not linked from docs/index.md; add a line for it to templates/index.md.tmpl and run \`make docs\`" >&2
      status=1
    fi
  done
done
# Every relative .md link of every page names a file that exists.
while IFS= read -r page; do
  dir="$(dirname "$page")"
  while IFS= read -r rel; do
    [[ -z "$rel" || "$rel" == *://* ]] && continue
    if [[ ! -f "$dir/$rel" ]]; then
      echo "docs-index-check: ${page#"$docs"/} links $rel, which does not exist" >&2
      status=1
    fi
  done < <(grep -oE '\]\([^)#[:space:]]+\.md(#[^)[:space:]]*)?\)' "$page" |
    sed -E 's/^\]\(//; s/\)$//; s/#.*$//' | sort -u)
done < <(find "$docs" -name '*.md' | sort)

if [[ "$status" -eq 0 ]]; then
  echo "docs-index-check: docs/index.md links every page"
fi
exit "$status"
