#!/usr/bin/env bash
# A standby that joins an active instance which has not started work yet
# (docs/deployment.md, "How a standby joins"): two empty databases; a is
# started and goes online; b is started and says it stands by; then
# overdose reports flow at 100/s from reporters that retry until
# answered, and a is killed (kill -9) 3 s into them. b takes over and must
# hold exactly one incident per report id, with every timeline event a
# had committed: the first report after b stood by included.
#
# BEACON_REPORTS (1000) sizes the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
. "$(dirname "$0")/standby.sh"

REPORTS=${BEACON_REPORTS:-1000}
LOAD_TYPES=overdose

start_broker
pair_start
spawn b
wait_for 20 standing_by b
start_reporter --rate 100 --duration $((REPORTS / 100)) --drain 40
# 3 s at 100/s.
wait_for 20 incidents_in a 300
kill_ms=$(now_ms)
kill_a_and_settle
survivor_check "$kill_ms"
gaps=$(grep -c 'event=replica_gap' "$TMP/beacond-b.log" || true)
check_zero "replication gaps logged by b" "$gaps"
