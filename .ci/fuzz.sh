#!/usr/bin/env bash
# Runs every native fuzz target of the module for a few seconds each
# (FUZZTIME, default 5s). A crasher fails the run; Go writes it under the
# package's testdata/fuzz/<Target>/, where it becomes a seed once committed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
total=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  printf '%-45s %s\n' "$pkg" "$name"
  out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1) || { echo "$out"; echo "fuzz target $name in $pkg failed"; exit 1; }
  grep -E '^fuzz: elapsed' <<<"$out" | tail -n 1 | sed 's/^/    /'
  total=$((total + 1))
done < <(git grep -nE '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' -- '*_test.go' | sort)
echo "$total fuzz targets ran for $fuzztime each"
