#!/usr/bin/env bash
# TLS to the broker (docs/security.md, "TLS"). `make certs`'s script makes a
# private CA and the certificates; mosquitto listens with TLS and asks
# every client for a certificate and a password. beacond connects with its
# client certificate and its own account, and `beacon report` with a
# branch's gets its report routed. Refused, each with the reason on
# stderr and exit 3 (the broker cannot be reached): a broker certificate
# from a CA the client does not trust, a client without a certificate,
# and a broker certificate that does not name the host connected to. A
# beacond that cannot verify the broker logs why once, not at every
# retry, and keeps retrying. Over secure WebSockets, the web pages' mqtt
# client with the CA receives a message, and without it is refused.
. "$(dirname "$0")/lib.sh"

need openssl mosquitto_passwd
unset BEACON_USERNAME BEACON_PASSWORD BEACON_CAFILE BEACON_CERT BEACON_KEY

CERTS=$TMP/certs
WSS_PORT=

# ---- the certificates ------------------------------------------------------

make_certs() {
	"$BEACON_SRC/conf/make-certs.sh" >>"$TMP/make-certs.out" 2>&1 ||
		fail "make-certs.sh failed"
}

CERTS_DIR=$CERTS CERTS_CLIENTS="central observer" make_certs
for f in ca server beacond central observer; do
	[ -s "$CERTS/$f.crt" ] && [ -s "$CERTS/$f.key" ] ||
		fail "make-certs.sh made no $f.crt and $f.key"
	expect_eq "$(stat -c %a "$CERTS/$f.key")" 600 "the mode of $f.key"
done
openssl x509 -in "$CERTS/server.crt" -noout -ext subjectAltName |
    grep -q 'DNS:localhost, IP Address:127.0.0.1' ||
	fail "the broker's certificate does not name localhost and 127.0.0.1"

# Again, with one more client: the CA stays, what is missing is added.
cp "$CERTS/ca.crt" "$TMP/ca-before.crt"
CERTS_DIR=$CERTS CERTS_CLIENTS="central observer crisis-1" make_certs
cmp -s "$CERTS/ca.crt" "$TMP/ca-before.crt" ||
	fail "make-certs.sh replaced the CA"
openssl verify -CAfile "$CERTS/ca.crt" "$CERTS/crisis-1.crt" \
    "$CERTS/central.crt" >/dev/null || fail "a certificate the CA did not sign"

# A CA nobody here trusts, and a broker certificate from the right CA for
# another name.
CERTS_DIR=$TMP/stranger make_certs
mkdir "$TMP/other"
cp "$CERTS/ca.crt" "$CERTS/ca.key" "$TMP/other/"
CERTS_DIR=$TMP/other CERTS_HOSTS=other.example make_certs

# ---- the broker and beacond ------------------------------------------------

# Every client signs in with a password; the MQTT listener also asks for a
# client certificate, the WebSockets one (browsers) does not.
broker_conf() {
	while WSS_PORT=$(free_port) && [ "$WSS_PORT" = "$PORT" ]; do
		:
	done
	cat <<EOF
set_tcp_nodelay true
persistence false
user $(id -un)
allow_anonymous false
password_file $TMP/passwd

listener $PORT 127.0.0.1
cafile $CERTS/ca.crt
certfile $CERTS/server.crt
keyfile $CERTS/server.key
require_certificate true
tls_version tlsv1.2

listener $WSS_PORT 127.0.0.1
protocol websockets
cafile $CERTS/ca.crt
certfile $CERTS/server.crt
keyfile $CERTS/server.key
tls_version tlsv1.2
EOF
}

BEACOND_PW="pw-beacond-$RANDOM$RANDOM"
mosquitto_passwd -c -b "$TMP/passwd" beacond "$BEACOND_PW"
for u in observer central; do
	mosquitto_passwd -b "$TMP/passwd" "$u" "pw-$u"
done
(umask 077 && echo "$BEACOND_PW" >"$TMP/beacond.pw")

