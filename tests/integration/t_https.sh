#!/usr/bin/env bash
# beacond's listener over HTTPS (http: { tls_cert; tls_key; }, docs/web.md):
# with `make certs`'s certificates, curl trusting only their CA gets the
# pages with their Content-Type, the Content-Security-Policy and
# Strict-Transport-Security, keeps the connection for a second request,
# and gets a 404 with the same headers; plain http to the same port gets
# no answer and beacond carries on; a reload keeps the listener. Without
# the certificate the listener speaks plain http and sends no HSTS. A key
# that is not the certificate's, a certificate file that is not there, a
# certificate given as the key and a key under a passphrase each stop
# beacond at start-up with a message naming the file.
. "$(dirname "$0")/lib.sh"

need curl openssl
[ -s "$BEACON_BUILD/web/stamp" ] ||
	fail "the web pages are not built (node and npm are needed)"
ROOT=$BEACON_BUILD/web
CERTS=$TMP/certs
HSTS=max-age=31536000

# `make certs`, into the test's directory: a CA, the server's certificate
# for localhost and 127.0.0.1, and beacond's client certificate (whose key
# is the wrong one for the server's certificate below).
CERTS_DIR=$CERTS CERTS_HOSTS="localhost 127.0.0.1" \
    "$BEACON_SRC/conf/make-certs.sh" >"$TMP/make-certs.out" 2>&1 ||
	fail "make-certs.sh failed"
for f in ca server beacond; do
	[ -s "$CERTS/$f.crt" ] && [ -s "$CERTS/$f.key" ] ||
		fail "make-certs.sh made no $f.crt and $f.key"
done

# http_conf CERT KEY: the test's configuration with an http group on
# $HTTP_PORT, over HTTPS when CERT and KEY are given.
http_conf() {
	write_conf
	if [ -n "${1:-}" ]; then
		printf 'http = { listen = "127.0.0.1:%s"; root = "%s";\n  tls_cert = "%s"; tls_key = "%s"; };\n' \
		    "$HTTP_PORT" "$ROOT" "$1" "$2" >>"$CONF"
	else
		printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
		    "$HTTP_PORT" "$ROOT" >>"$CONF"
	fi
}

# page NAME PATH TYPE: PATH served whole over HTTPS, as TYPE, with the
# policy and HSTS.
page() {
	expect_eq "$(http_get "$1" "$HTTPS$2" --cacert "$CERTS/ca.crt")" 200 \
	    "GET $2 over https"
	expect_eq "$(header "$1" content-type)" "$3" "Content-Type of $2"
	expect_eq "$(header "$1" strict-transport-security)" "$HSTS" \
	    "Strict-Transport-Security of $2"
	header "$1" content-security-policy | grep -q "^default-src 'self'" ||
		fail "no Content-Security-Policy on $2"
	cmp -s "$TMP/$1.b" "$ROOT/${2#/}" || fail "GET $2 over https: not the file"
}

# ---- HTTPS -----------------------------------------------------------------

start_broker
HTTP_PORT=$(free_port)
HTTPS=https://127.0.0.1:$HTTP_PORT
http_conf "$CERTS/server.crt" "$CERTS/server.key"
start_beacond
grep -q "event=http_listening addr=127.0.0.1:$HTTP_PORT .*tls=1" \
    "$TMP/beacond.log" || fail "beacond did not log event=http_listening tls=1"

page responder /responder.html 'text/html; charset=utf-8'
page sw /sw.js 'text/javascript; charset=utf-8'
page manifest /manifest.webmanifest application/manifest+json
# The largest file, over TLS records, whole.
page script /responder.js 'text/javascript; charset=utf-8'

# The certificate verifies by name as well as by address.
expect_eq "$(http_get byname "https://localhost:$HTTP_PORT/index.html" \
    --cacert "$CERTS/ca.crt")" 200 "GET https://localhost"
# Two requests on one connection: the second makes no new one.
expect_eq "$(curl -s --max-time 10 --cacert "$CERTS/ca.crt" -o /dev/null \
    -o /dev/null -w '%{num_connects} ' "$HTTPS/index.html" \
    "$HTTPS/beacon.css")" "1 0 " "connections made for two requests"
