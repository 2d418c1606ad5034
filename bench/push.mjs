// The push scenario's load and measurement (bench/push.sh): reports at a
// fixed rate over the branches of beacon-bench.conf, in rounds that take
// turns with the notified responders (crisis-1, security-1) subscribed at
// the Web Push service stand-in and without any subscription, in the order
// on, off, off, on, ... (so that a drift over the run weighs on both
// alike). Measured, on the monotonic clock (process.hrtime, which the
// stand-in stamps arrivals with too):
//   - MQTT: from the publish call to the report's first notification on
//     beacon/notify/+, in the rounds with push and in those without;
//   - push: from the publish call to the stand-in's receipt of each push
//     (one per subscribed responder), read from its log
//     (clients/web/tests/webpush_service.mjs serve --log F --defer 1: it
//     answers at once and checks VAPID and decrypts between rounds, when
//     this script asks, so that its CPU is not spent on the cores the
//     rounds are measured on).
// A report with fewer than two notifications, or a push that did not
// arrive decrypted (201), when the drain deadline passes is lost.
//
//   node bench/push.mjs --broker HOST:PORT --service PORT --log FILE
//       [--rate 100] [--secs 10] [--rounds 4] [--drain 30] [--json FILE]
//       [--warmup 3] [--pid PID --tck HZ]
// With --pid (beacond's) each round also reports the CPU time PID used
// from the round's first publish to its end (/proc/PID/stat, in ticks of
// 1/HZ s: getconf CLK_TCK).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../clients/web/package.json'));
const mqtt = require('mqtt');

const RESPONDERS = ['crisis-1', 'security-1'];
const BRANCHES = 100;
const LOCATIONS = ['2nd floor washroom', "children's area", 'main entrance',
	'computer lab', 'reading room', 'parking lot', 'stacks, aisle 14',
	'meeting room B'];

function options(argv) {
	const o = { rate: 100, secs: 10, rounds: 4, drain: 30, warmup: 3, pid: 0,
		tck: 100 };

	for (let i = 0; i < argv.length; i += 2) {
		const k = argv[i].replace(/^--/, '');

		if (argv[i + 1] === undefined || !(k in o ||
		    ['broker', 'service', 'log', 'json'].includes(k)))
			die(`usage: push.mjs --broker HOST:PORT --service PORT ` +
			    `--log FILE [--rate N] [--secs S] [--rounds N] ` +
			    `[--drain S] [--warmup S] [--json FILE] [--pid PID --tck HZ]`);
		o[k] = k in { rate: 1, secs: 1, rounds: 1, drain: 1, warmup: 1, pid: 1,
		    tck: 1 } ?
		    Number(argv[i + 1]) : argv[i + 1];
	}
	if (!o.broker || !o.service || !o.log)
		die('--broker, --service and --log are required');
	return o;
}

function die(what) {
	console.error(`push.mjs: ${what}`);
	process.exit(1);
}

const now = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;
const sleep = (n) => new Promise((r) => setTimeout(r, n));

// Nearest rank, as beacon-loadgen computes them.
function pct(sorted, p) {
	if (sorted.length === 0)
		return null;
	const i = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);

	return Math.round(sorted[i] * 1000) / 1000;
}

function stats(samples) {
	const s = [...samples].sort((a, b) => a - b);

	return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99),
		max: pct(s, 100) };
}

const o = options(process.argv.slice(2));
const runid = Date.now().toString(36);
const reports = new Map();	// report id -> {sent, first, hits, incident}
const byIncident = new Map();	// incident -> report
const replies = [];		// waiters for beacon/reply/{r}/push
let libraryConfig = null;	// the retained beacon/config/_library
let foreign = 0;

const client = mqtt.connect(`mqtt://${o.broker}`, {
	clientId: `bench-push-${runid}`, clean: true, reconnectPeriod: 0,
	protocolVersion: 4,
});
client.on('error', (e) => die(`mqtt: ${e.message}`));

function onNotify(t, buf) {
	let m;

	try {
		m = JSON.parse(buf);
	} catch {
		return;
	}
	if (m.kind !== undefined && m.kind !== 'incident')
		return;
	const r = reports.get(m.report);
	if (r === undefined) {
		foreign++;
		return;
	}
	r.hits++;
	r.first ??= t;
	r.incident = m.incident;
	byIncident.set(m.incident, r);
}

