# Shared by the bench scripts (sourced).

# build_plugin OUT: the provider to measure, at OUT. BENCH_PLUGIN names a
# prebuilt one (another commit's build, to compare two in one session);
# otherwise it is built from this tree.
build_plugin() {
  if [[ -n "${BENCH_PLUGIN:-}" ]]; then
    cp "$BENCH_PLUGIN" "$1"
  else
    go build -trimpath -o "$1" .
  fi
}

# median: the median of the numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
