#!/usr/bin/env python3
"""A push service for the integration tests (t_push*.sh).

Listens on 127.0.0.1 on a port the system picks and writes that port to
--port-file once it accepts connections. Every POST is recorded, as it
arrives, as one JSON line in --log: {"n", "status", "path", "headers" (names
in lower case), "body", "json" (the body parsed, or null)}. The first --fail
requests are answered 500; every answer waits --delay seconds first. With
--cert and --key it speaks TLS.
"""
import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    return ap.parse_args()


def handler(args):
    lock = threading.Lock()
    seen = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                seen[0] += 1
                status = 500 if seen[0] <= args.fail else 200
                self.record(seen[0], status, body)
            if args.delay > 0:
                time.sleep(args.delay)
            answer = {"id": "t%d" % seen[0], "event": "message"}
            if status != 200:
                answer = {"code": 50000, "http": 500, "error": "test failure"}
            self.answer(status, json.dumps(answer).encode())

        def record(self, n, status, body):
            text = body.decode("utf-8", "replace")
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            line = {"n": n, "status": status, "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": text, "json": parsed}
            with open(args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")

        def answer(self, status, out):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            except OSError:
                pass  # the client gave up waiting: that is the test

        def log_message(self, fmt, *a):
            sys.stderr.write("push_server: " + (fmt % a) + "\n")

    return Handler


def main():
    args = parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(args))
    server.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
