// A Web Push service for the tests and the push benchmark: the stand-in of
// the npm package web-push-testing (it takes subscriptions, checks each
// push's VAPID signature against the subscription's applicationServerKey,
// decrypts the aes128gcm body with http_ece and keeps the plaintext), run
// in the foreground on a loopback address, with one addition: every push
// request is written to a log as one JSON line, with its arrival time, the
// headers a push service reads (TTL, Urgency, Topic...), the VAPID token's
// claims, the answer's status and the decrypted message. The stand-in
// itself keeps no arrival times and no headers.
//
//   node webpush_service.mjs serve [--port N] [--port-file F] [--log F]
//       foreground until SIGTERM or SIGINT (then exit 0); --port 0 (the
//       default) lets the kernel choose, and F receives the port once the
//       service listens. Endpoints are http://127.0.0.1:PORT/notify/HASH.
//   node webpush_service.mjs subscribe --port N --key KEY
//       a subscription for applicationServerKey KEY: prints
//       {"hash": ..., "subscription": PushSubscription.toJSON()}
//   node webpush_service.mjs messages --port N --hash H
//       the messages H received, decrypted, as a JSON array (each parsed
//       when it is JSON)
//   node webpush_service.mjs expire --port N --hash H
//       H expires: every later push to it is answered 410 Gone
//
// A log line: {"t_ns": monotonic arrival (process.hrtime, CLOCK_MONOTONIC,
// the clock of other processes' hrtime), "ts_ms": wall clock, "hash",
// "status" (201 delivered, 400 refused, 410 gone), "answer" (the body of a
// refusal), "headers": {...}, "vapid": {"aud", "exp", "sub"} or null,
// "message": the decrypted text or null}.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const HOST = '127.0.0.1';
const HEADERS = ['ttl', 'urgency', 'topic', 'content-type', 'x-content-encoding',
	'authorization'];

function usage() {
	console.error('usage: webpush_service.mjs serve [--port N] [--port-file F] ' +
	    '[--log F]\n' +
	    '       webpush_service.mjs subscribe --port N --key KEY\n' +
	    '       webpush_service.mjs messages --port N --hash H\n' +
	    '       webpush_service.mjs expire --port N --hash H');
	process.exit(2);
}

function options(argv) {
	const o = {};

	for (let i = 0; i < argv.length; i += 2) {
		if (!argv[i].startsWith('--') || argv[i + 1] === undefined)
			usage();
		o[argv[i].slice(2)] = argv[i + 1];
	}
	return o;
}

// The claims of the JWT in "vapid t=JWT, k=KEY", unverified (the stand-in
// verifies the signature): null when there is none to read.
function vapidClaims(auth) {
	const m = /(?:^|[\s,])t=([^,\s]+)/.exec((auth || '').replace(/^vapid/, ''));

	if (!m)
		return null;
	try {
		const c = JSON.parse(Buffer.from(m[1].split('.')[1], 'base64url'));
		return { aud: c.aud, exp: c.exp, sub: c.sub };
	} catch {
		return null;
	}
}

// Logs each request to /notify/HASH once it is answered. The arrival time
// is taken when the body has been read, before anything is checked.
function recorder(model, log) {
	return (req, res, next) => {
		const t = process.hrtime.bigint();
		const ts = Date.now();
		const hash = req.path.replace(/^\//, '');
		const headers = {};
		let answer = null;
		const send = res.send.bind(res);

		for (const h of HEADERS)
			if (req.headers[h] !== undefined)
				headers[h] = req.headers[h];
		res.send = (body) => {
			answer ??= body;
			return send(body);
		};
		res.on('finish', () => {
			const got = res.statusCode === 201 ? model.messages[hash] : null;
			appendFileSync(log, JSON.stringify({
				t_ns: t.toString(), ts_ms: ts, hash, status: res.statusCode,
				answer: res.statusCode === 201 ? null : answer, headers,
				vapid: vapidClaims(req.headers.authorization),
				message: got ? got[got.length - 1] : null,
			}) + '\n');
		});
		next();
	};
}

function serve(o) {
	const express = require('express');
	const Server = require('web-push-testing/src/server.js');
	const { PushApiModel } = require('web-push-testing/src/PushApiModel.js');
	const model = new PushApiModel();
	const service = new Server(model, 0);
	const app = service._app;
	const log = o.log || '/dev/null';

	// The stand-in reads a body only when it is application/octet-stream;
	// RFC 8030 asks for no Content-Type, so any is taken (and logged).
	app.use('/notify', express.raw({ type: () => true }));
	app.use('/notify', recorder(model, log));
	service.setRequestHandlers();
	const server = app.listen(Number(o.port || 0), HOST, () => {
		const port = server.address().port;

		model.notifyUrl = `http://${HOST}:${port}/notify/`;
		if (o['port-file'])
			writeFileSync(o['port-file'], `${port}\n`);
		console.log(`web push service on http://${HOST}:${port}`);
	});
	server.on('error', (e) => {
		console.error(`webpush_service: ${e.message}`);
		process.exit(1);
	});
	const stop = () => {
		server.close(() => process.exit(0));
		server.closeAllConnections();
		setTimeout(() => process.exit(0), 2000).unref();
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

async function post(o, path, body) {
	o.port || usage();
	const r = await fetch(`http://${HOST}:${o.port}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body || {}),
	});
	const text = await r.text();

	if (r.status !== 200) {
		console.error(`webpush_service: ${path}: ${r.status} ${text}`);
		process.exit(1);
	}
	return /json/.test(r.headers.get('content-type')) ? JSON.parse(text) : null;
}

async function subscribe(o) {
	o.key || usage();
	const { data } = await post(o, '/subscribe',
	    { userVisibleOnly: 'true', applicationServerKey: o.key });

	console.log(JSON.stringify({
		hash: data.clientHash,
		subscription: { endpoint: data.endpoint, expirationTime: null,
			keys: data.keys },
	}));
}

async function messages(o) {
	o.hash || usage();
	const { data } = await post(o, '/get-notifications', { clientHash: o.hash });

	console.log(JSON.stringify(data.messages.map((m) => {
		try {
			return JSON.parse(m);
		} catch {
			return m;
		}
	})));
}

async function expire(o) {
	o.hash || usage();
	await post(o, `/expire-subscription/${o.hash}`);
}

const commands = { serve, subscribe, messages, expire };
const cmd = commands[process.argv[2]] || usage();

await cmd(options(process.argv.slice(3)));
