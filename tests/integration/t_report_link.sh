#!/usr/bin/env bash
# The board report from beacond (docs/protocol.md, "The board report"): a
# supervisor asks for a link with report_link; GET /r/{token} on beacond's
# listener answers with the page `beacon report-html` makes for the same
# range, branch and configuration, under a policy that lets its own style
# in and nothing else. A tampered or expired link gets 403; a responder,
# a branch the asker does not cover and a bad range are refused with the
# field named; a beacond without http refuses to make links at all.
TEST_CLOCK=1
. "$(dirname "$0")/lib.sh"

need curl
need jq
need python3
need sqlite3
need chromium

# Incidents added for a report that takes a while to make.
BULK=${BULK:-30000}

# report BRANCH ID TYPE: report, and wait until beacond has routed it.
report() {
	pub "$PREFIX/report/$1" "{\"id\": \"$2\", \"type\": \"$3\"}"
	wait_for 5 has status "$PREFIX/status/$1/$2" '.state == "routed"'
}

respond() {
	cli "$1-$2" "$1" "$2" --as "$3" --broker "127.0.0.1:$PORT"
	expect_rc 0 "$1 $2"
}

# link NAME WHO JSON: report_link's answer in $TMP/NAME.json.
link() {
	query "$1" "$2" "$3"
}

# refused NAME TEXT: the answer NAME is a refusal that says TEXT.
refused() {
	jq -e --arg t "$2" '.ok == false and (.error | contains($t))' \
	    "$TMP/$1.json" >/dev/null ||
		fail "$1: not refused with '$2': $(cat "$TMP/$1.json")"
}

# same_page NAME ARGS...: the page GET NAME answered is the one beacon
# report-html ARGS... writes, but for the time it was made.
same_page() {
	local name=$1

	shift
	cli "html-$name" report-html --db "$DB" --config "$CONF" --out - "$@"
	expect_rc 0 "report-html $*"
	sed '/enerated /d' "$TMP/$name.b" >"$TMP/$name.served"
	sed '/enerated /d' "$TMP/html-$name.out" >"$TMP/$name.cli"
	[ -s "$TMP/$name.cli" ] || fail "report-html wrote nothing"
	cmp -s "$TMP/$name.served" "$TMP/$name.cli" || {
		diff "$TMP/$name.served" "$TMP/$name.cli" | head -n 20 >&2
		fail "$name: the page is not report-html's"
	}
	grep -q '<h1>Incidents and responses</h1>' "$TMP/$name.b" ||
		fail "$name: no report's heading"
}

write_conf
conf_debrief_later
# A supervisor of Central only.
SUP2='{ id = "supervisor-2"; name = "Supervisor, Central"; role = "supervisor"; '
SUP2+='branches = [ "central" ]; },'
sed -i "s|^  { id = \"manager-1\"; |  $SUP2\n&|" "$CONF"
grep -q '"supervisor-2"' "$CONF" || fail "the test could not add supervisor-2"
HTTP_PORT=$(free_port)
BASE=http://127.0.0.1:$HTTP_PORT
mkdir -p "$TMP/web"
cat >>"$CONF" <<EOF2
http = { listen = "127.0.0.1:$HTTP_PORT"; root = "$TMP/web"; url = "$BASE"; };
EOF2
start_broker
start_beacond
sub_status

# ---- a few incidents --------------------------------------------------------

report central od-1 overdose
respond ack 1 crisis-1
respond arrived 1 crisis-1
respond resolve 1 crisis-1
report central mh-1 mental_health
respond ack 2 crisis-1
respond resolve 2 crisis-1
report eastside wp-1 weapon
respond ack 3 security-2
report eastside cs-1 child_safety

# ---- the link ---------------------------------------------------------------

link all supervisor-1 '{"method": "report_link"}'
answer all '.' >&2
jq -e '.ok and .method == "report_link" and (.path | startswith("r/"))
    and .url == "'"$BASE"'/" + .path' "$TMP/all.json" >/dev/null ||
	fail "the answer: $(cat "$TMP/all.json")"
