#!/usr/bin/env bash
# The database's care: `beacon db backup` copies it consistently while
# beacond writes, `beacon db check` finds damage, and beacond refuses, with
# a clear message and without touching the file, a database that is not
# one or whose schema is newer than it knows: never a silent new empty one.
. "$(dirname "$0")/lib.sh"

need sqlite3 md5sum
write_conf
start_broker
start_beacond
sub_status
for i in 1 2 3; do
	pub "$PREFIX/report/central" "{\"id\": \"db-$i\", \"type\": \"welfare\"}"
done
wait_for 5 has status "$PREFIX/status/central/db-3" '.state == "routed"'

# Online backup, beacond still running: a database of its own, the same
# incidents, and sound.
cli backup db backup "$TMP/copy.db" --db "$DB"
expect_rc 0 backup
expect_line backup "^$TMP/copy.db: a copy of $DB \\(schema [0-9]+, 3 incidents\\)$"
expect_eq "$(sqlite3 "$TMP/copy.db" 'PRAGMA journal_mode')" delete \
    "the copy's journal (it stands alone, no -wal file)"
expect_eq "$(sqlite3 "$TMP/copy.db" "SELECT group_concat(report_id, ' ')
    FROM incidents ORDER BY id")" "db-1 db-2 db-3" "incidents in the copy"
cli check db check --db "$TMP/copy.db"
expect_rc 0 check
expect_line check "^$TMP/copy.db: ok: schema [0-9]+, 3 incidents, [0-9]+ timeline rows$"
# Never over an existing file.
cli again db backup "$TMP/copy.db" --db "$DB"
expect_rc 1 again
grep -q 'exists; a backup never replaces a file' "$TMP/again.err" ||
	fail "a second backup to the same file: $(cat "$TMP/again.err")"

# Damage: a page of the copy overwritten with zeros. The check says so and
# exits 1.
cp "$TMP/copy.db" "$TMP/broken.db"
pages=$(sqlite3 "$TMP/broken.db" 'PRAGMA page_count')
((pages > 3)) || fail "the copy has only $pages pages"
dd if=/dev/zero of="$TMP/broken.db" bs=4096 seek=$((pages - 2)) count=1 \
    conv=notrunc status=none
cli broken db check --db "$TMP/broken.db"
expect_rc 1 broken
grep -Eq 'problem|malformed|could not run' "$TMP/broken.out" "$TMP/broken.err" ||
	fail "db check of a damaged file: $(cat "$TMP/broken.out" "$TMP/broken.err")"

stop_beacond

# beacond on a file that is not a database: a clear message, exit 1, and
# the file as it was.
head -c 8192 /dev/urandom >"$TMP/junk.db"
sum=$(md5sum <"$TMP/junk.db")
rc=0
"$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" --db "$TMP/junk.db" \
    2>"$TMP/junk.log" || rc=$?
((rc != 0)) || fail "beacond started on a file that is not a database"
grep -q "junk.db is not a SQLite database" "$TMP/junk.log" ||
	fail "beacond on junk said: $(cat "$TMP/junk.log")"
expect_eq "$(md5sum <"$TMP/junk.db")" "$sum" "the junk file after beacond"

# A schema newer than this beacond: refused, named, untouched.
cp "$TMP/copy.db" "$TMP/newer.db"
sqlite3 "$TMP/newer.db" 'PRAGMA user_version = 99'
sum=$(md5sum <"$TMP/newer.db")
rc=0
"$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" --db "$TMP/newer.db" \
    2>"$TMP/newer.log" || rc=$?
((rc != 0)) || fail "beacond started on a newer schema"
grep -q "schema version 99 is newer than this beacond supports" \
    "$TMP/newer.log" || fail "beacond on schema 99 said: $(cat "$TMP/newer.log")"
expect_eq "$(md5sum <"$TMP/newer.db")" "$sum" "the newer database after beacond"
cli newer db check --db "$TMP/newer.db"
expect_rc 1 newer
grep -q "schema version 99" "$TMP/newer.err" ||
	fail "db check of schema 99: $(cat "$TMP/newer.err")"