client.on('message', (topic, buf) => {
	const t = now();

	if (topic.startsWith('beacon/notify/'))
		onNotify(t, buf);
	else if (topic.endsWith('/push'))
		replies.splice(0).forEach((w) => w(JSON.parse(buf)));
	else if (topic === 'beacon/config/_library')
		libraryConfig = JSON.parse(buf);
});

async function until(what, secs, cond) {
	const end = Date.now() + secs * 1000;

	while (!cond()) {
		if (Date.now() > end)
			die(`no ${what} within ${secs} s`);
		await sleep(20);
	}
}

// A request to the stand-in (started with --defer 1).
async function service(path, body) {
	const r = await fetch(`http://127.0.0.1:${o.service}${path}`, {
		method: 'POST', headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body || {}),
	});

	if (r.status !== 200)
		die(`${path}: ${r.status} ${await r.text()}`);
	return r.json();
}

// A subscription at the stand-in for beacond's VAPID key.
async function subscribe(key) {
	const { data } = await service('/subscribe',
	    { userVisibleOnly: 'true', applicationServerKey: key });

	return { hash: data.clientHash, subscription: { endpoint: data.endpoint,
		expirationTime: null, keys: data.keys } };
}

// Each responder's one device registers its subscription (on) or
// removes it (off); returns once beacond has answered each.
async function setPush(subs, on) {
	for (const [who, s] of subs) {
		const answer = new Promise((r) => replies.push(r));

		client.publish(`beacon/push/${who}`, JSON.stringify({ device: 'bench',
			subscription: on ? s.subscription : null }), { qos: 1 });
		const a = await Promise.race([answer, sleep(5000).then(() => null)]);
		if (!a || !a.ok || a.subscriptions !== (on ? 1 : 0))
			die(`registration of ${who}: ${JSON.stringify(a)}`);
	}
}

// The stand-in's log, read as it grows: each push received.
const receipts = new Map();	// "incident/hash" -> t_ns of the first 201
const refused = [];
let logOffset = 0;
let logDups = 0;

function readLog() {
	const buf = readFileSync(o.log);
	const text = buf.subarray(logOffset).toString();
	const end = text.lastIndexOf('\n') + 1;

	logOffset += Buffer.byteLength(text.slice(0, end));
	for (const line of text.slice(0, end).split('\n').filter(Boolean)) {
		const l = JSON.parse(line);
		if (l.status !== 201) {
			refused.push(l.status);
			continue;
		}
		const m = JSON.parse(l.message);
		const k = `${m.incident}/${l.hash}`;
		if (receipts.has(k))
			logDups++;
		else
			receipts.set(k, BigInt(l.t_ns));
	}
}

function payload(id, seq) {
	return JSON.stringify({ id, type: 'welfare', severity: 2 + seq % 3,
		location: LOCATIONS[seq % LOCATIONS.length], device: `desk-${seq % 7}`,
		reporter: 'adult desk',
		note: `patron asked for help, report ${seq} of the benchmark`,
		silent: false, drill: false });
}

// n reports at o.rate a second; their records.
async function publish(name, n) {
	const t0 = now();
	const mine = [];

	for (let i = 0; i < n; i++) {
		const due = t0 + BigInt(Math.round((i * 1e9) / o.rate));
		const wait = ms(due - now());
		if (wait > 1)
			await sleep(wait);
		const id = `p-${runid}-${name}-${i}`;
		const r = { id, sent: now(), first: null, hits: 0, incident: null };

		reports.set(id, r);
		mine.push(r);
		client.publish(`beacon/report/b${String(i % BRANCHES).padStart(3, '0')}`,
		    payload(id, i), { qos: 1 });
	}
	return mine;
}

function pushesOf(rs, subs) {
	const got = [];

	for (const r of rs)
		for (const [, s] of subs) {
			const t = r.incident === null ? undefined :
			    receipts.get(`${r.incident}/${s.hash}`);
			if (t !== undefined)
				got.push(ms(t - r.sent));
		}
	return got;
}

// The CPU time, in ms, that --pid has used so far (0 without --pid).
function cpuMs() {
	if (!o.pid)
		return 0;
	const f = readFileSync(`/proc/${o.pid}/stat`, 'utf8')
	    .replace(/^.*\) /, '').split(' ');

	return ((Number(f[11]) + Number(f[12])) * 1000) / o.tck;
}