URL=$(answer all .url)
SINCE=$(answer all .since)
UNTIL=$(answer all .until)
EXPIRES=$(answer all .expires)
expect_eq "$((($(ts_ms "$UNTIL") - $(ts_ms "$SINCE")) / 86400000))" 30 \
    "days in the range asked for by default"
expect_eq "$((($(ts_ms "$EXPIRES") - $(ts_ms "$UNTIL")) / 1000))" 900 \
    "seconds the link works"

# ---- the page ---------------------------------------------------------------

expect_eq "$(http_get all "$URL")" 200 "GET of the link"
expect_eq "$(header all content-type)" "text/html; charset=utf-8" \
    "the page's type"
expect_eq "$(header all cache-control)" "no-store" "the page's caching"
expect_eq "$(header all referrer-policy)" "no-referrer" "the referrer policy"
same_page all --since "$SINCE" --until "$UNTIL"
grep -q '<p class="range">.* · all branches</p>' "$TMP/all.b" ||
	fail "the page is not for every branch"
# Its own stylesheet and nothing else: the style's hash, no script.
CSP=$(header all content-security-policy)
HASH=$(python3 -c '
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
styles = re.findall(r"<style>(.*?)</style>", page, re.S)
assert len(styles) == 1, styles
print(base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode())
' "$TMP/all.b")
expect_eq "$CSP" "default-src 'none'; style-src 'sha256-$HASH'; \
frame-ancestors 'none'; base-uri 'none'; form-action 'none'" \
    "the page's Content-Security-Policy"
! grep -qi '<script\| style=' "$TMP/all.b" ||
	fail "the page has a script or an inline style attribute"

# In a browser, under that policy: the page is drawn with its style (the
# header's rule and the headings' blue are the stylesheet's alone).
HOME=$TMP timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
    --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync \
    --user-data-dir="$TMP/chrome" --screenshot="$TMP/all.png" \
    --window-size=1000,800 "$URL" >"$TMP/chrome.out" 2>>"$TMP/chrome.err"
python3 - "$TMP/all.png" <<'PY' || fail "the page is not drawn with its style"
import struct, sys, zlib

data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, []
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', data[pos + 8:pos + 18])
    elif kind == b'IDAT':
        idat.append(data[pos + 8:pos + 8 + n])
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw, stride = zlib.decompress(b''.join(idat)), w * bpp
prev, blue = bytearray(stride), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 2:
            line[i] = (line[i] + b) & 255
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                                  b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        r, g, bl = line[x:x + 3]
        blue += abs(r - 0x1d) <= 4 and abs(g - 0x4f) <= 4 and \
            abs(bl - 0x7c) <= 4
    prev = line
assert blue >= 1000, 'only %d pixels of the header blue' % blue
PY

expect_eq "$(http_get head "$URL" -I)" 200 "HEAD of the link"
# curl -I writes the headers where the body would go.
! grep -q '<html' "$TMP/head.b" || fail "HEAD answered with a body"

# One branch, a range of its own.
link central supervisor-2 '{"method": "report_link", "branch": "central",
    "since": "2026-01-01T00:00:00Z", "until": "'"$UNTIL"'"}'
expect_eq "$(answer central '.since + " " + .branch')" \
    "2026-01-01T00:00:00.000Z central" "the range and branch answered"
expect_eq "$(http_get central "$(answer central .url)")" 200 \
    "GET of a branch's link"
same_page central --since 2026-01-01T00:00:00Z --until "$UNTIL" \
    --branch central
grep -q '<p class="range">.* · branch central</p>' "$TMP/central.b" ||
	fail "the page is not Central's"
# ?lang=fr: the same page in French, as report-html --lang fr makes it;
# a language Beacon does not speak is the branch's (here English).
expect_eq "$(http_get central-fr "$(answer central .url)?lang=fr")" 200 \
    "GET of a branch's link in French"
grep -q '<html lang="fr-CA">' "$TMP/central-fr.b" ||
	fail "?lang=fr did not give the French page"