# An error answer has the headers too.
expect_eq "$(http_get missing "$HTTPS/nothing.html" --cacert "$CERTS/ca.crt")" \
    404 "GET a missing file over https"
expect_eq "$(header missing strict-transport-security)" "$HSTS" "404's HSTS"
# A client that does not trust the CA is refused by its own check.
curl -s --max-time 10 -o /dev/null "$HTTPS/index.html" &&
	fail "curl without the CA accepted the certificate"

# Plain http to the same port: no answer, and beacond carries on.
rc=0
curl -s --max-time 10 -o "$TMP/plain.b" -D "$TMP/plain.h" \
    "http://127.0.0.1:$HTTP_PORT/index.html" || rc=$?
((rc != 0)) || fail "plain http to the https port was answered"
grep -q '^HTTP/' "$TMP/plain.h" 2>/dev/null &&
	fail "plain http to the https port got a status line"
say "plain http to the https port: curl exit $rc"
alive "$BEACOND_PID" || fail "beacond exited after plain http"

# A reload keeps the listener, still over TLS.
kill -HUP "$BEACOND_PID"
wait_for 5 grep -q 'event=reloaded' "$TMP/beacond.log"
page reloaded /index.html 'text/html; charset=utf-8'
stop_beacond

# ---- plain HTTP: no HSTS ---------------------------------------------------

http_conf
: >"$TMP/beacond.log"
start_beacond
grep -q "event=http_listening addr=127.0.0.1:$HTTP_PORT .*tls=0" \
    "$TMP/beacond.log" || fail "beacond did not log event=http_listening tls=0"
expect_eq "$(http_get plain "http://127.0.0.1:$HTTP_PORT/index.html")" 200 \
    "GET over plain http"
[ -z "$(header plain strict-transport-security)" ] ||
	fail "Strict-Transport-Security over plain http"
curl -s --max-time 10 --cacert "$CERTS/ca.crt" -o /dev/null "$HTTPS/" &&
	fail "https to a plain http listener was answered"
stop_beacond

# ---- certificates that cannot serve ----------------------------------------

# refused NAME CERT KEY FILE: beacond with CERT and KEY exits non-zero at
# start-up, within 10 s, with a fatal message naming FILE.
refused() {
	local rc=0

	http_conf "$2" "$3"
	timeout -k 2 10 "$BEACOND" -c "$CONF" --broker "127.0.0.1:$PORT" \
	    --db "$TMP/$1.db" >"$TMP/$1.out" 2>"$TMP/$1.err" || rc=$?
	((rc != 0)) || fail "$1: beacond started"
	((rc != 124 && rc != 137)) || fail "$1: beacond did not exit"
	grep -F "$4" "$TMP/$1.err" | grep -q 'fatal' ||
		fail "$1: no fatal message naming $4: $(cat "$TMP/$1.err")"
	say "$1: exit $rc: $(grep -F "$4" "$TMP/$1.err")"
	return 0
}

# beacond.key is a P-256 key too, but not the server certificate's.
refused mismatch "$CERTS/server.crt" "$CERTS/beacond.key" "$CERTS/beacond.key"
grep -q 'is not the key of tls_cert' "$TMP/mismatch.err" ||
	fail "mismatch: the message does not say the key is the wrong one"
refused nocert "$CERTS/none.crt" "$CERTS/server.key" "$CERTS/none.crt"
grep -q 'No such file or directory' "$TMP/nocert.err" ||
	fail "nocert: the message does not say the file is not there"
refused notakey "$CERTS/server.crt" "$CERTS/server.crt" "$CERTS/server.crt"
# The right key under a passphrase: refused, never a prompt.
openssl pkey -in "$CERTS/server.key" -aes256 -passout pass:secret \
    -out "$CERTS/locked.key" || fail "openssl could not encrypt the key"
refused locked "$CERTS/server.crt" "$CERTS/locked.key" "$CERTS/locked.key" \
    </dev/null
grep -q 'is encrypted with a passphrase' "$TMP/locked.err" ||
	fail "locked: the message does not say the key is encrypted"
