# shellcheck shell=bash
# Shared by the scripts' tests, scripts/*-test.sh (sourced): a scratch
# directory, removed on exit, and a count of failures reported at the end.
#
#   script_test_start NAME   tmp=a new scratch directory; fail counts from 0
#   fail MESSAGE...          reports one failure and goes on
#   script_test_end          exits 1 naming the count, or says NAME: ok

script_test_start() {
  script_test_name="$1"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/covalence-$1.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  failures=0
}

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

script_test_end() {
  if [[ "$failures" -gt 0 ]]; then
    echo "$script_test_name: $failures failures" >&2
    exit 1
  fi
  echo "$script_test_name: ok"
}
