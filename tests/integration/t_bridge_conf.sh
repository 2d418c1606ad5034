#!/usr/bin/env bash
# beacon bridge-conf: the shipped example (conf/mosquitto-branch.conf.example)
# is the command's output for the shipped beacon.conf; the topics are a
# branch's own, in the right directions; the central broker, its account
# and TLS come from the options or beacon.conf; bad input is refused with
# a message that names it, and nothing is printed. t_bridge runs what it
# makes.
. "$(dirname "$0")/lib.sh"
need_cli
unset BEACON_USERNAME BEACON_CAFILE BEACON_CERT BEACON_KEY BEACON_CONFIG

# The example, made again exactly as docs/cli.md says.
cli example bridge-conf --branch riverside --config "$BEACON_SRC/conf/beacon.conf" \
    --central broker.example.org:8883 --cafile /etc/mosquitto/certs/ca.crt \
    --username riverside
expect_rc 0 example
diff -u "$BEACON_SRC/conf/mosquitto-branch.conf.example" "$TMP/example.out" ||
	fail "conf/mosquitto-branch.conf.example is not bridge-conf's output"

# The branch's topics and no other branch's, with their directions.
cli plain bridge-conf --branch eastside --config "$CONF" \
    --central 10.0.0.5:1883
expect_rc 0 plain
grep '^topic ' "$TMP/plain.out" | sort >"$TMP/topics"
sort >"$TMP/want" <<EOF
topic $PREFIX/report/eastside out 1
topic $PREFIX/device/eastside/+ out 1
topic $PREFIX/selftest/eastside/+ out 1
topic $PREFIX/status/eastside/# in 1
topic $PREFIX/error/eastside in 1
topic $PREFIX/selftest/eastside/+/result in 1
topic $PREFIX/config/+ in 1
topic $PREFIX/daemon/status in 1
topic $PREFIX/daemon/heartbeat in 1
EOF
diff -u "$TMP/want" "$TMP/topics" || fail "the bridge's topics"
for want in "address 10.0.0.5:1883" "cleansession false" \
    "persistence true" "connection beacon-eastside" \
    "remote_clientid beacon-bridge-eastside" "max_queued_messages 100000" \
    "#remote_username eastside" "#bridge_cafile /etc/mosquitto/certs/ca.crt"; do
	grep -qx -- "$want" "$TMP/plain.out" || fail "no line \"$want\""
done

# Without --central: beacon.conf's broker; its account and CA: the branch
# signs in as itself, over TLS.
write_conf
: >"$TMP/ca.crt"
conf_beacon "  broker = \"central.example.org:8883\"; username = \"beacond\";
  cafile = \"$TMP/ca.crt\";"
cli fromconf bridge-conf --branch central --config "$CONF" --out \
    "$TMP/central.conf"
expect_rc 0 fromconf
[ ! -s "$TMP/fromconf.out" ] || fail "--out: printed on standard output too"
for want in "address central.example.org:8883" "remote_username central" \
    "bridge_cafile $TMP/ca.crt" \
    "topic $PREFIX/report/central out 1"; do
	grep -qx -- "$want" "$TMP/central.conf" || fail "no line \"$want\""
done
cli tls bridge-conf --branch central --config "$CONF" --cert /c/b.crt \
    --key /c/b.key --cafile /c/ca.crt
expect_rc 0 tls
for want in "bridge_cafile /c/ca.crt" "bridge_certfile /c/b.crt" \
    "bridge_keyfile /c/b.key"; do
	grep -qx -- "$want" "$TMP/tls.out" || fail "no line \"$want\""
done

# bad NAME PATTERN ARGS...: refused, exit 1, the error matches, no output.
bad() {
	local name=$1 pattern=$2

	shift 2
	cli "$name" bridge-conf --config "$CONF" "$@"
	expect_rc 1 "$name"
	grep -q -- "$pattern" "$TMP/$name.err" ||
		fail "$name: $(cat "$TMP/$name.err")"
	[ ! -s "$TMP/$name.out" ] || fail "$name: printed a configuration"
}
bad unknown 'unknown branch "nowhere"' --branch nowhere
bad missing '--branch is required'
bad central 'central broker "10.0.0.5"' --branch central --central 10.0.0.5
bad port 'central broker "h:70000"' --branch central --central h:70000
bad space 'with a space' --branch central --cafile "/a b/ca.crt"
bad halfcert '--cert and --key go together' --branch central --cert /c/b.crt
bad out 'no-such-dir' --branch central --out "$TMP/no-such-dir/b.conf"
