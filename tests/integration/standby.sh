# shellcheck shell=bash
# A standby pair on one broker, for the standby tests (t_standby,
# t_standby_join, t_standby_flowing, t_standby_gap); sourced after lib.sh
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
# answered report has one, load_check), and, identical, every incident and
# timeline event a had committed up to the commit of the last report a
# answered before it was killed: a publishes each commit's changes before what the commit
# lets it announce, so all of those had left a (a's later commits may
# have died with it, unannounced, and been made again by b for the
# reporters that retried).
survivor_check() {
	local kill_ms=$1 n upto missing

	load_check
	n=$(sqlite3 "$TMP/b.db" "SELECT count(*) FROM (SELECT 1 FROM incidents
	    GROUP BY branch, report_id HAVING count(*) != 1)")
	check_zero "report ids without exactly one incident on b" "$n"
	read -r upto n missing < <(sqlite3 -separator ' ' "$TMP/check.db" "
	    ATTACH '$TMP/a.db' AS a; ATTACH '$TMP/b.db' AS b;
	    WITH told AS (SELECT max(r.incident) AS inc FROM r
	        WHERE r.answered_ms > 0 AND r.answered_ms < $kill_ms),
	    upto AS (SELECT coalesce(min(x.id), 0) AS ev FROM a.events x, told
	        WHERE x.incident = told.inc)
	    SELECT upto.ev, (SELECT inc FROM told),
	        (SELECT count(*) FROM a.events x WHERE x.id <= upto.ev
	        AND NOT EXISTS (SELECT 1 FROM b.events e WHERE e.id = x.id
	        AND e.incident = x.incident AND e.kind = x.kind
	        AND e.ts = x.ts AND e.actor IS x.actor)) +
	        (SELECT count(*) FROM a.incidents x, told WHERE x.id <= told.inc
	        AND NOT EXISTS (SELECT 1 FROM b.incidents i WHERE i.id = x.id
	        AND i.report_id = x.report_id AND i.created = x.created))
	    FROM upto")
	say "a answered up to incident $n before the kill; its events up to" \
	    "$upto: missing or different on b $missing; incidents on b:" \
	    "$(incidents b)"
	((upto > 0)) || fail "a answered no report before the kill"
	check_zero "incidents and events of a missing on b" "$missing"
	say "b joined: $(grep -o 'event=replica_\(synced\|copied\|behind\)[^:]*' \
	    "$TMP/beacond-b.log" | tr '\n' ';')"
}
