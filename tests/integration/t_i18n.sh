#!/usr/bin/env bash
# English and French on one beacond (docs/translation.md): Central speaks
# French, Eastside English. An overdose at Central: the reporter's status
# says it in French while its machine fields (state, call_911) stay as
# they are; crisis-1 (no language of their own: Central's) gets the
# notification and its push in French, security-1 (language "en") gets the
# same incident in English; when security-1 acknowledges, the reporter
# hears it in French with the role's French label, and crisis-1 is told to
# stand down in French. A report at Eastside is answered in English.
. "$(dirname "$0")/lib.sh"

need python3

start_pushd pushd
write_conf
# Central in French; security-1 reads English; French labels for the
# overdose and the roles notified (the rest fall back to English).
sed -i \
    -e 's|{ id = "central";  name = "Central Library"; timezone = "UTC"; }|{ id = "central";  name = "Central Library"; timezone = "UTC"; language = "fr"; }|' \
    -e 's|role = "security";      branches = \[ "central" \]; }|role = "security";      branches = [ "central" ]; language = "en"; }|' \
    -e 's|label = "Suspected overdose";|label = "Suspected overdose"; labels = { fr = "Surdose soupçonnée"; };|' \
    -e 's|label = "crisis worker"; }|label = "crisis worker"; labels = { fr = "intervenant·e de crise"; }; }|' \
    -e 's|label = "security"; }|label = "security"; labels = { fr = "sécurité"; }; }|' \
    "$CONF"
grep -q 'language = "fr"' "$CONF" && grep -q 'language = "en"' "$CONF" &&
    grep -q 'fr = "sécurité"' "$CONF" && grep -q 'fr = "Surdose' "$CONF" ||
	fail "the test could not set the languages in $CONF"
cat >>"$CONF" <<EOF
push: { url = "http://127.0.0.1:$PUSHD_PORT/b"; timeout = 2; retries = 0; };
EOF
# --check-config warns of the labels French readers will miss, at their
# lines, and still accepts the file.
"$BEACON_BUILD/beacond" --check-config -c "$CONF" >"$TMP/check.out" \
    2>"$TMP/check.err" || fail "--check-config: $(cat "$TMP/check.err")"
grep -Eq "^$CONF:[0-9]+: warning: category \"welfare\" has no \"fr\" label" \
    "$TMP/check.err" || fail "no warning of a missing label: $(cat "$TMP/check.err")"

start_broker
start_beacond
sub_notify
sub_status

pub "$PREFIX/report/central" '{"id": "fr-1", "type": "overdose",
    "device": "desk-1", "location": "Salle des enfants"}'
status_fr() {
	has status "$PREFIX/status/central/fr-1" "$1"
}
wait_for 5 status_fr '.state == "routed"'
payloads status "$PREFIX/status/central/fr-1" | jq -c '{state, message}'
status_fr '.state == "received" and .message == "reçu"' ||
	fail "no French \"received\": $(payloads status "$PREFIX/status/central/fr-1")"
status_fr '.state == "routed" and .call_911 == true and
    .message == "acheminé : 3 intervenant·es avisé·es, COMPOSEZ LE 911"' ||
	fail "the routing in French: $(payloads status "$PREFIX/status/central/fr-1")"

# The notifications: French for crisis-1 (Central's language), English
# for security-1 (their own), the machine fields the same.
notify_barrier
has notify "$PREFIX/notify/crisis-1" '.incident == 1 and .lang == "fr" and
    .label == "Surdose soupçonnée" and .kind == "incident" and
    .type == "overdose"' ||
	fail "crisis-1's notification: $(payloads notify "$PREFIX/notify/crisis-1")"
has notify "$PREFIX/notify/security-1" '.incident == 1 and .lang == "en" and
    .label == "Suspected overdose" and .kind == "incident" and
    .type == "overdose"' ||
	fail "security-1's notification: $(payloads notify "$PREFIX/notify/security-1")"

# The pushes, each in its reader's language.
push_for() {
	jq -s --arg r "$1" "map(select(.json.topic == \$r) | select($2)) |
	    length > 0" "$TMP/pushd.jsonl" | grep -qx true
}
wait_for 10 push_for crisis-1 true
wait_for 10 push_for security-1 true
jq -c '.json | {topic, title, message}' "$TMP/pushd.jsonl"
push_for crisis-1 '.json.title == "Surdose soupçonnée — Central Library" and
    (.json.message | contains("Danger de mort : le personnel de la " +
    "succursale a reçu la consigne de COMPOSER LE 911.")) and
    (.json.message | contains("Lieu : Salle des enfants")) and
    (.json.message | contains("Incident 1, gravité 1."))' ||
	fail "crisis-1's push is not in French"
push_for security-1 '.json.title == "Suspected overdose at Central Library" and
    (.json.message | contains("Threat to life: branch staff have been " +
    "told to CALL 911.")) and (.json.message | contains("Where: Salle"))' ||
	fail "security-1's push is not in English"

# security-1 takes it: the reporter hears it in French, with the role's
# French label; crisis-1 stands down in French.
pub "$PREFIX/respond/security-1" '{"incident": 1, "action": "ack"}'
wait_for 5 status_fr '.state == "acknowledged"'
status_fr '.state == "acknowledged" and
    (.message | startswith("confirmé par security-1 (sécurité)")) and
    (.acked[0].label == "sécurité")' ||
	fail "the acknowledgment in French: $(payloads status "$PREFIX/status/central/fr-1" | tail -n 1)"
stood_down() {
	has notify "$PREFIX/notify/crisis-1" '.kind == "stand_down" and
	    .lang == "fr" and .label == "Surdose soupçonnée" and
	    (.message | startswith("inutile de vous déplacer : l'"'"'incident 1 "))'
}
wait_for 5 stood_down

# Eastside speaks English, on the same beacond.
pub "$PREFIX/report/eastside" '{"id": "en-1", "type": "overdose",
    "device": "desk-2"}'
wait_for 5 has status "$PREFIX/status/eastside/en-1" '.state == "routed"'
has status "$PREFIX/status/eastside/en-1" '.message == "received"' ||
	fail "Eastside's \"received\": $(payloads status "$PREFIX/status/eastside/en-1")"
has status "$PREFIX/status/eastside/en-1" '.state == "routed" and
    (.message | startswith("routed: "))' ||
	fail "Eastside's routing: $(payloads status "$PREFIX/status/eastside/en-1")"

# The timeline is the evidence, in one language: what was recorded at
# Central reads as it would anywhere.
timeline_json 1 | jq -r '.events[].detail' | grep -q 'Suspected overdose' ||
	fail "the timeline is not in English: $(timeline_json 1 | jq -c '.events')"
stop_beacond
