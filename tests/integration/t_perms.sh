#!/usr/bin/env bash
# What Beacon writes about incidents and people is its owner's only,
# whatever the umask it runs with (022 here, the usual one): beacond's
# database with its -wal and -shm files, `beacon db backup`'s copy,
# `beacon report`'s spool and `beacon export --out`'s file, even one that
# was readable by others before.
. "$(dirname "$0")/lib.sh"

umask 022

# expect_mode MODE FILE...: each FILE has exactly MODE (as stat %a).
expect_mode() {
	local want=$1 f

	shift
	for f; do
		[ -e "$f" ] || fail "$f is missing"
		expect_eq "$(stat -c %a "$f")" "$want" "the mode of ${f##*/}"
	done
}

# ---- beacond's database ------------------------------------------------------

start_broker
start_beacond
cli report report --broker "127.0.0.1:$PORT" --branch central \
    --type welfare --location "Front desk" --id pm-1
expect_rc 0 report
# While beacond runs, the WAL holds what it committed.
wait_for 5 test -s "$DB-wal"
expect_mode 600 "$DB" "$DB-wal" "$DB-shm"

# ---- beacon db backup --------------------------------------------------------

cli backup db backup "$TMP/copy.db" --db "$DB"
expect_rc 0 backup
expect_mode 600 "$TMP/copy.db"

# ---- beacon report's spool ---------------------------------------------------

# Nothing listens there: the report stays in the spool.
cli spooled report --branch central --type welfare --id pm-2 \
    --timeout 1 --broker "127.0.0.1:$(free_port)"
expect_rc 3 spooled
expect_mode 700 "$BEACON_SPOOL"
n=0
for f in "$BEACON_SPOOL"/*; do
	expect_mode 600 "$f"
	n=$((n + 1))
done
((n > 0)) || fail "the spool is empty"

# ---- beacon export --out -----------------------------------------------------

cli export export --since 2000-01-01 --db "$DB" --out "$TMP/new.jsonl"
expect_rc 0 export
expect_mode 600 "$TMP/new.jsonl"
grep -q '"pm-1"' "$TMP/new.jsonl" || fail "the export has no incident pm-1"
# A file that others could read is not left so.
echo old >"$TMP/old.csv"
chmod 644 "$TMP/old.csv"
cli export-old export --since 2000-01-01 --format csv --db "$DB" \
    --out "$TMP/old.csv"
expect_rc 0 export-old
expect_mode 600 "$TMP/old.csv"
stop_beacond
