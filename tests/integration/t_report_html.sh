#!/usr/bin/env bash
# The board report: incidents at two branches (answered, escalated to the
# last step, nobody available, still open), a drill and a false alarm, one
# debrief held and one overdue. beacon report-html writes one page that
# headless Chromium renders; the picture must be a real one and the page
# must hold the numbers these incidents make, and nothing from outside.
. "$(dirname "$0")/lib.sh"

need python3 sqlite3

start_broker
start_beacond
sub_notify
sub_status

B=(--broker "127.0.0.1:$PORT")

# report BRANCH ID JSON-FIELDS: report, and wait until beacond has routed it.
report() {
	pub "$PREFIX/report/$1" "{\"id\": \"$2\", $3}"
	wait_for 5 has status "$PREFIX/status/$1/$2" '.state == "routed"'
}

respond() {
	cli "$1-$2" "$1" "$2" --as "$3" "${B[@]}"
	expect_rc 0 "$1 $2"
}

# 1: answered, on scene and resolved; its debrief is held.
report central od-1 '"type": "overdose"'
respond ack 1 crisis-1
respond arrived 1 crisis-1
respond resolve 1 crisis-1
# 2: nobody answers step 1, so it escalates to the policy's last step.
report central wf-1 '"type": "welfare"'
wait_for 10 has notify "$PREFIX/notify/supervisor-1" \
    '.incident == 2 and .step == 1'
respond ack 2 supervisor-1
respond resolve 2 supervisor-1
# 3: Eastside has no crisis worker: no one available, never answered.
report eastside cs-1 '"type": "child_safety"'
# 4: answered and on scene, still open.
report eastside wp-1 '"type": "weapon"'
respond ack 4 security-2
respond arrived 4 security-2
# 5: a drill; 6: a false alarm (marked below).
report central dr-1 '"type": "overdose", "drill": true'
report central mh-1 '"type": "mental_health"'

query rec supervisor-1 '{"method": "record", "incident": 1, "debrief":
    {"wellbeing": {"status": "held", "participants": 3},
     "review": {"referrals": [{"type": "housing"}],
       "actions": [{"what": "restock naloxone", "owner": "supervisor-1",
                    "due": "2026-12-01"}]}}}'
expect_eq "$(answer rec '.revision')" 1 "debrief recorded"
# Incident 2's debrief is due within seconds here; nobody records it.
wait_for 15 has notify "$PREFIX/notify/manager-1" \
    '.kind == "debrief_overdue" and .incident == 2'
stop_beacond

# Cancelling a false alarm is not in the protocol yet: write its event
# as that feature will.
sqlite3 "$DB" "INSERT INTO events (incident, ts, kind, actor, step, detail)
    VALUES (6, $(now_ms), 'false_alarm', 'desk-1', -1, 'pressed by mistake')"

# From the first of last month: the monthly trend has two points.
SINCE=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m-%d)
HTML=$TMP/board.html
# With the configuration, branches and categories by their names.
cli html report-html --db "$DB" --config "$CONF" --since "$SINCE" \
    --out "$HTML"
expect_rc 0 report-html
expect_line html 'board\.html: 4 incidents; set apart: 1 drill, 1 false alarm$'

# facts FILE: the page's figures, one per line: "card KEY=VALUE",
# "row CELL|CELL...", "title TEXT" (charts and their bars), "svg LABEL",
# "empty TEXT", and "external ..." for anything that would load from
# outside the file.
facts() {
	python3 - "$1" <<'EOF'
import html.parser, sys

class Facts(html.parser.HTMLParser):
    LOADS = ('script', 'link', 'img', 'iframe', 'object', 'embed', 'base')

    def __init__(self):
        super().__init__()
        self.row = self.cell = self.text = None
        self.what = self.key = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get('class') or ''
        if tag in self.LOADS:
            print('external <%s>' % tag)
        for k, v in attrs:
            if k in ('src', 'href', 'xlink:href') or (v and 'url(' in v):
                print('external %s=%s' % (k, v))
        if tag == 'svg':
            print('svg %s' % a.get('aria-label', ''))
            if a.get('role') != 'img':
                print('svg without role=img')
        elif tag == 'tr':
            self.row = []
        elif tag in ('td', 'th') and self.row is not None:
            self.cell = ''
        elif tag == 'title' or (tag == 'div' and cls in ('k', 'v')) or \
                (tag == 'p' and cls == 'empty'):
            self.what = {'title': 'title', 'p': 'empty'}.get(tag, cls)
            self.text = ''

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.text is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == 'tr' and self.row is not None:
            print('row ' + '|'.join(self.row))
            self.row = None
        elif self.text is not None and tag in ('title', 'div', 'p'):
            t = ' '.join(self.text.split())
            if self.what == 'k':
                self.key = t
            elif self.what == 'v':
                print('card %s=%s' % (self.key, t))
            else:
                print('%s %s' % (self.what, t))
            self.text = None

Facts().feed(open(sys.argv[1], encoding='utf-8').read())
EOF
}

# expect_fact FILE REGEX...: each REGEX matches a line of facts FILE.
expect_fact() {
	local f=$1 re

	shift
	for re; do
		grep -Eq -- "^$re\$" "$f" || fail "${f##*/}: no fact /$re/"
	done
}

