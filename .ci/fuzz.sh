#!/usr/bin/env bash
# Runs every native fuzz target of the module for a few seconds each
# (FUZZTIME, default 5s). A crasher fails the run; Go writes it under the
# package's testdata/fuzz/<Target>/, where it becomes a seed once committed.
#
# A run that ends in a bare "context deadline exceeded" with no crasher
# written is Go 1.26's fuzz-coordinator race at the -fuzztime deadline
# (golang/go#75804, fixed in Go 1.27), seen when the machine is loaded:
# such a target is run again, at most twice, and fails if it persists.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
total=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^.*func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
  pkg=./$(dirname "$file")
  printf '%-45s %s\n' "$pkg" "$name"
  for attempt in 1 2 3; do
    before=$(git status --porcelain --untracked-files=all -- "$pkg/testdata/fuzz/$name" 2>/dev/null)
    if out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg" 2>&1); then
      break
    fi
    after=$(git status --porcelain --untracked-files=all -- "$pkg/testdata/fuzz/$name" 2>/dev/null)
    if [ "$attempt" -lt 3 ] && [ "$before" = "$after" ] && grep -qx '    context deadline exceeded' <<<"$out"; then
      echo "    the fuzz coordinator stopped with 'context deadline exceeded' and wrote no crasher (golang/go#75804): running $name again"
      continue
    fi
    echo "$out"; echo "fuzz target $name in $pkg failed"; exit 1
  done
  grep -E '^fuzz: elapsed' <<<"$out" | tail -n 1 | sed 's/^/    /'
  total=$((total + 1))
done < <(git grep -nE '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' -- '*_test.go' | sort)
echo "$total fuzz targets ran for $fuzztime each"
