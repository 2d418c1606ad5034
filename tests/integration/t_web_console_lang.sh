#!/usr/bin/env bash
# The console in the account's language (clients/web/tests/
# console_lang.mjs): manager-1 has language = "fr" in beacon.conf and sees
# the console in French in a browser that asks for English (nav, headings,
# an incident's card and its timeline, <html lang="fr-CA">, times on the
# 24-hour clock in the branch's zone); supervisor-1, with no language set,
# sees it in the browser's English. Pictures of the French board and
# incident at 1280x800 and 360x740 go to build/console-fr-*.png.
. "$(dirname "$0")/lib.sh"

write_conf
# manager-1 reads French; the welfare check and the manager's role have
# French labels; Central keeps Toronto's time.
sed -i 's/^\(  { id = "manager-1"; .*branches = \[ "\*" \];\) }/\1 language = "fr"; }/' \
    "$CONF"
sed -i 's/^\(  { id = "welfare"; .*policy = "quick";\) }/\1 labels = { fr = "Vérification du bien-être"; }; }/' \
    "$CONF"
sed -i 's/^\(  { id = "manager"; *label = "branch manager";\) }/\1 labels = { fr = "gestionnaire de succursale"; }; }/' \
    "$CONF"
sed -i 's/{ id = "central";  name = "Central Library"; timezone = "UTC"; }/{ id = "central";  name = "Central Library"; timezone = "America\/Toronto"; }/' \
    "$CONF"
grep -q 'language = "fr"' "$CONF" || fail "manager-1's language was not set"
grep -q 'Vérification du bien-être' "$CONF" || fail "no French label for welfare"
grep -q 'gestionnaire de succursale' "$CONF" || fail "no French label for manager"
grep -q 'America/Toronto' "$CONF" || fail "the time zone was not set"
need_web
start_broker_ws "$WEB"
start_beacond
web_config central eastside _library
mosquitto_sub -h 127.0.0.1 -p "$PORT" "${MQTT_OPTS[@]}" -C 1 -W 2 \
    -t "$PREFIX/config/_library" |
    jq -e '.responders[] | select(.id == "manager-1") | .language == "fr"' \
    >/dev/null || fail "beacon/config/_library does not say manager-1 reads French"

cli report report --branch central --type welfare --id lang-1 \
    --location 'Salle de lecture' --note 'Adulte endormi' \
    --broker "127.0.0.1:$PORT"
expect_rc 0 report
web_test console_lang.mjs "$TMP"
cat "$TMP/console_lang.out"
for f in "$TMP"/console-fr-*.png "$TMP"/console-en-*.png; do
	cp "$f" "$BEACON_BUILD/"
done
stop_beacond
