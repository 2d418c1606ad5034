#!/usr/bin/env bash
# Phones with their own broker account (docs/security.md, "Enrolling a
# phone"): `beacon enroll crisis-1 --device phone-a` adds crisis-1@phone-a
# to the broker's password file (through mosquitto_passwd's standard
# input) and an ACL section like crisis-1's, and hands beacond the
# credential for a one-time claim. The link's code is claimed once with a
# POST (200 with the credential, then 404, and the password is gone from
# the database); the phone then signs in to a real mosquitto with
# password_file and acl_file, receives crisis-1's notification, reads
# nothing of another responder's, and acknowledges as crisis-1. Revoked
# (which drops the device's Web Push subscription too) and the broker
# reloaded, the phone still connected is cut off and the same credential
# is refused. An unclaimed
# code is forgotten by the revocation, an expired one (test clock) is 404,
# a responder who is no supervisor cannot enroll, and `acl-conf --passwd`
# gives no section to a phone whose responder left beacon.conf.
TEST_CLOCK=1
. "$(dirname "$0")/lib.sh"

need mosquitto_passwd curl jq sqlite3 openssl
unset BEACON_USERNAME BEACON_PASSWORD

broker_conf() {
	acl_broker_conf
}

# The test's own subscribers sign in as beacond's account, the one the
# ACL beacon enroll makes again gives everything under the prefix.
acl_beacond
HTTP_PORT=$(free_port)
BASE=http://127.0.0.1:$HTTP_PORT
cat >>"$CONF" <<EOF2
http = { listen = "127.0.0.1:$HTTP_PORT"; root = "$BEACON_BUILD/web"; };
EOF2

acl_accounts central crisis-1 supervisor-1

start_broker
start_beacond
sub_status

# enroll NAME AS DEVICE [ARGS]: beacon enroll crisis-1 --device DEVICE as
# responder AS (password pw-AS).
enroll() {
	local name=$1 as=$2 device=$3

	shift 3
	BEACON_PASSWORD=pw-$as cli "$name" enroll crisis-1 --device "$device" \
	    --as "$as" --broker "127.0.0.1:$PORT" --config "$CONF" \
	    --passwd "$TMP/passwd" --acl "$TMP/acl" "$@"
}

# code NAME: the one-time code of enroll NAME's link.
code() {
	grep -o "$BASE/responder.html#enroll=[A-Za-z0-9_-]*" "$TMP/$1.out" |
	    head -n 1 | sed 's/.*#enroll=//'
}

# claim NAME CODE: POST /e/CODE; prints the status, body in NAME.json.
claim() {
	curl -s -o "$TMP/$1.json" -w '%{http_code}' -X POST "$BASE/e/$2"
}

# section USER: the ACL's lines for USER, without the user line.
section() {
	awk -v u="user $1" '$0 == u { on = 1; next } on && /^$/ { exit }
	    on { print }' "$TMP/acl"
}

# reload: mosquitto reads its password file and ACL again (SIGHUP), as
# `systemctl reload mosquitto` does.
reload() {
	local n

	n=$(grep -c 'Reloading config' "$TMP/mosquitto.log" || true)
	kill -HUP "$MOSQ_PID"
	wait_for 5 reloaded "$n"
}

reloaded() {
	(($(grep -c 'Reloading config' "$TMP/mosquitto.log") > $1))
}

# phone_pub ARGS: mosquitto_pub signed in as the phone.
phone_pub() {
	mosquitto_pub -h 127.0.0.1 -p "$PORT" -u crisis-1@phone-a -P "$PASS" \
	    -q 1 "$@"
}

# ---- enroll ------------------------------------------------------------------