grep -q "<h2>Délais d$(printf '\u2019')intervention</h2>" \
    "$TMP/central-fr.b" || fail "?lang=fr: no French heading"
cli html-central-fr report-html --db "$DB" --config "$CONF" --out - \
    --since 2026-01-01T00:00:00Z --until "$UNTIL" --branch central --lang fr
expect_rc 0 "report-html --lang fr"
cmp -s <(sed '/roduit le /d' "$TMP/central-fr.b") \
    <(sed '/roduit le /d' "$TMP/html-central-fr.out") ||
	fail "?lang=fr: the page is not report-html --lang fr's"
expect_eq "$(http_get central-xx "$(answer central .url)?lang=xx")" 200 \
    "GET of a branch's link with an unknown language"
grep -q '<html lang="en">' "$TMP/central-xx.b" ||
	fail "?lang=xx did not give the branch's language"

# ---- links that are not ours ------------------------------------------------

token=${URL#"$BASE/r/"}
payload=${token%%.*}
mac=${token#*.}
# The same signature on a payload for another branch.
other=$(python3 -c '
import base64, sys
p = sys.argv[1]
p = base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))
p = p.replace(b"||", b"|eastside|")
print(base64.urlsafe_b64encode(p).decode().rstrip("="))' "$payload")
[ "$other" != "$payload" ] || fail "the test could not change the payload"
expect_eq "$(http_get forged "$BASE/r/$other.$mac")" 403 "a changed link"
grep -q 'This link is not valid' "$TMP/forged.b" ||
	fail "the 403 does not say why: $(cat "$TMP/forged.b")"
expect_eq "$(http_get cut "$BASE/r/$payload")" 403 "a link cut short"
expect_eq "$(http_get junk "$BASE/r/%00..%2f")" 403 "a link that is not one"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL")" 405 \
    "POST of a report link"

# ---- reports asked for at once, and an asker who leaves ----------------------

pids=()
for i in 1 2 3 4 5 6; do
	http_get "many-$i" "$URL" >"$TMP/many-$i.code" &
	pids+=("$!")
done
wait "${pids[@]}"
for i in 1 2 3 4 5 6; do
	case $(cat "$TMP/many-$i.code") in
	200) ;;
	503) expect_eq "$(header "many-$i" retry-after)" 5 "Retry-After" ;;
	*) fail "a report asked for at once: $(cat "$TMP/many-$i.code")" ;;
	esac
done
grep -q . <(grep -l '^200$' "$TMP"/many-*.code) ||
	fail "none of the reports asked for at once was made"
curl -s -o /dev/null --max-time 0.01 "$URL" || true
curl -s -o /dev/null --max-time 0.01 "$URL" || true
expect_eq "$(http_get after "$URL")" 200 "a report after an asker left"
alive "$BEACOND_PID" || fail "beacond stopped"

# ---- refusals ---------------------------------------------------------------

link crisis crisis-1 '{"method": "report_link"}'
refused crisis "crisis-1 may not make supervisor requests"
link east supervisor-2 '{"method": "report_link", "branch": "eastside"}'
refused east "branch: supervisor-2 does not cover eastside"
link whole supervisor-2 '{"method": "report_link"}'
refused whole "branch: required: supervisor-2 does not cover every branch"
link nowhere supervisor-1 '{"method": "report_link", "branch": "nowhere"}'
refused nowhere 'branch: "nowhere" is no branch of beacon.conf'
link since supervisor-1 '{"method": "report_link", "since": "last week"}'
refused since "since: must be an RFC 3339 time"
link back supervisor-1 '{"method": "report_link",
    "since": "2026-03-01T00:00:00Z", "until": "2026-02-01T00:00:00Z"}'
refused back "until: must be after since"
link future supervisor-1 '{"method": "report_link",
    "since": "2099-01-01T00:00:00Z"}'
refused future "since: must be before now"

# ---- an expired link --------------------------------------------------------

