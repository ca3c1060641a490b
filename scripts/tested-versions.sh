#!/usr/bin/env bash
# The Terraform and OpenTofu versions the project supports are the ones CI
# tests: the matrices of .github/workflows/test.yml. This script states them
# from there, for README's Requirements table and the provider's registry
# page, so that neither can claim a version nothing runs.
#
#   scripts/tested-versions.sh [ROOT]           print the lines, from ROOT's test.yml
#   scripts/tested-versions.sh --check [ROOT]   fail unless README.md and
#                                               templates/index.md.tmpl hold them
#
# ROOT defaults to the repository. The lines, for matrices terraform
# ["1.5.*", "1.10.*"] and tofu ["1.11.*", "1.12.*"]:
#   | Terraform | 1.5 or later; tested with 1.5 and 1.10 |
#   | OpenTofu | 1.11 or later; tested with 1.11 and 1.12 |
#   Terraform 1.5 or later, or OpenTofu 1.11 or later (tested with Terraform 1.5 and 1.10, and OpenTofu 1.11 and 1.12).
# The first two are rows of README's Requirements table, the third a line of
# templates/index.md.tmpl (docs/index.md). `make docs-check` runs --check;
# scripts/tested-versions-test.sh tests this script (make test-scripts).
set -euo pipefail

check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
  shift
fi
if [[ $# -gt 1 ]]; then
  echo "usage: $0 [--check] [ROOT]" >&2
  exit 2
fi
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
workflow="$root/.github/workflows/test.yml"
if [[ ! -r "$workflow" ]]; then
  echo "tested-versions: cannot read $workflow" >&2
  exit 1
fi

# matrix KEY: the entries of the list under "KEY:" in the workflow, one a
# line, unquoted, as written (the list ends at the first line that is
# neither an entry nor a comment).
matrix() {
  awk -v key="$1" '
    $0 ~ "^[[:space:]]+" key ":[[:space:]]*$" { inside = 1; next }
    inside && /^[[:space:]]*#/ { next }
    inside && /^[[:space:]]+- / { v = $0; sub(/^[[:space:]]+- /, "", v); gsub(/["'\''[:space:]]/, "", v); print v; next }
    inside { exit }
  ' "$workflow"
}

# minors KEY NAME: the minor versions ("1.5") of matrix KEY, oldest first;
# fails naming NAME when the list is missing or an entry is not a version
# ("1.5.*" or "1.5.7").
minors() {
  local entries v out=()
  entries="$(matrix "$1")"
  if [[ -z "$entries" ]]; then
    echo "tested-versions: no \"$1:\" matrix in $workflow" >&2
    return 1
  fi
  while IFS= read -r v; do
    if [[ ! "$v" =~ ^([0-9]+\.[0-9]+)(\.\*|\.[0-9]+)?$ ]]; then
      echo "tested-versions: the $2 matrix in $workflow has \"$v\", which is not a version (1.5.* or 1.5.7)" >&2
      return 1
    fi
    out+=("${BASH_REMATCH[1]}")
  done <<<"$entries"
  printf '%s\n' "${out[@]}" | sort -u -V
}

# words V...: "a", "a and b", "a, b and c".
words() {
  local text="$1"
  shift
  while [[ $# -gt 1 ]]; do
    text+=", $1"
    shift
  done
  if [[ $# -eq 1 ]]; then
    text+=" and $1"
  fi
  printf '%s' "$text"
}

tf_list="$(minors terraform Terraform)"
tofu_list="$(minors tofu OpenTofu)"
mapfile -t tf <<<"$tf_list"
mapfile -t tofu <<<"$tofu_list"

readme_tf="| Terraform | ${tf[0]} or later; tested with $(words "${tf[@]}") |"
readme_tofu="| OpenTofu | ${tofu[0]} or later; tested with $(words "${tofu[@]}") |"
index_line="Terraform ${tf[0]} or later, or OpenTofu ${tofu[0]} or later (tested with Terraform $(words "${tf[@]}"), and OpenTofu $(words "${tofu[@]}"))."

if [[ "$check" -eq 0 ]]; then
  printf '%s\n' "$readme_tf" "$readme_tofu" "$index_line"
  exit 0
fi

status=0
# has FILE LINE WHAT: FILE holds LINE as a whole line, or a message says what to write.
has() {
  if [[ ! -r "$1" ]]; then
    echo "tested-versions: cannot read $1" >&2
    status=1
  elif ! grep -qxF -- "$2" "$1"; then
    echo "tested-versions: ${1#"$root"/} does not state the versions .github/workflows/test.yml tests; $3 should read:" >&2
    echo "  $2" >&2
    status=1
  fi
}
has "$root/README.md" "$readme_tf" "its Requirements table's Terraform row"
has "$root/README.md" "$readme_tofu" "its Requirements table's OpenTofu row"
has "$root/templates/index.md.tmpl" "$index_line" "the line under \"## Terraform and OpenTofu\""
if [[ "$status" -eq 0 ]]; then
  echo "tested-versions: README.md and templates/index.md.tmpl state the versions test.yml tests"
fi
exit "$status"
