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
//       [--defer 1]
//       foreground until SIGTERM or SIGINT (then exit 0); --port 0 (the
//       default) lets the kernel choose, and F receives the port once the
//       service listens. Endpoints are http://127.0.0.1:PORT/notify/HASH.
//       --defer 1, for the benchmark: see deferrer() below.
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
	    '[--log F] [--defer 1]\n' +
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

// What a push request's log line says besides its outcome.
function arrival(req) {
	const headers = {};

	for (const h of HEADERS)
		if (req.headers[h] !== undefined)
			headers[h] = req.headers[h];
	return { t_ns: process.hrtime.bigint().toString(), ts_ms: Date.now(),
		hash: req.params.hash ?? req.path.replace(/^\//, ''), headers,
		vapid: vapidClaims(req.headers.authorization) };
}

function record(log, model, a, status, answer) {
	const got = status === 201 ? model.messages[a.hash] : null;

	appendFileSync(log, JSON.stringify({ ...a, status,
		answer: status === 201 ? null : answer,
		message: got ? got[got.length - 1] : null }) + '\n');
}

// Logs each request to /notify/HASH once the stand-in has answered it. The
// arrival time is taken when the body has been read, before anything is
// checked.
function recorder(model, log) {
	return (req, res, next) => {
		const a = arrival(req);
		let answer = null;
		const send = res.send.bind(res);

		res.send = (body) => {
			answer ??= body;
			return send(body);
		};
		res.on('finish', () => record(log, model, a, res.statusCode, answer));
		next();
	};
}

// --defer: each push is answered 201 at once and kept; POST /flush then
// checks and decrypts those kept, as the stand-in would have, and logs
// them with their arrival times; POST /pending says how many wait. The
// benchmark's push service so spends its CPU between rounds, not on the
// cores beacond is measured on (a real push service runs elsewhere).
function deferrer(app, model, log) {
	const { SubscriptionExpiredError } =
	    require('web-push-testing/src/PushApiModel.js');
	const queue = [];

	app.post('/notify/:hash', (req, res) => {
		queue.push({ a: arrival(req), body: req.body, headers: {
			encoding: req.get('X-Content-Encoding'),
			encryption: req.get('Encryption'),
			cryptoKey: req.get('Crypto-Key'),
			authorization: req.get('Authorization'), ttl: req.get('TTL') } });
		res.status(201).end();
	});
	app.post('/pending', (req, res) => res.send({ pending: queue.length }));
	app.post('/flush', async (req, res) => {
		const q = queue.splice(0);

		for (const p of q) {
			try {
				await model.handleNotification(p.a.hash, p.headers, p.body);
				record(log, model, p.a, 201, null);
			} catch (e) {
				record(log, model, p.a, e instanceof SubscriptionExpiredError ?
				    410 : 400, { error: { message: e.message } });
			}
		}
		res.send({ checked: q.length });
	});
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
	if (o.defer === '1')
		deferrer(app, model, log);
	else
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
