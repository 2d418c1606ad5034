#!/usr/bin/env bash
# The board report in French: with --lang fr, and by default for a branch
# whose language is "fr" in beacon.conf. Headless Chromium renders the
# page; what it read must be French (headings, chart titles and axes,
# the summary, months, numbers, category labels from labels = { fr }),
# with <html lang="fr-CA">, and the screenshot is kept beside the build
# (board-report-fr.png). An unknown --lang is refused, naming the
# languages; a branch without a language gets English.
# French writes its apostrophe ’ (U+2019): in quotes on purpose.
# shellcheck disable=SC1112
. "$(dirname "$0")/lib.sh"

need python3

write_conf
# Central speaks French; two categories have a French label.
sed -i 's/{ id = "central";  name = "Central Library"; timezone = "UTC"; }/{ id = "central";  name = "Central Library"; timezone = "UTC"; language = "fr"; }/' \
    "$CONF"
sed -i 's/label = "Suspected overdose"; /label = "Suspected overdose"; labels = { fr = "Surdose soupçonnée"; }; /' \
    "$CONF"
sed -i 's/label = "Welfare check"; /label = "Welfare check"; labels = { fr = "Vérification du bien-être"; }; /' \
    "$CONF"
if ! grep -q 'language = "fr"; }' "$CONF" ||
    ! grep -q 'Surdose soupçonnée' "$CONF" ||
    ! grep -q 'Vérification du bien-être' "$CONF"; then
	fail "cannot set the languages in $CONF"
fi

start_broker
start_beacond
sub_notify
sub_status

B=(--broker "127.0.0.1:$PORT")

report() {
	pub "$PREFIX/report/$1" "{\"id\": \"$2\", $3}"
	wait_for 5 has status "$PREFIX/status/$1/$2" '.state == "routed"'
}

report central od-1 '"type": "overdose"'
cli ack ack 1 --as crisis-1 "${B[@]}"
expect_rc 0 ack
cli arrived arrived 1 --as crisis-1 "${B[@]}"
expect_rc 0 arrived
report central wf-1 '"type": "welfare"'
report eastside wp-1 '"type": "weapon"'
report central dr-1 '"type": "overdose", "drill": true'
stop_beacond

HTML=$TMP/board-fr.html
cli fr report-html --db "$DB" --config "$CONF" --lang fr --out "$HTML"
expect_rc 0 "report-html --lang fr"

# facts FILE: the page's words, one per line: "lang L", "h1|h2|h3 TEXT",
# "title TEXT" (charts, bars), "svg LABEL" (aria-label), "axis TEXT",
# "tick TEXT", "card KEY=VALUE", "summary TEXT", "th TEXT".
facts() {
	python3 - "$1" <<'EOF'
import html.parser, sys

class Facts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.what = self.text = self.key = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get('class') or ''
        if tag == 'html':
            print('lang %s' % a.get('lang'))
        if tag == 'svg':
            print('svg %s' % a.get('aria-label', ''))
        what = None
        if tag in ('h1', 'h2', 'h3', 'title', 'th'):
            what = tag
        elif tag == 'text' and cls in ('at', 'tick', 'lbl'):
            what = {'at': 'axis'}.get(cls, cls)
        elif tag == 'div' and cls in ('k', 'v'):
            what = cls
        elif tag == 'p' and cls == 'summary':
            what = 'summary'
        if what is not None and self.what is None:
            self.what, self.text = what, ''

    def handle_data(self, data):
        if self.text is not None:
            self.text += data

    def handle_endtag(self, tag):
        if self.what is None:
            return
        if tag not in ('h1', 'h2', 'h3', 'title', 'th', 'text', 'div', 'p'):
            return
        t = ' '.join(self.text.replace('\xa0', ' ').split())
        if self.what == 'k':
            self.key = t
        elif self.what == 'v':
            print('card %s=%s' % (self.key, t))
        else:
            print('%s %s' % (self.what, t))
        self.what = self.text = None

Facts().feed(open(sys.argv[1], encoding='utf-8').read())
EOF
}

expect_fact() {
	local f=$1 re

	shift
	for re; do
		grep -Eq -- "^$re\$" "$f" || fail "${f##*/}: no fact /$re/"
	done
}

# no_fact FILE REGEX...: no line of facts FILE matches.
no_fact() {
	local f=$1 re

	shift
	for re; do
		! grep -Eq -- "^$re\$" "$f" || fail "${f##*/}: /$re/: $(grep -E -- "^$re\$" "$f" | head -n 1)"
	done
}