at() {
	local ms=$(($(ts_ms "$1") + $2))

	date -u -d "@$((ms / 1000)).$(printf %03d $((ms % 1000)))" \
	    +%Y-%m-%dT%H:%M:%S.%3NZ
}

# The test clock runs on from where it is put: some margin.
clock_move "@$(at "$EXPIRES" -20000)"
expect_eq "$(http_get late "$URL")" 200 "a link 20 s before it expires"
clock_move "@$EXPIRES"
expect_eq "$(http_get expired "$URL")" 403 "an expired link"
grep -q 'This link has expired' "$TMP/expired.b" ||
	fail "the 403 does not say expired: $(cat "$TMP/expired.b")"

# ---- a long report: the loop goes on, one report at a time ------------------

# Thousands of incidents more, each with incident 2's timeline.
stop_beacond
sqlite3 "$DB" <<SQL
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $BULK)
INSERT INTO incidents (id, branch, report_id, type, severity, silent, drill,
    policy, state, call_911, notified, created, updated, step, step_at,
    due_at, due_step)
SELECT 100 + x, branch, 'bulk-' || x, type, severity, silent, drill, policy,
    state, call_911, notified, created - x * 1000, updated, step, step_at,
    due_at, due_step FROM incidents, n WHERE id = 2;
INSERT INTO events (incident, ts, kind, actor, step, detail)
SELECT i.id, e.ts, e.kind, e.actor, e.step, e.detail
FROM incidents i, events e WHERE i.id > 100 AND e.incident = 2;
SQL
start_beacond
link slow supervisor-1 '{"method": "report_link"}'
SLOW=$(answer slow .url)
done_lines() {
	grep -c 'event=board_report by=' "$TMP/beacond.log" || true
}
more_done() {
	(($(done_lines) > $1))
}
# A request made while the report is being made is answered at once: its
# reply topic is subscribed to first, so that only beacond is waited for.
rt=$PREFIX/reply/supervisor-1/during
sub during-reply "$rt" "$rt"
before=$(done_lines)
http_get slow "$SLOW" >"$TMP/slow.code" &
slow_pid=$!
wait_for 10 grep -q 'event=board_report_started' "$TMP/beacond.log"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -V mqttv5 -q 1 \
    -t "$PREFIX/query/supervisor-1" -D publish response-topic "$rt" \
    -D publish correlation-data during -m '{"method": "report_link"}'
wait_for 10 has during-reply "$rt" '.ok'
made=$(grep -c 'event=board_report_made' "$TMP/beacond.log" || true)
expect_eq "$made" "$before" \
    "reports made before a request made meanwhile was answered"
# And a second report waits its turn.
expect_eq "$(http_get busy "$SLOW")" 503 "a report while another is made"
expect_eq "$(header busy retry-after)" 5 "Retry-After of a 503"
grep -q 'Another board report is being made' "$TMP/busy.b" ||
	fail "the 503 does not say why: $(cat "$TMP/busy.b")"
wait "$slow_pid"
expect_eq "$(cat "$TMP/slow.code")" 200 "the long report"
same_page slow --since "$(answer slow .since)" --until "$(answer slow .until)"
grep -q "html-slow: $((BULK + 4)) incidents;" <("$BEACON" report-html \
    --db "$DB" --config "$CONF" --since "$(answer slow .since)" \
    --until "$(answer slow .until)" --out "$TMP/html-slow") ||
	fail "the long report is not of $((BULK + 4)) incidents"
# An asker who leaves before the page is made: the page goes nowhere.
before=$(done_lines)
curl -s -o /dev/null --max-time 0.2 "$SLOW" || true
wait_for 20 more_done "$before"
expect_eq "$(http_get again "$SLOW")" 200 "a report after an asker left"
alive "$BEACOND_PID" || fail "beacond stopped"

# ---- no listener, no link ---------------------------------------------------

stop_beacond
sed -i '/^http = /d' "$CONF"
start_beacond
link nohttp supervisor-1 '{"method": "report_link"}'
refused nohttp \
    "the board report needs beacond's http listener (http in beacon.conf)"
say "ok"
