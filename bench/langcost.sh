#!/usr/bin/env bash
# bench/langcost.sh: what choosing a reader's language costs per report
# (docs/benchmarks.md, "Languages"): beacon-langcost over the shipped
# configuration, English and French interleaved, three rounds. Prints the
# rounds and keeps them in bench/results/langcost.txt.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
REPORTS=${REPORTS:-100000}
OUT=$SRC/bench/results/langcost.txt

mkdir -p "$(dirname "$OUT")"
"$BUILD/bench/beacon-langcost" "$SRC/conf/beacon.conf" "$REPORTS" |
    tee "$OUT"