# beacond: its account and its client certificate.
write_conf
conf_beacon "  username = \"beacond\";
  password_file = \"$TMP/beacond.pw\";
  cafile = \"$CERTS/ca.crt\";
  certfile = \"$CERTS/beacond.crt\";
  keyfile = \"$CERTS/beacond.key\";"
grep -q '^  certfile = ' "$CONF" || fail "no certfile in $CONF"
"$BEACOND" --check-config -c "$CONF" >"$TMP/check.out" 2>"$TMP/check.err" ||
	fail "beacond --check-config refuses the TLS settings"

# lib.sh's subscribers, probes and barriers: over TLS, as the observer.
MQTT_OPTS=(--cafile "$CERTS/ca.crt" --cert "$CERTS/observer.crt"
	--key "$CERTS/observer.key" -u observer -P pw-observer)

start_broker
start_beacond
grep -q 'event=connecting .* username=beacond tls=client-cert' \
    "$TMP/beacond.log" || fail "beacond did not say it connects with TLS"
sub_notify
sub_status

# ---- a report over TLS -----------------------------------------------------

BEACON_PASSWORD=pw-central cli report report --broker "127.0.0.1:$PORT" \
    --username central --cafile "$CERTS/ca.crt" --cert "$CERTS/central.crt" \
    --key "$CERTS/central.key" --branch central --type overdose --id tls-od-1
expect_rc 0 report
expect_line report 'routed: 3 responders notified, CALL 911$'
wait_for 5 has status "$PREFIX/status/central/tls-od-1" '.state == "routed"'

# ---- refusals --------------------------------------------------------------

# refused NAME BROKER REGEX ARGS...: `beacon report` through BROKER, as
# central, with ARGS for TLS, cannot get through: exit 3 and the reason,
# matching REGEX, on stderr. Its report stays in a spool of its own.
refused() {
	local name=$1 broker=$2 re=$3

	shift 3
	BEACON_PASSWORD=pw-central cli "$name" report --broker "$broker" \
	    --username central --branch central --type overdose \
	    --id "tls-$name" --timeout 3 --spool "$TMP/spool-$name" "$@"
	expect_rc 3 "$name"
	grep -Eq -- "$re" "$TMP/$name.err" ||
		fail "beacon report ($name): no /$re/ on stderr"
	grep -q 'cannot reach the broker' "$TMP/$name.err" ||
		fail "beacon report ($name): not told the broker is unreachable"
}

# A CA that did not sign the broker's certificate; from the environment.
BEACON_CAFILE=$TMP/stranger/ca.crt BEACON_CERT=$CERTS/central.crt \
    BEACON_KEY=$CERTS/central.key \
    refused stranger "127.0.0.1:$PORT" \
    "mqtt: cannot connect to 127.0.0.1:$PORT: TLS: certificate verify failed"
# No client certificate: the broker asks for one.
refused nocert "127.0.0.1:$PORT" \
    "mqtt: cannot connect to 127.0.0.1:$PORT: TLS: .*certificate required" \
    --cafile "$CERTS/ca.crt"
# Neither got through: beacond had nothing from them.
notify_barrier
expect_eq "$(count status "$PREFIX/status/central/tls-stranger")" 0 \
    "statuses of the report sent with a stranger CA"
expect_eq "$(count status "$PREFIX/status/central/tls-nocert")" 0 \
    "statuses of the report sent without a certificate"

# A broker whose certificate, from the right CA, names other.example.
# other_up PID: that broker runs (its log says so).
other_up() {
	alive "$1" && grep -q ' running$' "$TMP/other-mosquitto.log"
}

other_up_or_gone() {
	other_up "$1" || ! alive "$1"
}

# Another free port when the first cannot be bound, as start_broker does.
for try in 1 2 3 4 5; do
	NPORT=$(free_port)
	cat >"$TMP/other.conf" <<EOF
persistence false
user $(id -un)
allow_anonymous false
password_file $TMP/passwd
listener $NPORT 127.0.0.1
cafile $CERTS/ca.crt
certfile $TMP/other/server.crt
keyfile $TMP/other/server.key
EOF
	mosquitto -c "$TMP/other.conf" >"$TMP/other-mosquitto.log" 2>&1 &
	OTHER_PID=$!
	PIDS+=("$OTHER_PID")
	wait_for 5 other_up_or_gone "$OTHER_PID"
	other_up "$OTHER_PID" && break
	((try < 5)) || fail "the other broker does not start on port $NPORT"
