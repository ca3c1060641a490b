#!/usr/bin/env bash
# make test-live: the read-only conformance check against a real FES Portal
# (internal/livecheck, README "Check your portal").
#
# Runs only when COVALENCE_API_KEY is set (with COVALENCE_BASE_URL and
# COVALENCE_PROVIDER_ID if given); otherwise it says it skipped and exits 0.
# It builds the provider and the check into a temporary directory, runs the
# probes (GET only, LIVE_REQUESTS_PER_SECOND, default 5, at most
# LIVE_MAX_REQUESTS, default 80), then terraform apply and plan of a
# read-only configuration through a dev_overrides CLI configuration of its
# own (no `terraform init`), and writes live-report.md and live-report.json
# into LIVE_REPORT_DIR (default: the repository root). Exit status 1: the
# provider would give a wrong answer or fail against this portal.
set -euo pipefail

if [[ -z "${COVALENCE_API_KEY:-}" ]]; then
  echo "test-live: skipped: COVALENCE_API_KEY is not set (set it, and COVALENCE_BASE_URL / COVALENCE_PROVIDER_ID if needed, to check a portal)"
  exit 0
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tf="$(scripts/terraform-cli.sh)"
report_dir="${LIVE_REPORT_DIR:-$root}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-live.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/bin/" . ./internal/cmd/livecheck

export CHECKPOINT_DISABLE=1
"$tmp/bin/livecheck" -terraform "$tf" -provider-dir "$tmp/bin" -work-dir "$tmp/work" -report-dir "$report_dir"
