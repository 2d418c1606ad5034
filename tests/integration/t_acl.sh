#!/usr/bin/env bash
# Access control (docs/security.md): with the ACL that `beacon acl-conf`
# makes from beacon.conf and a password per account, the broker lets
# nobody read or publish what is not theirs. An anonymous client and a
# wrong password are refused; a branch can neither report for another
# branch, nor forge a notification, nor read another branch's statuses; a
# responder can neither read another responder's notifications nor answer
# as another. The permitted paths still work end to end: a branch reports
# with `beacon report`, the right responders are notified, one
# acknowledges with `beacon ack`, and a supervisor asks with --remote.
# beacond signs in with its own account (beacon.username, password_file):
# the broker has no anonymous listener at all, and beacond's password is
# in neither its log nor --check-config's output.
. "$(dirname "$0")/lib.sh"

need mosquitto_passwd
unset BEACON_USERNAME BEACON_PASSWORD

# The broker as docs/security.md sets one up: one listener, where every
# account signs in and the ACL applies. lib.sh's start_broker writes its
# configuration with this.
broker_conf() {
	acl_broker_conf
}

# The test's own subscribers and publishers (lib.sh's sub, pub, probes
# and barriers) sign in as an observer that may read and write
# everything: an account this test adds to the ACL, not beacond's.
MQTT_OPTS=(-u observer -P pw-observer)

# apub USER ARGS...: mosquitto_pub signed in as USER.
apub() {
	local user=$1

	shift
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -u "$user" -P "pw-$user" -q 1 \
	    "$@"
}

# asub NAME USER PROBE FILTER...: as lib.sh's sub, signed in as USER.
# PROBE, published by the observer, must be a topic USER may read.
asub() {
	local name=$1 user=$2 probe=$3 args=() t

	shift 3
	for t; do
		args+=(-t "$t")
	done
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -u "$user" -P "pw-$user" -q 1 \
	    -v "${args[@]}" >"$TMP/$name.log" 2>>"$TMP/$name.err" &
	PIDS+=("$!")
	wait_for 5 probe_seen "$name" "$probe"
}

# barrier NAME TOPIC: a message published by the observer now has
# reached subscriber NAME, and so has everything the broker would have
# delivered to it before (it delivers to one subscriber in order).
barrier() {
	local mark

	mark="{\"barrier\": $(now_ms)}"
	pub "$2" "$mark"
	wait_for 5 grep -qxF "$2 $mark" "$TMP/$1.log"
}

# none NAME REGEX: no line of subscriber NAME's log matches.
none() {
	! grep -Eq -- "$2" "$TMP/$1.log" ||
		fail "$1 received what it may not read: $(grep -E -- "$2" \
		    "$TMP/$1.log" | head -n 1)"
}

# beacond's account: a user name other than its client_id, so that the
# ACL must follow beacon.username; the password in a file of its own.
BEACOND_PW="pw-beacond-$RANDOM$RANDOM"
(umask 077 && echo "$BEACOND_PW" >"$TMP/beacond.pw")
write_conf
conf_beacon "  username = \"beacond\";
  password_file = \"$TMP/beacond.pw\";"
grep -q '^  username = "beacond";' "$CONF" || fail "no username in $CONF"

# A password file that others may read is refused, at its line.
chmod 0640 "$TMP/beacond.pw"
rc=0
"$BEACOND" --check-config -c "$CONF" >"$TMP/check-open.out" \
    2>"$TMP/check-open.err" || rc=$?
((rc == 1)) || fail "--check-config accepts an open password file ($rc)"
line=$(grep -n '^  password_file = ' "$CONF" | cut -d: -f1)
want="beacon: password_file \"$TMP/beacond.pw\" is open to group or others"
grep -qF "$CONF:$line: $want (mode 0640)" "$TMP/check-open.err" ||
	fail "--check-config: no file:line error for an open password file"