# The page as written: doctype, its own style, nothing from outside.
head -n 1 "$HTML" | grep -qx '<!doctype html>' || fail "no doctype"
grep -q '<style>' "$HTML" || fail "no inline style"
grep -Eiq '<script|https?:|[^a-z]url\(' "$HTML" && fail "refers to the outside"

# Without it, by their ids; a configuration named on purpose must load.
unset BEACON_CONFIG
cli ids report-html --db "$DB" --since "$SINCE" --out "$TMP/ids.html"
expect_rc 0 "report-html without a configuration"
grep -q 'Central Library' "$TMP/ids.html" && fail "names without a config"
grep -q '>central<' "$TMP/ids.html" || fail "no branch ids without a config"
cli badconf report-html --db "$DB" --config "$TMP/none.conf" --out "$HTML"
expect_rc 1 "report-html with a missing --config"

# Empty ranges say so.
cli empty report-html --db "$DB" --since 2099-01-01 --out "$TMP/empty.html"
expect_rc 0 report-html
facts "$TMP/empty.html" >"$TMP/empty.facts"
expect_fact "$TMP/empty.facts" 'card Incidents=0' \
    'empty No incidents in this range\.'
# One branch only.
cli east report-html --db "$DB" --branch eastside --out "$TMP/east.html"
facts "$TMP/east.html" >"$TMP/east.facts"
expect_fact "$TMP/east.facts" 'card Incidents=2' 'card Set apart=0'
cli noout report-html --db "$DB"
expect_rc 1 "report-html without --out"

need chromium
PNG=$TMP/board.png
# Headless, offline and leaving nothing behind: its profile (and HOME, for
# whatever else it keeps) are in the test's directory.
chrome() {
	HOME=$TMP timeout -k 5 60 chromium --headless --no-sandbox \
	    --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$TMP/chrome" "$@" "file://$HTML" \
	    2>>"$TMP/chrome.err"
}
chrome --screenshot="$PNG" --window-size=1200,4000 >"$TMP/chrome.out"
[ -s "$PNG" ] || fail "chromium wrote no screenshot"
cp "$PNG" "$BEACON_BUILD/board-report.png"
chrome --dump-dom >"$TMP/dom.html"
[ -s "$TMP/dom.html" ] || fail "chromium dumped no DOM"

# A real picture: the size asked for, and the page's colours in it (the
# header rule, a bar, the severity-1 red), not one blank colour.
python3 - "$PNG" <<'EOF' || fail "the screenshot is not the report"
import struct, sys, zlib

data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, []
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat.append(body)
    pos += 12 + n
assert (w, h, depth) == (1200, 4000, 8), 'size %dx%d/%d' % (w, h, depth)
bpp = {2: 3, 6: 4}[ctype]
raw, stride = zlib.decompress(b''.join(idat)), w * bpp
prev, colours = bytearray(stride), {}
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    if f == 1:
        for i in range(bpp, stride):
            line[i] = (line[i] + line[i - bpp]) & 255
    elif f == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif f == 3:
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (a + prev[i]) // 2) & 255
    elif f == 4:
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                                  b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 3):
        px = bytes(line[x:x + 3])
        colours[px] = colours.get(px, 0) + 1
    prev = line
assert len(colours) > 50, 'only %d colours' % len(colours)
for name, rgb in (('header', (0x1d, 0x4f, 0x7c)), ('bar', (0x2f, 0x6e, 0xa5)),
                  ('severity 1', (0xb4, 0x23, 0x18))):
    assert any(all(abs(p[i] - rgb[i]) <= 4 for i in range(3)) and n >= 20
               for p, n in colours.items()), 'no %s colour' % name
EOF

# What the browser read: the numbers these incidents make.
facts "$TMP/dom.html" >"$TMP/dom.facts"
grep '^external\|^svg without' "$TMP/dom.facts" &&
	fail "the page loads something from outside"
nsvg=$(grep -c '^svg ' "$TMP/dom.facts")
((nsvg >= 8)) || fail "only $nsvg charts"
expect_fact "$TMP/dom.facts" \
    'card Incidents=4' 'card Reached last step=1' 'card No one available=1' \
    'card Debriefs overdue=1' 'card Actions open=1' 'card Set apart=2' \
    'row Central Library\|2\|2\|.*' 'row Eastside Branch\|2\|1\|.*' \
    'row All\|4\|3\|[^|]+\|[^|]+\|2\|[^|]+\|[^|]+' \
    'row Central Library\|1\|1' 'row All\|1\|1' \
    'row Incidents never acknowledged\|1' \
    'title By branch' 'title Central Library: 2' \
    'title Eastside Branch: 2' \
    'title 1 · threat to life: 2' 'title 2 · urgent: 1' \
    'title 3 · needs care: 1' \
    'title Suspected overdose: 1' 'title Welfare check: 1' \
    'title Weapon or active threat: 1' 'title Child safety: 1' \
    'title housing: 1' 'title held: 1' \
    'title overdue: 1' 'title Monthly trend' 'title Hour of the day' \
    'svg Monthly trend: incidents per month'
grep -q '<h2>Drills and false alarms</h2>' "$TMP/dom.html" ||
	fail "no section for what was set apart"
