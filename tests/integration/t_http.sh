#!/usr/bin/env bash
# beacond's own listener for the web pages (http: { } in beacon.conf): each
# kind of built page with its Content-Type, the Content-Security-Policy,
# nosniff and cache headers on every answer, 404 for a missing file, no
# file outside the root however the path is spelled, 405 with Allow for
# other methods, HEAD without a body, a listener that a reload keeps, and
# MQTT routing untouched by it all.
# The pages are a copy of the build's, with a file beside them that must
# never be served.
. "$(dirname "$0")/lib.sh"

need curl
[ -s "$BEACON_BUILD/web/stamp" ] ||
	fail "the web pages are not built (node and npm are needed)"
ROOT=$TMP/web
cp -r "$BEACON_BUILD/web" "$ROOT"
echo "outside the root" >"$TMP/secret.txt"
mkdir "$ROOT/sub"

write_conf
start_broker
HTTP_PORT=$(free_port)
printf 'http = { listen = "127.0.0.1:%s"; root = "%s"; };\n' \
    "$HTTP_PORT" "$ROOT" >>"$CONF"
start_beacond
grep -q "event=http_listening addr=127.0.0.1:$HTTP_PORT" "$TMP/beacond.log" ||
	fail "beacond did not log event=http_listening"
BASE=http://127.0.0.1:$HTTP_PORT

# get NAME PATH [CURL ARGS...]: http_get under the listener, the path as
# it is written.
get() {
	local name=$1 path=$2

	shift 2
	http_get "$name" "$BASE$path" --path-as-is "$@"
}

CSP="default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; worker-src 'self' blob:; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'"

# expect_common NAME: the headers every answer has.
expect_common() {
	expect_eq "$(header "$1" x-content-type-options)" nosniff "$1 nosniff"
	expect_eq "$(header "$1" referrer-policy)" no-referrer "$1 referrer"
	expect_eq "$(header "$1" content-security-policy)" "$CSP" "$1 CSP"
}

# page PATH TYPE CACHE [FILE]: PATH is served whole (FILE, by default
# PATH's own), as TYPE, with CACHE.
page() {
	local name file=${4:-${1#/}}

	name=page-$(tr -c 'a-z0-9\n' _ <<<"$file")
	expect_eq "$(get "$name" "$1")" 200 "GET $1"
	expect_eq "$(header "$name" content-type)" "$2" "Content-Type of $1"
	expect_eq "$(header "$name" cache-control)" "$3" "Cache-Control of $1"
	expect_common "$name"
	[ -n "$file" ] || file=index.html
	cmp -s "$TMP/$name.b" "$ROOT/$file" || fail "GET $1: not the file"
}

HTML='text/html; charset=utf-8'
JS='text/javascript; charset=utf-8'
page / "$HTML" no-cache
page /index.html "$HTML" no-cache
page /report.html "$HTML" no-cache
page /responder.html "$HTML" no-cache
page /responder.js "$JS" max-age=3600
page /report.js "$JS" max-age=3600
page /sw.js "$JS" no-cache
page /beacon.css 'text/css; charset=utf-8' max-age=3600
page /manifest.webmanifest application/manifest+json no-cache
page /report.webmanifest application/manifest+json no-cache
page /icon.svg image/svg+xml max-age=3600
page /icon-192.png image/png max-age=3600
page /apple-touch-icon.png image/png max-age=3600
page /responder.js.LEGAL.txt 'text/plain; charset=utf-8' max-age=3600
page /responder.js.map application/octet-stream max-age=3600
page '/responder.html?x=1' "$HTML" no-cache responder.html
page /%72esponder.html "$HTML" no-cache responder.html

# Missing: 404, a short plain-text body, the same headers.
expect_eq "$(get missing /nothing.html)" 404 "GET a missing file"
expect_common missing
expect_eq "$(header missing content-type)" 'text/plain; charset=utf-8' \
    "404 Content-Type"
grep -qx 'Not Found' "$TMP/missing.b" || fail "404 body: $(cat "$TMP/missing.b")"
# A directory without index.html, and a directory named as a file: 404.
expect_eq "$(get subdir /sub/)" 404 "GET a directory without index.html"
expect_eq "$(get subfile /sub)" 404 "GET a directory as a file"

# Outside the root: never the file, however the path is spelled.
for p in /../secret.txt /%2e%2e/secret.txt /%2E%2E/secret.txt \
    /sub/../../secret.txt /sub/%2e%2e/%2e%2e/secret.txt \
    /..%2fsecret.txt /%2e%2e%2fsecret.txt /..%5csecret.txt \
    '/%5c..%5csecret.txt' /secret.txt%00.html /%00 \
    "/$TMP/secret.txt" "/%2f${TMP#/}/secret.txt"; do
	code=$(get trav "$p")
	[[ $code == 403 || $code == 404 || $code == 400 ]] ||
		fail "GET $p answered $code"
	grep -q 'outside the root' "$TMP/trav.b" && fail "GET $p served the file"
done

# Other methods: 405, saying which are allowed.
expect_eq "$(get post /index.html -X POST -d x=1)" 405 "POST"
expect_eq "$(header post allow)" "GET, HEAD" "405's Allow"
expect_common post
expect_eq "$(get put /index.html -X PUT -d x=1)" 405 "PUT"
expect_eq "$(get del /index.html -X DELETE)" 405 "DELETE"

# HEAD: the GET's headers, its length, no body.
expect_eq "$(get head /responder.js -I)" 200 "HEAD"
expect_eq "$(header head content-type)" "$JS" "HEAD's Content-Type"
expect_eq "$(header head content-length)" "$(stat -c %s "$ROOT/responder.js")" \
    "HEAD's Content-Length"
# curl -I writes the headers where the body would go: read the raw
# answer instead, which ends at its blank line.
exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"
printf 'HEAD /responder.js HTTP/1.0\r\n\r\n' >&3
timeout 5 cat <&3 >"$TMP/head.raw2"
exec 3<&-
grep -q '^HTTP/1.[01] 200' "$TMP/head.raw2" || fail "HEAD over a socket"
expect_eq "$(awk 'body { n += length($0) + 1 } /^\r?$/ { body = 1 }
    END { print n + 0 }' "$TMP/head.raw2")" 0 "bytes after HEAD's headers"

# A request that is not HTTP, and one cut off half-way: beacond carries on.
printf 'NONSENSE\r\n\r\n' | timeout 5 curl -s telnet://127.0.0.1:"$HTTP_PORT" \
    >/dev/null 2>&1 || :
(exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"; printf 'GET /index' >&3) || :
alive "$BEACOND_PID" || fail "beacond exited"

# A reload keeps the listener as it was started.
kill -HUP "$BEACOND_PID"
wait_for 5 grep -q 'event=reloaded' "$TMP/beacond.log"
expect_eq "$(get reloaded /sw.js)" 200 "GET after a reload"
expect_eq "$(header reloaded content-type)" "$JS" "Content-Type after a reload"

# MQTT is untouched: a report is still routed.
sub_status
pub "$PREFIX/report/central" '{"id": "http-1", "type": "welfare"}'
wait_for 5 has status "$PREFIX/status/central/http-1" '.state == "routed"'
expect_eq "$(get after /index.html)" 200 "GET after the report"
stop_beacond
