#!/usr/bin/env bash
# The command line in the reader's language: beacon health, a report's
# follow output, a response and a usage error in French under LANG=fr_CA.UTF-8, in
# English under LANG=C. Machine output (--json) is the same in both, and
# health's first word (OK, WARNING...) is the monitoring plugins' in both.
. "$(dirname "$0")/lib.sh"

need jq
locale -a | grep -qix 'fr_CA.utf8' || skip "no fr_CA.UTF-8 locale"

write_conf
start_broker
start_beacond
sub_status
export BEACON_BROKER=127.0.0.1:$PORT

# in_lang LANG NAME ARGS...: cli NAME ARGS... with the reader's LANG (lib.sh
# sets LC_ALL, which would win over it).
in_lang() {
	local lang=$1 name=$2

	shift 2
	need_cli
	CLI_RC=0
	env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG="$lang" \
	    timeout -k 2 30 "$BEACON" "$@" >"$TMP/$name.out" \
	    2>"$TMP/$name.err" || CLI_RC=$?
}

# health: one line, in the reader's language after the plugin's word.
health_fr() {
	in_lang fr_CA.UTF-8 health-fr health --timeout 5
	((CLI_RC == 0)) && grep -Eq '^OK: beacond en ligne, signal de vie il y a [0-9]+ s, 0 incident ouvert, aucun appareil hors ligne$' \
	    "$TMP/health-fr.out"
}
wait_for 10 health_fr
in_lang C health-en health --timeout 5
expect_rc 0 "health (LANG=C)"
expect_line health-en '^OK: beacond online, heartbeat [0-9]+ s ago, 0 open incidents, no device offline$'

# A usage error: the sentence and "usage" in French, the command as it is.
in_lang fr_CA.UTF-8 usage-fr report --branch central
expect_rc 1 "report without --type (fr)"
grep -q '^beacon report: --type est obligatoire$' "$TMP/usage-fr.err" ||
	fail "usage error in French: $(cat "$TMP/usage-fr.err")"
grep -q '^utilisation : beacon report --branch B --type T' "$TMP/usage-fr.err" ||
	fail "no French usage line: $(cat "$TMP/usage-fr.err")"
in_lang C usage-en report --branch central
expect_rc 1 "report without --type (C)"
grep -q '^beacon report: --type is required$' "$TMP/usage-en.err" ||
	fail "usage error in English: $(cat "$TMP/usage-en.err")"

# A drill followed to its resolution, in French: the CLI's own words
# ("EXERCICE : ", "reçu : incident N") around beacond's.
env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=fr_CA.UTF-8 \
    timeout -k 2 60 "$BEACON" report --branch central --type welfare \
    --drill --id fr-1 --follow --timeout 30 >"$TMP/follow-fr.out" \
    2>"$TMP/follow-fr.err" &
FOLLOW=$!
PIDS+=("$FOLLOW")
wait_for 10 has status "$PREFIX/status/central/fr-1" '.state == "routed"'
cli ack ack 1 --as crisis-1
expect_rc 0 ack
in_lang fr_CA.UTF-8 resolve resolve 1 --as crisis-1
expect_rc 0 resolve
expect_line resolve '^incident 1 : résolu par crisis-1$'
rc=0
wait "$FOLLOW" || rc=$?
((rc == 0)) || fail "report --follow exited $rc: $(cat "$TMP/follow-fr.err")"
grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2} EXERCICE : reçu : incident 1$' \
    "$TMP/follow-fr.out" || fail "no French first line: $(cat "$TMP/follow-fr.out")"
n=$(grep -Ec '^[0-9:]{8} EXERCICE : ' "$TMP/follow-fr.out" || true)
((n >= 4)) || fail "the follow output has $n lines marked EXERCICE, not 4"
grep -q 'DRILL: ' "$TMP/follow-fr.out" && fail "an English DRILL in French"

# The same id again under LANG=C: English words; --json is the same
# statuses in both languages.
in_lang C follow-en report --branch central --type welfare --drill \
    --id fr-1 --timeout 10
expect_rc 0 "report again (C)"
grep -Eq '^[0-9:]{8} DRILL: received: incident 1$|^[0-9:]{8} DRILL: .*' \
    "$TMP/follow-en.out" || fail "no English line: $(cat "$TMP/follow-en.out")"
grep -q 'EXERCICE' "$TMP/follow-en.out" && fail "French under LANG=C"
in_lang fr_CA.UTF-8 json-fr report --branch central --type welfare --drill \
    --id fr-1 --json --timeout 10
in_lang C json-en report --branch central --type welfare --drill \
    --id fr-1 --json --timeout 10
expect_eq "$(jq -c '[.state, .report, .incident]' "$TMP/json-fr.out")" \
    "$(jq -c '[.state, .report, .incident]' "$TMP/json-en.out")" \
    "--json in French and in English"
grep -q 'EXERCICE\|reçu' "$TMP/json-fr.out" && fail "--json changed with LANG"
true
