# shellcheck shell=bash
# A standby pair on one broker, for the tests of a standby that joins
# (t_standby_join, t_standby_flowing, t_standby_gap); sourced after lib.sh
# and load.sh. Two beacond, a and b, each with its own database, a lease
# of $LEASE s.

LEASE=${LEASE:-5}
need_cli
write_conf
BASE_CONF=$CONF
declare -A PID

# pair_conf NAME PARTNER: $TMP/NAME.conf
pair_conf() {
	cp "$BASE_CONF" "$TMP/$1.conf"
	printf 'standby: { instance = "%s"; partner = "%s"; lease = %d; };\n' \
	    "$1" "$2" "$LEASE" >>"$TMP/$1.conf"
}

spawn() {
	"$BEACOND" -c "$TMP/$1.conf" --broker "127.0.0.1:$PORT" \
	    --db "$TMP/$1.db" -v 2>>"$TMP/beacond-$1.log" &
	PID[$1]=$!
	PIDS+=("$!")
}

# $1's retained presence: its state is $2.
presence_is() {
	local p

	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/standby/$1" 2>/dev/null) || return 1
	jq -e --arg s "$2" '.state == $s' <<<"$p"
}

standing_by() {
	presence_is "$1" standby
}

# The active one's retained status is "online" and the lease names $1.
active_is() {
	local p

	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/leader" 2>/dev/null) || return 1
	jq -e --arg i "$1" '.instance == $i' <<<"$p" >/dev/null || return 1
	p=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -C 1 -W 2 \
	    -t "$PREFIX/daemon/status" 2>/dev/null) || return 1
	jq -e '.state == "online"' <<<"$p"
}

incidents() {
	sqlite3 -readonly "$TMP/$1.db" 'SELECT count(*) FROM incidents' \
	    2>/dev/null || echo 0
}

# At least $2 incidents in $1's database.
incidents_in() {
	(($(incidents "$1") >= $2))
}

# Both start with empty databases; a wins the first lease.
pair_start() {
	pair_conf a b
	pair_conf b a
	spawn a
	wait_for 20 active_is a
}

# kill -9 of a, b takes over; then every report is answered and settled,
# on b's database.
kill_a_and_settle() {
	kill -KILL "${PID[a]}"
	wait "${PID[a]}" 2>/dev/null || true
	wait_for 20 active_is b
	wait_for 30 grep -q '^stopped sending' "$TMP/reporter.out"
	reporter_drain 45
	DB=$TMP/b.db
	load_settle 30
	reporter_finish
	kill -TERM "${PID[b]}"
	wait_gone "${PID[b]}" 10 || fail "b ignores SIGTERM"
}

# What the survivor b holds: exactly one incident per report id (every
# answered report has one, load_check), and every event a had committed
# a second before it was killed, as a had it (its changes are published
# as they are committed).
survivor_check() {
	local kill_ms=$1 n missing

	load_check
	n=$(sqlite3 "$TMP/b.db" "SELECT count(*) FROM (SELECT 1 FROM incidents
	    GROUP BY branch, report_id HAVING count(*) != 1)")
	check_zero "report ids without exactly one incident on b" "$n"
	missing=$(sqlite3 "$TMP/b.db" "ATTACH '$TMP/a.db' AS a;
	    SELECT count(*) FROM a.events x WHERE x.ts < $kill_ms - 1000
	    AND NOT EXISTS (SELECT 1 FROM main.events e WHERE e.id = x.id
	    AND e.incident = x.incident AND e.kind = x.kind
	    AND e.ts = x.ts AND e.actor IS x.actor)")
	say "a's events before the kill: $(sqlite3 "$TMP/a.db" \
	    "SELECT count(*) FROM events WHERE ts < $kill_ms - 1000"), missing" \
	    "on b: $missing; incidents on b: $(incidents b)"
	check_zero "timeline events of a missing on b" "$missing"
	missing=$(sqlite3 "$TMP/b.db" "ATTACH '$TMP/a.db' AS a;
	    SELECT count(*) FROM a.incidents x WHERE x.created < $kill_ms - 1000
	    AND NOT EXISTS (SELECT 1 FROM main.incidents i WHERE i.id = x.id
	    AND i.report_id = x.report_id)")
	check_zero "incidents of a missing on b" "$missing"
	say "b joined: $(grep -o 'event=replica_\(synced\|copied\|behind\)[^:]*' \
	    "$TMP/beacond-b.log" | tr '\n' ';')"
}
