#!/usr/bin/env bash
# A standby that joins while reports are already flowing
# (docs/deployment.md, "How a standby joins"): two empty databases; a goes
# online and overdose reports flow at 100/s from reporters that retry
# until answered; b is started a second into them and says it stands by;
# a is killed (kill -9) 3 s into the reports, once b stands by. b takes
# over and must hold exactly one incident per report id, with every
# timeline event a had committed.
#
# BEACON_REPORTS (1000) sizes the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/load.sh"
. "$(dirname "$0")/standby.sh"

REPORTS=${BEACON_REPORTS:-1000}
LOAD_TYPES=overdose

start_broker
pair_start
start_reporter --rate 100 --duration $((REPORTS / 100)) --drain 40
wait_for 20 incidents_in a 100
spawn b
wait_for 20 standing_by b
wait_for 20 incidents_in a 300
kill_ms=$(now_ms)
kill_a_and_settle
survivor_check "$kill_ms"
