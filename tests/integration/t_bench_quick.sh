#!/usr/bin/env bash
# The benchmarks as a smoke test: bench/run.sh --quick against the bare
# floor, the storing floor and beacond (and the record floor in the steady
# scenario and the burst, the mirror floor in the burst). Asserts only on correctness
# (every report notified, none twice), never on time.
. "$(dirname "$0")/lib.sh"

need python3
need_beacond
[ -x "$BEACON_BUILD/bench/beacon-loadgen" ] ||
	fail "$BEACON_BUILD/bench/beacon-loadgen is missing: build first"

BUILD=$BEACON_BUILD timeout -k 5 80 "$BEACON_SRC/bench/run.sh" --quick \
    --no-docs --out "$TMP/results" >"$TMP/bench.out" 2>&1 ||
	fail "bench/run.sh --quick exited $?"
R=$TMP/results/latest.json
n=$(jq '.runs | length' "$R")
((n == 15)) || fail "expected 15 runs, got $n"
bad=$(jq -r '.runs[] | select(.lost != 0 or .duplicates != 0 or
    .sent == 0) | "\(.scenario)/\(.system): \(.lost) lost, \(.duplicates) dup"' "$R")
[ -z "$bad" ] || fail "$bad"
for s in steady burst growth-100 growth-3000; do
	[ -s "$TMP/results/$s.svg" ] || fail "no chart for $s"
done
