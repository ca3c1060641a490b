#!/usr/bin/env bash
# make docs-check (part of make test): fails when
#   - the examples are not `terraform fmt` clean, or
#   - docs/ is not what `make docs` generates from the committed templates,
#     examples and provider schema (a changed, deleted or new file), or
#   - docs/index.md does not link every page under docs/, or a relative link
#     names a missing page (scripts/docs-index-check.sh), or
#   - README's Requirements table or the provider's page states other
#     Terraform and OpenTofu versions than the ones .github/workflows/test.yml
#     tests (scripts/tested-versions.sh).
# It regenerates docs/ in place, so after a failure `git diff docs/` shows
# what to commit. Needs git: docs/ is compared with the git index.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

tf="$(scripts/terraform-cli.sh)"
status=0

# 1. Examples formatted. fmt needs no CLI configuration: give it an empty one
#    rather than whatever TF_CLI_CONFIG_FILE points at.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-docs-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.tfrc"
if ! fmt_out="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$tmp/empty.tfrc" "$tf" fmt -check -recursive -diff examples/ 2>&1)"; then
  echo "docs-check: examples/ is not formatted; run \`make fmt\` (or \`$(basename "$tf") fmt -recursive examples/\`):" >&2
  echo "$fmt_out" >&2
  status=1
fi

# 2. docs/ up to date.
if ! scripts/docs.sh; then
  echo "docs-check: generating the docs failed (see above)" >&2
  exit 1
fi

if ! git_err="$(git rev-parse --is-inside-work-tree 2>&1 >/dev/null)"; then
  echo "docs-check: $root is not a git work tree (${git_err:-no git}), so docs/ cannot be compared with the committed version" >&2
  exit 1
fi

if ! git diff --quiet -- docs/; then
  echo "docs-check: docs/ differs from what \`make docs\` generates; run \`make docs\` and commit docs/:" >&2
  git --no-pager diff --stat -- docs/ >&2
  git --no-pager diff -- docs/ | head -n 200 >&2
  status=1
fi
untracked="$(git ls-files --others --exclude-standard -- docs/)"
if [[ -n "$untracked" ]]; then
  echo "docs-check: \`make docs\` generates files that are not in git; add and commit them:" >&2
  printf '  %s\n' $untracked >&2
  status=1
fi

# 3. Every page linked from the provider's page.
if ! scripts/docs-index-check.sh; then
  status=1
fi

# 4. The supported versions are the tested ones, said the same way everywhere.
if ! scripts/tested-versions.sh --check; then
  status=1
fi

if [[ "$status" -eq 0 ]]; then
  echo "docs-check: examples are formatted and docs/ is up to date"
fi
exit "$status"