MONTH=$(python3 -c 'import time; print(["janv.", "févr.", "mars", "avr.",
    "mai", "juin", "juill.", "août", "sept.", "oct.", "nov.",
    "déc."][time.gmtime().tm_mon - 1])')

# The French page, as the browser reads it.
need chromium
# chrome PAGE ARGS...
chrome() {
	local page=$1

	shift
	HOME=$TMP timeout -k 5 60 chromium --headless --no-sandbox \
	    --disable-gpu --disable-quic --no-first-run \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --user-data-dir="$TMP/chrome" "$@" "file://$page" \
	    2>>"$TMP/chrome.err"
}
PNG=$TMP/board-fr.png
chrome "$HTML" --screenshot="$PNG" --window-size=1200,4000 >"$TMP/chrome.out"
[ -s "$PNG" ] || fail "chromium wrote no screenshot"
cp "$PNG" "$BEACON_BUILD/board-report-fr.png"
chrome "$HTML" --dump-dom >"$TMP/dom.html"
[ -s "$TMP/dom.html" ] || fail "chromium dumped no DOM"
facts "$TMP/dom.html" >"$TMP/dom.facts"

expect_fact "$TMP/dom.facts" \
    'lang fr-CA' \
    'h1 Incidents et interventions' \
    'h2 Incidents' 'h2 Délais d’intervention' 'h2 Escalade et disponibilité' \
    'h2 Débreffages et suivi' 'h2 Exercices et fausses alertes' \
    'h3 Par succursale' 'h3 Par catégorie' \
    'th Succursale' 'th Délai de prise en charge' 'th médiane' \
    'title Répartition par gravité' 'title Tendance mensuelle' \
    'title Heure de la journée' 'title Par catégorie' \
    'svg Tendance mensuelle: incidents par mois' \
    'axis heure de la journée \(heure locale\)' 'axis incidents' \
    'axis mois' \
    "tick $MONTH [0-9]{4}" 'tick [0-9]{2} h' \
    'lbl 1 · danger de mort' \
    'title Surdose soupçonnée: 1' 'title Vérification du bien-être: 1' \
    'title Weapon or active threat: 1' \
    'card Incidents=3' 'card Comptés à part=1' \
    'card Médiane de prise en charge=.*' \
    'summary 3 incidents dans 2 succursales \(3 encore ouverts\)\. .*' \
    'summary .*Comptés à part : 1 exercice et 0 fausse alerte\.'
# Nothing of the English page is left.
no_fact "$TMP/dom.facts" 'h[123] .*(Response|Escalation|Debriefs|By branch).*' \
    'title (Severity mix|Monthly trend|Hour of the day)' \
    'axis (incidents per|hour of the day|month)' \
    'summary .*(incidents at|still open|Set apart).*' \
    "tick (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) .*"
# A French date in the header and the footer's words.
grep -Eq 'class="range">Tout ce qui a été consigné jusqu’au (1er|[0-9]{1,2}) [a-zéû]+ [0-9]{4}' \
    "$TMP/dom.html" || fail "no French range in the header"
grep -q 'Produit par beacon report-html' "$TMP/dom.html" ||
	fail "the footer is not French"

# A branch whose language is "fr": French without --lang; one without a
# language: English, with its English labels.
cli central report-html --db "$DB" --config "$CONF" --branch central \
    --out "$TMP/central.html"
expect_rc 0 "report-html --branch central"
grep -q '<html lang="fr-CA">' "$TMP/central.html" ||
	fail "central's report is not French"
grep -q '<h2>Délais d’intervention</h2>' "$TMP/central.html" ||
	fail "central's report has no French heading"
cli east report-html --db "$DB" --config "$CONF" --branch eastside \
    --out "$TMP/east.html"
expect_rc 0 "report-html --branch eastside"
grep -q '<html lang="en">' "$TMP/east.html" || fail "eastside's is not English"
grep -q '<h2>Response times</h2>' "$TMP/east.html" ||
	fail "eastside's report has no English heading"
# --lang wins over the branch's language.
cli central-en report-html --db "$DB" --config "$CONF" --branch central \
    --lang en --out "$TMP/central-en.html"
grep -q '<h2>Response times</h2>' "$TMP/central-en.html" ||
	fail "--lang en did not give English"

# An unknown language: refused, the languages named, no file.
cli de report-html --db "$DB" --lang de --out "$TMP/de.html"
expect_rc 1 "report-html --lang de"
grep -q -- '--lang: "de" is not a language Beacon speaks: use en (English) or fr (French)' \
    "$TMP/de.err" || fail "report-html --lang de: $(cat "$TMP/de.err")"
[ ! -e "$TMP/de.html" ] || fail "report-html --lang de wrote a file"
