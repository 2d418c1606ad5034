#!/usr/bin/env bash
# beacond --check-config: the shipped configuration passes with a one-line
# summary; a broken one fails with every error as file:line: message.
. "$(dirname "$0")/lib.sh"

need_beacond
rc=0
"$BEACOND" --check-config -c "$BEACON_SRC/conf/beacon.conf" \
    >"$TMP/ok.out" 2>"$TMP/ok.err" || rc=$?
expect_eq "$rc" 0 "exit status for conf/beacon.conf"
expect_eq "$(wc -l <"$TMP/ok.out")" 1 "summary lines"
[ -s "$TMP/ok.err" ] && fail "errors for conf/beacon.conf"
rc=0
"$BEACOND" --check-config -c "$CONF" >/dev/null 2>"$TMP/test.err" || rc=$?
expect_eq "$rc" 0 "exit status for the tests' configuration"

# Four mistakes, one per marked line.
bad=$TMP/broken.conf
cat >"$bad" <<'CONF'
roles = ( { id = "security"; label = "security"; } );
branches = ( { id = "central"; name = "Central"; timezone = "UTC"; } );
responders = (
  { id = "s1"; name = "Guard"; role = "guard"; branches = [ "central" ]; },       # ROLE
  { id = "s2"; name = "Guard"; role = "security"; branches = [ "eastside" ]; }    # BRANCH
);
policies = (
  { id = "p"; steps = ( { after = 0; roles = [ "security" ]; } ); }
);
categories = (
  { id = "theft"; label = "Theft"; severity = 9; policy = "p"; },                 # SEVERITY
  { id = "fire"; label = "Fire"; severity = 1; policy = "nope"; }                 # POLICY
);
CONF
rc=0
"$BEACOND" --check-config -c "$bad" >"$TMP/bad.out" 2>"$TMP/bad.err" || rc=$?
expect_eq "$rc" 1 "exit status for a broken configuration"
[ -s "$TMP/bad.out" ] && fail "a summary for a broken configuration"
# line MARK WORD: the error on the line marked MARK mentions WORD.
line() {
	local n

	n=$(grep -n "# $1\$" "$bad" | cut -d: -f1)
	grep -q "^$bad:$n: .*$2" "$TMP/bad.err" ||
		fail "no error '$bad:$n: ...$2...'; got: $(cat "$TMP/bad.err")"
}
line ROLE guard
line BRANCH eastside
line SEVERITY severity
line POLICY nope
grep -v "^$bad:[0-9][0-9]*: " "$TMP/bad.err" &&
	fail "lines not in the form file:line: message"

# A syntax error stops the reading: reported alone, with its line.
printf 'roles = (\n  { id = "x"; label = ; }\n);\n' >"$TMP/syntax.conf"
rc=0
"$BEACOND" --check-config -c "$TMP/syntax.conf" 2>"$TMP/syntax.err" || rc=$?
expect_eq "$rc" 1 "exit status for a syntax error"
grep -q "^$TMP/syntax.conf:2: " "$TMP/syntax.err" ||
	fail "syntax error: $(cat "$TMP/syntax.err")"

# The http group: its address in the summary; a bad one, and a root that
# is not there, each an error with its line.
cp "$BEACON_SRC/conf/beacon.conf" "$TMP/http.conf"
printf 'http = { listen = "127.0.0.1:18832"; root = "%s"; };\n' "$TMP" \
    >>"$TMP/http.conf"
"$BEACOND" --check-config -c "$TMP/http.conf" >"$TMP/http.out" ||
	fail "--check-config with an http group"
grep -q ', pages on http://127.0.0.1:18832$' "$TMP/http.out" ||
	fail "summary: $(cat "$TMP/http.out")"
cp "$BEACON_SRC/conf/beacon.conf" "$TMP/http-bad.conf"
printf 'http = { listen = "127.0.0.1:0"; root = "%s/none"; };\n' "$TMP" \
    >>"$TMP/http-bad.conf"
rc=0
"$BEACOND" --check-config -c "$TMP/http-bad.conf" 2>"$TMP/http-bad.err" ||
    rc=$?
expect_eq "$rc" 1 "exit status for a bad http group"
grep -q ': http: listen "127.0.0.1:0" has no port 1-65535' \
    "$TMP/http-bad.err" || fail "bad listen: $(cat "$TMP/http-bad.err")"
grep -q ": http: root \"$TMP/none\": No such file or directory" \
    "$TMP/http-bad.err" || fail "missing root: $(cat "$TMP/http-bad.err")"

# HTTPS needs both halves; the address phones use and the VAPID subject
# are checked where they are written.
cp "$BEACON_SRC/conf/beacon.conf" "$TMP/push-bad.conf"
cat >>"$TMP/push-bad.conf" <<EOF
http = { listen = "127.0.0.1:18832"; root = "$TMP";
    url = "https://beacon.example.org/app/"; tls_cert = "x.pem"; };
webpush = { subject = "it@library.example.org"; ttl = -1; };
links = { lifetime = 10; };
EOF
rc=0
"$BEACOND" --check-config -c "$TMP/push-bad.conf" 2>"$TMP/push-bad.err" ||
	rc=$?
expect_eq "$rc" 1 "exit status for bad web push settings"
for want in 'http: tls_cert and tls_key go together' \
    'url "https://beacon.example.org/app/" must be scheme://host' \
    'subject "it@library.example.org" must be a mailto: or https:' \
    'ttl' 'lifetime'; do
	grep -q "$want" "$TMP/push-bad.err" ||
		fail "no \"$want\" in: $(cat "$TMP/push-bad.err")"
done

rc=0
"$BEACOND" --check-config -c "$TMP/missing.conf" 2>"$TMP/missing.err" ||
    rc=$?
expect_eq "$rc" 1 "exit status for a missing file"
[ -s "$TMP/missing.err" ] || fail "nothing said about a missing file"
exit 0
