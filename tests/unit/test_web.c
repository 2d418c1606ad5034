/*
 * The pages' listener (web.c): which decoded paths may be looked up, the
 * Content-Type and Cache-Control of each kind of file, and the http: { }
 * group of beacon.conf. What it sends is checked over HTTP by
 * tests/integration/t_http.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "web.h"
#include "xmalloc.h"

static int
ok(const char *p)
{
	return web_path_ok(p, strlen(p));
}

static void
test_path(void **state)
{
	(void)state;
	assert_true(ok("/"));
	assert_true(ok("/index.html"));
	assert_true(ok("/icons/icon-192.png"));
	assert_true(ok("/a.b.js"));
	assert_false(ok(""));
	assert_false(ok("index.html"));
	assert_false(ok("/../etc/passwd"));
	assert_false(ok("/a/../../b"));
	assert_false(ok("/.."));
	assert_false(ok("/..."));
	assert_false(ok("/a\\..\\b"));
	assert_false(ok("/a\\b"));
	/* From "/%2fetc/passwd": absolute below the root. */
	assert_false(ok("//etc/passwd"));
	assert_false(ok("/a//b"));
	/* A NUL decoded from %00: the length says there is more. */
	assert_false(web_path_ok("/a\0b", 4));
}

static void
test_types(void **state)
{
	(void)state;
	assert_string_equal(web_content_type("index.html"),
	    "text/html; charset=utf-8");
	assert_string_equal(web_content_type("sw.js"),
	    "text/javascript; charset=utf-8");
	assert_string_equal(web_content_type("beacon.css"),
	    "text/css; charset=utf-8");
	assert_string_equal(web_content_type("responder.webmanifest"),
	    "application/manifest+json");
	assert_string_equal(web_content_type("a.json"), "application/json");
	assert_string_equal(web_content_type("icon.svg"), "image/svg+xml");
	assert_string_equal(web_content_type("icon-192.png"), "image/png");
	assert_string_equal(web_content_type("favicon.ico"), "image/x-icon");
	assert_string_equal(web_content_type("LICENSE.txt"),
	    "text/plain; charset=utf-8");
	assert_string_equal(web_content_type("a.wasm"),
	    "application/octet-stream");
	assert_string_equal(web_content_type("Makefile"),
	    "application/octet-stream");
	assert_string_equal(web_content_type("x.js/readme"),
	    "application/octet-stream");
}

static void
test_cache(void **state)
{
	(void)state;
	assert_string_equal(web_cache_control("index.html"), "no-cache");
	assert_string_equal(web_cache_control("sw.js"), "no-cache");
	assert_string_equal(web_cache_control("responder.webmanifest"),
	    "no-cache");
	assert_string_equal(web_cache_control("responder.js"),
	    "max-age=3600");
	assert_string_equal(web_cache_control("beacon.css"), "max-age=3600");
	assert_string_equal(web_cache_control("icon-512.png"),
	    "max-age=3600");
}

static const char base[] =
	"roles = ( { id = \"security\"; label = \"security\"; } );\n"
	"branches = ( { id = \"central\"; name = \"Central\";"
	" timezone = \"UTC\"; } );\n"
	"responders = ( { id = \"sec-1\"; name = \"Security\";"
	" role = \"security\"; branches = [ \"*\" ]; } );\n"
	"policies = ( { id = \"p\"; steps = ( { after = 0;"
	" roles = [ \"security\" ]; } ); } );\n"
	"categories = ( { id = \"theft\"; label = \"Theft\"; severity = 4;"
	" policy = \"p\"; } );\n";

/* Load base plus http, expecting an error containing want (or none). */
static struct config *
load(const char *http, const char *want)
{
	char *text = xasprintf("%s%s\n", base, http), *cause = NULL;
	struct config *cf = NULL;
	int rc = conf_load_string(text, "web.conf", &cf, &cause);

	free(text);
	if (want == NULL) {
		if (rc != 0)
			fail_msg("%s", cause);
		return cf;
	}
	assert_int_equal(rc, -1);
	assert_non_null(strstr(cause, want));
	free(cause);
	return NULL;
}

static void
test_conf(void **state)
{
	struct config *cf;
	char *sum;

	(void)state;
	cf = load("", NULL);
	assert_null(cf->http_listen);
	assert_null(cf->http_root);
	conf_free(cf);
	cf = load("http = { listen = \"127.0.0.1:8080\"; root = \"/\"; };",
	    NULL);
	assert_string_equal(cf->http_listen, "127.0.0.1:8080");
	assert_string_equal(cf->http_root, "/");
	sum = conf_summary(cf);
	assert_non_null(strstr(sum, "pages on http://127.0.0.1:8080"));
	free(sum);
	conf_free(cf);
	load("http = { listen = \"127.0.0.1\"; root = \"/\"; };",
	    "web.conf:6: http: listen \"127.0.0.1\" must be host:port");
	load("http = { listen = \"127.0.0.1:99999\"; root = \"/\"; };",
	    "has no port 1-65535");
	load("http = { listen = \"localhost:80x\"; root = \"/\"; };",
	    "has no port 1-65535");
	load("http = { root = \"/\"; };", "listen");
	load("http = { listen = \"127.0.0.1:8080\"; };", "root");
	load("http = { listen = \"127.0.0.1:8080\"; root = \"/nonexistent"
	    "/web\"; };", "http: root \"/nonexistent/web\": No such file");
	load("http = { listen = \"127.0.0.1:8080\"; root = \"/etc/passwd\";"
	    " };", "is not a directory");
	load("http = { listen = \"127.0.0.1:8080\"; root = \"/\"; port = 1;"
	    " };", "port");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
