#!/usr/bin/env bash
# The pages served by beacond's own listener (http: { }), as `make run`
# serves them: in headless Chromium the responder app's service worker
# registers and becomes active (from the broker's http_dir, which sends no
# Content-Type, it cannot), the app signs in over MQTT to the broker's
# websockets port, and the report page draws its buttons, with no console
# error, so no Content-Security-Policy violation, on the way.
. "$(dirname "$0")/lib.sh"

write_conf
need_web
start_broker_ws "$WEB"
HTTP_PORT=$(free_port)
printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
    "$HTTP_PORT" "$WEB" >>"$CONF"
start_beacond
web_config central
BEACON_HTTP_URL=http://127.0.0.1:$HTTP_PORT web_test served.mjs
grep -q '^[0-9:.]* service worker: ' "$TMP/served.out" ||
	fail "served.mjs did not report the service worker"
stop_beacond