chmod 0600 "$TMP/beacond.pw"
"$BEACOND" --check-config -c "$CONF" >"$TMP/check.out" 2>"$TMP/check.err" ||
	fail "beacond --check-config refuses its own account"

# Two accounts with one user name would share their rights: refused.
sed 's/id = "staff-central"/id = "central"/' "$CONF" >"$TMP/clash.conf"
cli clash acl-conf --config "$TMP/clash.conf"
expect_rc 1 clash
grep -Eq ':[0-9]+: responder "central" has the broker user name of branch' \
    "$TMP/clash.err" || fail "acl-conf: no clash reported"
[ ! -s "$TMP/clash.out" ] || fail "acl-conf printed an ACL with a clash"

cli acl acl-conf --config "$CONF"
expect_rc 0 acl
grep -A1 -x 'user beacond' "$TMP/acl.out" |
    grep -qx "topic readwrite $PREFIX/#" ||
	fail "acl-conf: no section for beacond's user name"
{
	cat "$TMP/acl.out"
	printf '\n# The test'"'"'s observer.\nuser observer\n'
	printf 'topic readwrite %s/#\n' "$PREFIX"
} >"$TMP/acl"
mosquitto_passwd -c -b "$TMP/passwd" beacond "$BEACOND_PW"
for u in observer central eastside crisis-1 security-1 supervisor-1; do
	mosquitto_passwd -b "$TMP/passwd" "$u" "pw-$u"
done

start_broker
start_beacond
grep -q "as beacond-test (.*u'beacond')" "$TMP/mosquitto.log" ||
	fail "beacond did not sign in as beacond"
sub_notify
sub_status

# ---- no account, no entry --------------------------------------------------

rc=0
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "$PREFIX/report/central" \
    -m '{"id": "anon-1", "type": "overdose"}' 2>"$TMP/anon.err" || rc=$?
((rc != 0)) || fail "an anonymous client may publish"
grep -q 'not authori[sz]ed' "$TMP/anon.err" ||
	fail "an anonymous publish was not refused as unauthorised"
rc=0
mosquitto_sub -h 127.0.0.1 -p "$PORT" -t "$PREFIX/#" -C 1 -W 5 \
    2>"$TMP/anon-sub.err" >/dev/null || rc=$?
((rc != 0)) || fail "an anonymous client may subscribe"
grep -q 'not authori[sz]ed' "$TMP/anon-sub.err" ||
	fail "an anonymous subscription was not refused as unauthorised"
rc=0
mosquitto_pub -h 127.0.0.1 -p "$PORT" -u central -P wrong -q 1 \
    -t "$PREFIX/report/central" -m '{"id": "bad-pw-1", "type": "overdose"}' \
    2>"$TMP/bad-pw.err" || rc=$?
((rc != 0)) || fail "a wrong password is accepted"

# ---- who reads what --------------------------------------------------------

# A responder asks for everything, another's notifications by name too.
asub sec1 security-1 "$PREFIX/notify/security-1" \
    "$PREFIX/notify/security-1" "$PREFIX/notify/crisis-1" "$PREFIX/#"
asub crisis1 crisis-1 "$PREFIX/notify/crisis-1" "$PREFIX/notify/crisis-1"
# A branch asks for its statuses and the other branch's.
asub central central "$PREFIX/status/central/_probe" \
    "$PREFIX/status/central/#" "$PREFIX/status/eastside/#"

# ---- forgeries, then the real report ---------------------------------------

# Central pretends to be beacond to the crisis worker, and reports for
# Eastside. The broker drops both: each is acknowledged (PUBACK) before
# the real report below is sent, so beacond and crisis-1 would have had
# them first.
apub central -t "$PREFIX/notify/crisis-1" \
    -m '{"incident": 99, "type": "overdose", "note": "forged"}'
apub central -t "$PREFIX/report/eastside" \
    -m '{"id": "forged-east-1", "type": "weapon"}'

BEACON_PASSWORD=pw-central cli report report --broker "127.0.0.1:$PORT" \
    --username central --branch central --type overdose --id acl-od-1
