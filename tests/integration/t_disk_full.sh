#!/usr/bin/env bash
# A full disk under beacond's database (a small tmpfs, filled): safety
# first. Reports are still routed and notified from memory, the retained
# beacon/daemon/status says "degraded" and the admin responder is told
# once; a responder's acknowledgment of an incident opened meanwhile is
# accepted. When space returns, beacond writes the backlog, says "online"
# and tells the admin; every report of the outage has exactly one incident
# in the database, with its notification and its acknowledgment.
#
# The test runs in a mount namespace of its own, where it may mount the
# tmpfs: as root, or, without that privilege, in a user namespace of its
# own too, as that namespace's root (unshare --user --map-root-user). No
# network namespace: mosquitto and beacond still meet on the loopback.
# Where neither namespace can be had, the test fails: it never skips.
if [ -z "${BEACON_DISK_NS:-}" ]; then
	for ns in "--mount" "--user --map-root-user --mount"; do
		# shellcheck disable=SC2086
		unshare $ns true 2>/dev/null || continue
		# shellcheck disable=SC2086
		BEACON_DISK_NS="unshare $ns" exec unshare $ns -- bash "$0" "$@"
	done
	echo "$(basename "$0" .sh): FAIL: no mount namespace, nor a user" \
	    "namespace to mount in (unshare --user --map-root-user --mount:" \
	    "$(unshare --user --map-root-user --mount true 2>&1))" >&2
	exit 1
fi
. "$(dirname "$0")/lib.sh"
need sqlite3 mount umount

say "in a namespace of its own ($BEACON_DISK_NS), as uid $(id -u) there"
FS=$TMP/fs
mkdir -p "$FS"
mount -t tmpfs -o size=4m tmpfs "$FS" ||
	fail "cannot mount a 4 MiB tmpfs in the test's own mount namespace"
# cleanup reads the test's exit status in $?, so unmount returns it; as
# errexit would end the trap at a failure, unmount's is tested with ||.
unmount() {
	local rc=$?

	umount -l "$FS" 2>/dev/null || true
	return "$rc"
}
trap 'unmount || cleanup; cleanup' EXIT
DB=$FS/beacon.db

write_conf
sed -i 's/^  keepalive = 5;/  keepalive = 5;\n  admins = [ "manager-1" ];/' "$CONF"
grep -q 'admins = \[ "manager-1" \]' "$CONF" || fail "cannot set admins"
start_broker
start_beacond
sub_notify
sub_status
sub daemon "$PREFIX/daemon/_probe" "$PREFIX/daemon/#"

pub "$PREFIX/report/central" '{"id": "df-0", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/df-0" '.state == "routed"'

# Fill the filesystem: nothing more can be written to it.
dd if=/dev/zero of="$FS/filler" bs=64k 2>/dev/null || true
n=0
until has daemon "$PREFIX/daemon/status" '.state == "degraded"'; do
	((++n <= 200)) || fail "beacond never noticed the full disk"
	pub "$PREFIX/report/central" "{\"id\": \"df-$n\", \"type\": \"welfare\"}"
	wait_for 5 has status "$PREFIX/status/central/df-$n" \
	    '.state == "routed"'
done
last=$n
say "degraded after $last reports on a full disk"
wait_for 5 has notify "$PREFIX/notify/manager-1" \
    '.kind == "daemon_degraded"'
# Routed from memory while degraded.
pub "$PREFIX/report/central" '{"id": "df-x", "type": "welfare"}'
wait_for 5 has notify "$PREFIX/notify/crisis-1" '.report == "df-x"'
x=$(payloads status "$PREFIX/status/central/df-x" | jq -s 'last.incident')
pub "$PREFIX/respond/crisis-1" "{\"incident\": $x, \"action\": \"ack\"}"
wait_for 5 has status "$PREFIX/status/central/df-x" \
    '.state == "acknowledged"'
[ "$(sqlite3 "$DB" "SELECT count(*) FROM incidents WHERE report_id =
    'df-x'")" = 0 ] || fail "df-x was written to a full disk?"

# Space again.
since=$(now_rfc3339)
rm -f "$FS/filler"
wait_for 10 has daemon "$PREFIX/daemon/status" \
    ".state == \"online\" and .ts >= \"$since\""
wait_for 10 has notify "$PREFIX/notify/manager-1" \
    '.kind == "daemon_recovered"'
expect_eq "$(count notify "$PREFIX/notify/manager-1" \
    '.kind == "daemon_degraded"')" 1 "degraded notices to the admin"
for i in $(seq 0 "$last") x; do
	expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM incidents WHERE
	    branch = 'central' AND report_id = 'df-$i'")" 1 "incidents of df-$i"
done
expect_eq "$(sqlite3 "$DB" "SELECT state FROM incidents WHERE
    report_id = 'df-x'")" acknowledged "df-x in the database"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM events e JOIN incidents i
    ON e.incident = i.id WHERE i.report_id = 'df-x' AND e.kind IN
    ('notified', 'ack')")" 2 "df-x's notified and ack events"
stop_beacond
say "disk full: $((last + 2)) reports, all recorded once after the outage"
