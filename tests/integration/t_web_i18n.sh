#!/usr/bin/env bash
# The pages in the reader's language, in headless Chromium whose own
# language is English: Central has language = "fr" in beacon.conf, so its
# report page is French (the overdose button's French label, the answer,
# « COMPOSEZ LE 911 MAINTENANT »); crisis-1 has language = "fr", so the
# responder app signed in as crisis-1 is French; Eastside, without a
# language, stays English; Central's configuration republished with "en"
# switches its open page to English at once. Times are French 24-hour in
# Central's zone (America/Toronto). axe checks the French pages. The
# pictures (360x740 and 1280x800) are left in
# build/i18n-*.png.
. "$(dirname "$0")/lib.sh"

need_web
write_conf
# Central and crisis-1 speak French; the overdose and the crisis worker
# have French labels. Northside, French too, has no crisis worker: a
# child-safety report there reaches no one.
sed -i \
    -e 's/{ id = "central";  name = "Central Library"; timezone = "UTC"; }/{ id = "central";  name = "Central Library"; timezone = "America\/Toronto"; language = "fr"; }/' \
    -e 's/{ id = "crisis-1";      name = "Crisis worker on duty"; role = "crisis_worker";/{ id = "crisis-1";      name = "Crisis worker on duty"; role = "crisis_worker"; language = "fr";/' \
    -e 's/label = "Suspected overdose";      severity = 1;/label = "Suspected overdose"; labels = { fr = "Surdose soupçonnée"; }; severity = 1;/' \
    -e 's/{ id = "eastside"; name = "Eastside Branch"; timezone = "UTC"; }/{ id = "eastside"; name = "Eastside Branch"; timezone = "UTC"; },\n  { id = "northside"; name = "Succursale Nord"; timezone = "America\/Montreal"; language = "fr"; }/' \
    -e 's/{ id = "crisis_worker"; label = "crisis worker"; }/{ id = "crisis_worker"; label = "crisis worker"; labels = { fr = "intervenant·e de crise"; }; }/' \
    "$CONF"
for want in 'language = "fr"; }' 'id = "northside";' 'role = "crisis_worker"; language = "fr";' \
    'labels = { fr = "Surdose soupçonnée"; }' \
    'labels = { fr = "intervenant·e de crise"; }'; do
	grep -qF "$want" "$CONF" || fail "the test could not set: $want"
done

start_broker_ws "$WEB"
start_beacond
web_config central eastside northside _library

# beacond's own status messages in French, once po/fr.po has them.
BEACON_DAEMON_FR=0
grep -q '^msgid "received"$' "$BEACON_SRC/po/fr.po" && BEACON_DAEMON_FR=1
export BEACON_DAEMON_FR
web_test i18n_pages.mjs "$TMP"
for f in report-fr-360 responder-fr-360 report-fr-1280 report-en-1280 \
    report-en-360; do
	cp "$TMP/i18n-$f.png" "$BEACON_BUILD/i18n-$f.png"
done
grep -E 'history:|banner:|headline:|responder:|came at:|switched|nobody at|axe,' "$TMP/i18n_pages.out" || true
stop_beacond