expect_rc 0 report
expect_line report 'routed: 3 responders notified, CALL 911$'

# beacond never had the report for Eastside: it would have answered it
# before the real one.
wait_for 5 has status "$PREFIX/status/central/acl-od-1" '.state == "routed"'
expect_eq "$(count status "$PREFIX/status/eastside/forged-east-1")" 0 \
    "statuses of the report forged for eastside"
# The right responder is told, through the ACL listener, and nothing
# forged came before.
wait_for 5 has crisis1 "$PREFIX/notify/crisis-1" '.report == "acl-od-1"'
none crisis1 'forged'
expect_eq "$(count crisis1 "$PREFIX/notify/crisis-1")" 1 \
    "notifications crisis-1 received"

# security-1 has its own notification, and neither crisis-1's nor the
# branch's statuses (retained, so a subscriber would have them at once).
has notify "$PREFIX/notify/crisis-1" '.report == "acl-od-1"' ||
	fail "beacond did not notify crisis-1"
barrier sec1 "$PREFIX/notify/security-1"
has sec1 "$PREFIX/notify/security-1" '.report == "acl-od-1"' ||
	fail "security-1 did not receive its notification"
none sec1 "^$PREFIX/notify/crisis-1 "
none sec1 "^$PREFIX/status/"

# ---- a response as someone else --------------------------------------------

# security-1 acknowledges as crisis-1: dropped. Then a response of its own
# that beacond refuses: its error shows that beacond has read everything
# security-1 sent before.
apub security-1 -t "$PREFIX/respond/crisis-1" \
    -m '{"incident": 1, "action": "ack"}'
apub security-1 -t "$PREFIX/respond/security-1" \
    -m '{"incident": 99, "action": "ack"}'
wait_for 5 has status "$PREFIX/error/security-1" '.incident == 99'
wait_for 5 has sec1 "$PREFIX/error/security-1" '.incident == 99'
expect_eq "$(count status "$PREFIX/status/central/acl-od-1" \
    '.state == "acknowledged"')" 0 "acknowledgments of incident 1"
expect_eq "$(timeline_kinds 1)" "reported notified notified notified" \
    "timeline of incident 1 after the forged response"

# The crisis worker acknowledges as itself: `beacon ack --as` signs in as
# the responder id.
BEACON_PASSWORD=pw-crisis-1 cli ack ack 1 --as crisis-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 ack
expect_line ack 'incident 1: acknowledged by crisis-1'
wait_for 5 has status "$PREFIX/status/central/acl-od-1" \
    '.state == "acknowledged" and .by == "crisis-1"'

# ---- a branch reads only its own statuses ----------------------------------

apub eastside -t "$PREFIX/report/eastside" \
    -m '{"id": "acl-east-1", "type": "weapon"}'
wait_for 5 has status "$PREFIX/status/eastside/acl-east-1" \
    '.state == "routed"'
barrier central "$PREFIX/status/central/_probe"
has central "$PREFIX/status/central/acl-od-1" '.state == "acknowledged"' ||
	fail "central did not receive its own statuses"
none central "^$PREFIX/status/eastside/"

# ---- a supervisor's request ------------------------------------------------

BEACON_USERNAME=supervisor-1 BEACON_PASSWORD=pw-supervisor-1 \
    cli remote incidents --remote --as supervisor-1 \
    --broker "127.0.0.1:$PORT"
expect_rc 0 remote
expect_line remote '^1 +central +overdose '
expect_line remote '^2 +eastside +weapon '
expect_eq "$(jq length <<<"$(timeout 10 "$BEACON" incidents --db "$DB" \
    --json)")" 2 "incidents in the database"
stop_beacond

# beacond never wrote its password, even with -v.
! grep -qF -- "$BEACOND_PW" "$TMP/beacond.log" "$TMP"/check*.out \
    "$TMP"/check*.err || fail "beacond's password is in its output"