async function round(name, subs, on) {
	await setPush(subs, on);
	const t0 = Date.now();
	const cpu0 = cpuMs();
	const rs = await publish(name, Math.round(o.rate * o.secs));
	const want = on ? rs.length * subs.size : 0;
	const end = Date.now() + o.drain * 1000;

	while (Date.now() < end && !(rs.every((r) => r.hits >= RESPONDERS.length) &&
	    (await service('/pending')).pending >= want))
		await sleep(50);
	const cpu = cpuMs() - cpu0;
	// Between rounds, the stand-in checks and decrypts what it received.
	await service('/flush');
	readLog();
	const push = pushesOf(rs, subs);
	const res = {
		round: name, push: on, sent: rs.length,
		lost: rs.filter((r) => r.hits < RESPONDERS.length).length,
		duplicates: rs.filter((r) => r.hits > RESPONDERS.length).length,
		mqtt_ms: rs.filter((r) => r.first !== null).map((r) => ms(r.first - r.sent)),
		pushes_expected: want, pushes_received: push.length,
		pushes_unexpected: on ? 0 : push.length, push_ms: on ? push : [],
		seconds: (Date.now() - t0) / 1000, cpu_ms: cpu,
	};
	const s = stats(res.mqtt_ms);
	console.log(`round ${name} (push ${on ? 'on' : 'off'}): ${res.sent} ` +
	    `reports, ${res.lost} lost; beacond CPU ${cpu} ms; ` +
	    `MQTT p50 ${s.p50} ms p99 ${s.p99} ms` +
	    (on ? `; push ${push.length}/${want}, p50 ` +
	    `${stats(push).p50} ms p99 ${stats(push).p99} ms` : ''));
	return res;
}

async function main() {
	await new Promise((r) => client.once('connect', r));
	// Nagle's algorithm would hold a publish back behind an unanswered
	// packet: tens of milliseconds per report (docs/benchmarks.md).
	client.stream.setNoDelay(true);
	await client.subscribeAsync(['beacon/notify/+', 'beacon/reply/+/push',
		'beacon/config/_library'], { qos: 1 });
	await until('retained beacon/config/_library with webpush', 10,
	    () => libraryConfig?.webpush?.public_key);
	const subs = new Map();
	for (const who of RESPONDERS)
		subs.set(who, await subscribe(libraryConfig.webpush.public_key));

	// Warm-up, push on, not measured: connections, caches, the JIT of
	// the stand-in.
	const saved = o.secs;
	o.secs = o.warmup;
	await round('warmup', subs, true);
	o.secs = saved;

	const rounds = [];
	for (let i = 0; i < o.rounds; i++)
		rounds.push(await round(String(i + 1), subs, i % 4 === 0 || i % 4 === 3));
	await setPush(subs, false);
	readLog();

	const on = rounds.filter((r) => r.push);
	const off = rounds.filter((r) => !r.push);
	const sum = (rs, k) => rs.reduce((a, r) => a + r[k], 0);
	const out = {
		rate: o.rate, round_seconds: o.secs, rounds: o.rounds,
		responders_subscribed: RESPONDERS.length,
		mqtt_with_push: { sent: sum(on, 'sent'), lost: sum(on, 'lost'),
			duplicates: sum(on, 'duplicates'),
			latency_ms: stats(on.flatMap((r) => r.mqtt_ms)) },
		mqtt_without_push: { sent: sum(off, 'sent'), lost: sum(off, 'lost'),
			duplicates: sum(off, 'duplicates'),
			latency_ms: stats(off.flatMap((r) => r.mqtt_ms)) },
		push: { expected: sum(on, 'pushes_expected'),
			received: sum(on, 'pushes_received'),
			lost: sum(on, 'pushes_expected') - sum(on, 'pushes_received'),
			unexpected: sum(off, 'pushes_unexpected'), duplicates: logDups,
			refused: refused.length,
			latency_ms: stats(on.flatMap((r) => r.push_ms)) },
		foreign_notifications: foreign,
		beacond_cpu_ms: { with_push: sum(on, 'cpu_ms'),
			without_push: sum(off, 'cpu_ms') },
		per_round: rounds.map((r) => ({ round: r.round, push: r.push,
			sent: r.sent, lost: r.lost, cpu_ms: r.cpu_ms,
			mqtt_ms: stats(r.mqtt_ms),
			push_ms: r.push ? stats(r.push_ms) : null,
			pushes: `${r.pushes_received}/${r.pushes_expected}` })),
	};
	if (o.json)
		writeFileSync(o.json, JSON.stringify(out, null, 1) + '\n');
	await client.endAsync();
}

await main();