done
# Only the name is wrong: without the host name check it would do.
mosquitto_pub -h 127.0.0.1 -p "$NPORT" --cafile "$CERTS/ca.crt" --insecure \
    -u central -P pw-central -t "$PREFIX/_probe" -m x ||
	fail "the other broker cannot be reached at all"
refused name "127.0.0.1:$NPORT" "TLS: host name verification failed" \
    --cafile "$CERTS/ca.crt" --cert "$CERTS/central.crt" \
    --key "$CERTS/central.key"

# ---- beacond cannot verify the broker --------------------------------------

# It says why once, then keeps retrying with backoff (its -v log shows
# each retry).
sed -e "s|^  cafile = .*|  cafile = \"$TMP/stranger/ca.crt\";|" \
    -e 's/client_id = "beacond-test"/client_id = "beacond-stranger"/' \
    "$CONF" >"$TMP/stranger.conf"
grep -q "stranger/ca.crt" "$TMP/stranger.conf" || fail "no stranger CA"
"$BEACOND" -c "$TMP/stranger.conf" --broker "127.0.0.1:$PORT" \
    --db "$TMP/stranger.db" -v 2>"$TMP/beacond-stranger.log" &
PIDS+=("$!")
STRANGER_PID=$!
cause="cannot connect to 127.0.0.1:$PORT: TLS: certificate verify failed"
wait_for 10 grep -q "retry in 2000 ms" "$TMP/beacond-stranger.log"
alive "$STRANGER_PID" || fail "beacond exited when the broker was not trusted"
expect_eq "$(grep -c "warning: mqtt: $cause; retrying" \
    "$TMP/beacond-stranger.log")" 1 "warnings of the untrusted broker"
expect_eq "$(grep -c "debug: mqtt: $cause; retry in" \
    "$TMP/beacond-stranger.log")" 2 "retries logged as debug by then"
kill -TERM "$STRANGER_PID"
wait_gone "$STRANGER_PID" 5 || fail "beacond ignores SIGTERM while retrying"

# ---- secure WebSockets -----------------------------------------------------

# node and the web pages' mqtt package come with make deps and the build:
# without them this part fails, never passes untested.
need node
[ -d "$BEACON_SRC/clients/web/node_modules/mqtt" ] ||
	fail "clients/web/node_modules/mqtt is missing (the build runs npm ci)"
{
	# The web pages' mqtt client, signed in as the observer, waits
	# for beacond's retained status over wss://, trusting CAFILE.
	wss_ok() {
		BEACON_USERNAME=observer BEACON_PASSWORD=pw-observer \
		    timeout -k 2 20 node \
		    "$BEACON_SRC/tests/integration/wss_sub.js" \
		    "wss://127.0.0.1:$WSS_PORT/mqtt" "$PREFIX/daemon/status" \
		    "$@"
	}
	wss_ok "$CERTS/ca.crt" >"$TMP/wss-ca.out" 2>"$TMP/wss-ca.err" ||
		fail "wss:// with the CA: $(cat "$TMP/wss-ca.err")"
	grep -q "^$PREFIX/daemon/status .*\"online\"" "$TMP/wss-ca.out" ||
		fail "wss:// with the CA: not beacond's status"
	rc=0
	wss_ok >"$TMP/wss-noca.out" 2>"$TMP/wss-noca.err" || rc=$?
	((rc != 0)) || fail "wss:// without the CA got through"
	grep -q 'certificate' "$TMP/wss-noca.err" ||
		fail "wss:// without the CA: no certificate error"
}

stop_beacond

# beacond never wrote its password, even with -v.
! grep -qF -- "$BEACOND_PW" "$TMP/beacond.log" "$TMP/beacond-stranger.log" \
    "$TMP/check.out" "$TMP/check.err" ||
	fail "beacond's password is in its output"