enroll enroll-a supervisor-1 phone-a
expect_rc 0 enroll-a
expect_line enroll-a 'systemctl reload mosquitto'
expect_line enroll-a 'works once, for 15 minutes'
CODE=$(code enroll-a)
((${#CODE} >= 22)) || fail "the code is too short for 128 bits: '$CODE'"
# The QR code: half blocks, with the quiet zone a full line of blocks.
(($(grep -c '█' "$TMP/enroll-a.out") >= 10)) || fail "no QR code printed"
grep -q '^crisis-1@phone-a:\$7\$' "$TMP/passwd" ||
	fail "crisis-1@phone-a is not in the password file, hashed"
grep -qx 'user crisis-1@phone-a' "$TMP/acl" ||
	fail "the ACL has no section for crisis-1@phone-a"
[ ! -e "$TMP/acl.tmp" ] || fail "the ACL's temporary file is left"
expect_eq "$(section crisis-1@phone-a)" "$(section crisis-1)" \
    "the phone's ACL section"
grep -Fq "topic read $PREFIX/notify/crisis-1" <(section crisis-1@phone-a) ||
	fail "the phone's section does not let it read crisis-1's notifications"
reload

mosquitto_passwd -b "$TMP/passwd" central@desk-2 pw-desk
cli list enroll --list --passwd "$TMP/passwd"
expect_rc 0 list
expect_eq "$(awk 'NR > 1 { print $1, $2, $3 }' "$TMP/list.out" | paste -sd,)" \
    "central desk-2 central@desk-2,crisis-1 phone-a crisis-1@phone-a" \
    "enroll --list"
mosquitto_passwd -D "$TMP/passwd" central@desk-2

# ---- claim once --------------------------------------------------------------

expect_eq "$(claim claim-1 "$CODE")" 200 "the first claim"
expect_eq "$(jq -r '"\(.username) \(.responder) \(.device)"' \
    "$TMP/claim-1.json")" "crisis-1@phone-a crisis-1 phone-a" "the claim"
PASS=$(jq -r .password "$TMP/claim-1.json")
((${#PASS} >= 22)) || fail "the password is too short: '$PASS'"
expect_eq "$(claim claim-2 "$CODE")" 404 "the second claim"
expect_eq "$(jq -r .ok "$TMP/claim-2.json")" false "the second claim's ok"
expect_eq "$(claim claim-bad "${CODE}x")" 404 "a wrong code"
expect_eq "$(sqlite3 "$DB" "SELECT password = '' AND claimed > 0
    FROM enrollments WHERE code = '$CODE'")" 1 \
    "the claimed row: password erased, claimed"
rc=0
curl -s -o /dev/null -w '%{http_code}' "$BASE/e/$CODE" >"$TMP/get.code" ||
    rc=$?
expect_eq "$(cat "$TMP/get.code")" 405 "a GET of the link"

# ---- the phone signs in as crisis-1@phone-a ---------------------------------

mosquitto_sub -h 127.0.0.1 -p "$PORT" -u crisis-1@phone-a -P "$PASS" -q 1 \
    -v -t "$PREFIX/notify/crisis-1" -t "$PREFIX/notify/security-1" \
    -t "$PREFIX/status/#" >"$TMP/phone.log" 2>>"$TMP/phone.err" &
PIDS+=("$!")
wait_for 5 probe_seen phone "$PREFIX/notify/crisis-1"

BEACON_PASSWORD=pw-central cli report report --broker "127.0.0.1:$PORT" \
    --username central --branch central --type overdose --id enroll-od-1
expect_rc 0 report
wait_for 5 has phone "$PREFIX/notify/crisis-1" '.report == "enroll-od-1"'
# Nothing of security-1's, nor the branch's statuses: a barrier on a
# topic the phone reads shows that all came that would have.
mark="{\"barrier\": $(now_ms)}"
pub "$PREFIX/notify/crisis-1" "$mark"
wait_for 5 grep -qxF "$PREFIX/notify/crisis-1 $mark" "$TMP/phone.log"
! grep -Eq "^$PREFIX/(notify/security-1|status/) " "$TMP/phone.log" ||
	fail "the phone read another responder's notification or a status"

# It answers as crisis-1, and only as crisis-1: an acknowledgment as
# security-1 is dropped by the broker.
phone_pub -t "$PREFIX/respond/security-1" -m '{"incident": 1, "action": "ack"}'
BEACON_PASSWORD=$PASS cli ack ack 1 --as crisis-1 \
    --username crisis-1@phone-a --broker "127.0.0.1:$PORT"
expect_rc 0 ack
expect_line ack 'incident 1: acknowledged by crisis-1'
expect_eq "$(timeline_json 1 | jq '[.events[] | select(.kind == "ack")
    | .actor] | join(" ")')" '"crisis-1"' "who acknowledged incident 1"

# The app registers its Web Push subscription under its device name.
P256=$(openssl ecparam -name prime256v1 -genkey -noout |
    openssl ec -pubout -outform DER 2>/dev/null | tail -c 65 | base64 -w0 |
    tr '+/' '-_' | tr -d '=')
AUTH=$(head -c 16 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
phone_pub -t "$PREFIX/push/crisis-1" -m "{\"device\": \"phone-a\",
    \"subscription\": {\"endpoint\": \"https://push.example.org/p/a\",
    \"keys\": {\"p256dh\": \"$P256\", \"auth\": \"$AUTH\"}}}"
subs() {
	sqlite3 "$DB" "SELECT count(*) FROM push_subscriptions
	    WHERE responder = 'crisis-1' AND device = '$1'"
}
subs_are() { [ "$(subs "$1")" = "$2" ]; }
wait_for 5 subs_are phone-a 1

# ---- revoke ------------------------------------------------------------------

enroll revoke-a supervisor-1 phone-a --revoke
expect_rc 0 revoke-a
expect_line revoke-a 'systemctl reload mosquitto'
! grep -q '^crisis-1@phone-a:' "$TMP/passwd" ||
	fail "crisis-1@phone-a is still in the password file"
! grep -qx 'user crisis-1@phone-a' "$TMP/acl" ||
	fail "crisis-1@phone-a is still in the ACL"
grep -qx 'user crisis-1' "$TMP/acl" || fail "crisis-1 lost its section"
expect_eq "$(subs phone-a)" 0 "the revoked phone's push subscriptions"
reload
# The phone still connected is cut off, and cannot come back.
wait_for 5 grep -q 'not authori[sz]ed' "$TMP/phone.err"
rc=0
phone_pub -t "$PREFIX/respond/crisis-1" -m '{"incident": 1, "action": "arrived"}' \
    2>"$TMP/revoked.err" || rc=$?
((rc != 0)) || fail "the revoked phone may still publish"
grep -q 'not authori[sz]ed' "$TMP/revoked.err" ||
	fail "the revoked phone was not refused as unauthorised"
enroll revoke-again supervisor-1 phone-a --revoke
expect_rc 1 revoke-again

# A revocation forgets a link not used yet.
enroll enroll-b supervisor-1 phone-b
expect_rc 0 enroll-b
CODE_B=$(code enroll-b)
enroll revoke-b supervisor-1 phone-b --revoke
expect_rc 0 revoke-b
expect_eq "$(claim claim-b "$CODE_B")" 404 "a claim after the revocation"

# ---- a code expires after 15 minutes ----------------------------------------

enroll enroll-c supervisor-1 phone-c
expect_rc 0 enroll-c
CODE_C=$(code enroll-c)
clock_move 900000
expect_eq "$(claim claim-c "$CODE_C")" 404 "a claim after 15 minutes"

# ---- only a supervisor enrolls ----------------------------------------------

enroll enroll-x crisis-1 phone-x
expect_rc 2 enroll-x
grep -q 'may not make supervisor requests' "$TMP/enroll-x.err" ||
	fail "enroll by crisis-1: no reason given"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM rejects
    WHERE topic = '$PREFIX/query/crisis-1' AND payload IS NULL")" 1 \
    "the refusal, recorded without its payload"
! grep -q '^crisis-1@phone-x:' "$TMP/passwd" ||
	fail "a refused enrollment left its account in the password file"
enroll enroll-y supervisor-1 phone-y --url https://beacon.example.org/
expect_rc 0 enroll-y
grep -q '^  https://beacon.example.org/responder.html#enroll=' \
    "$TMP/enroll-y.out" || fail "--url is not the link's base"

# One address may try 10 claims a minute.
for i in $(seq 12); do
	st=$(claim guess "AAAAAAAAAAAAAAAAAAAAA$i")
	[ "$st" = 404 ] || break
done
expect_eq "$st" 429 "a guesser's claims"
grep -qi '^Retry-After: 60' <(curl -s -D - -o /dev/null -X POST \
    "$BASE/e/x") || fail "429 without Retry-After"

# ---- acl-conf --passwd ------------------------------------------------------

mosquitto_passwd -b "$TMP/passwd" left@phone-z pw-left
cli acl2 acl-conf --config "$CONF" --passwd "$TMP/passwd"
expect_rc 0 acl2
grep -qx 'user crisis-1@phone-c' "$TMP/acl2.out" ||
	fail "acl-conf --passwd: no section for crisis-1@phone-c"
! grep -q 'left@phone-z' "$TMP/acl2.out" ||
	fail "acl-conf --passwd: a section for a responder not in beacon.conf"

stop_beacond
# No password in beacond's log, nor in its records of refusals.
PASS_Y=$(sqlite3 "$DB" "SELECT password FROM enrollments
    WHERE device = 'phone-y'")
((${#PASS_Y} >= 22)) || fail "phone-y's enrollment is not kept"
for p in "$PASS" "$PASS_Y"; do
	! grep -qF -- "$p" "$TMP/beacond.log" ||
		fail "a phone's password is in beacond's log"
done
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM rejects
    WHERE CAST(payload AS TEXT) LIKE '%password%'")" 0 \
    "refusals recorded with a password"
