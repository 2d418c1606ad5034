// What the browser tests share: Chromium started headless by playwright-core
// with the flags of tests/integration/t_report_html.sh, an empty profile in
// the test's directory, the beacon CLI, and waiting with deadlines.
// The environment comes from web_test in tests/integration/lib.sh.
// A script error in a page fails the test, and every picture taken is
// checked to be a real one that shows what the test expects.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import mqtt from 'mqtt';
import { chromium } from 'playwright-core';

export const env = {
	url: process.env.BEACON_WEB_URL,
	broker: process.env.BEACON_BROKER,
	cli: process.env.BEACON_CLI,
	tmp: process.env.BEACON_TMP,
	chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync',
	'--autoplay-policy=no-user-gesture-required'];

export function say(...args) {
	console.log(new Date().toISOString().slice(11, 23), ...args);
}

export function fail(what) {
	throw new Error(what);
}

// A browser with its own profile under the test's directory; opts are
// playwright's context options (viewport, isMobile, ...).
export async function browser(name, opts) {
	const ctx = await chromium.launchPersistentContext(join(env.tmp, name), {
		executablePath: env.chromium,
		headless: true,
		args: FLAGS,
		env: { ...process.env, HOME: env.tmp },
		...opts,
	});

	ctx.on('page', watch);
	for (const p of ctx.pages())
		watch(p);
	return ctx;
}

// What went wrong in a page (an uncaught exception, a rejected promise
// nobody handled, a console error that is not on the list below): the
// test fails, at the next until() or at its end.
const problems = [];

// Console errors that are not the pages' own faults, each with why it is
// expected. Anything else logged as an error fails the test.
const NOISE = [
	// Chromium refuses vibrate() until the user has touched the page; the
	// alarm calls it as soon as an alert comes, and a test's alert comes
	// before any click (so does a real one).
	{ text: /^Blocked call to navigator\.vibrate because user hasn't tapped/,
	    why: 'vibration before a user gesture' },
	// mosquitto's http_dir serves sw.js without a Content-Type, so
	// Chromium refuses the service worker with exactly this line (no
	// address given); the page says so on console.info, naming sw.js, and
	// works without it. Chromium words a refused page script differently
	// ("Refused to execute script from ..."), so that still fails.
	{ text: /^The script does not have a MIME type\.$/,
	    why: 'the service worker from the test broker' },
];

// A test that provokes errors on purpose (a broker stopped while a page
// is open) adds them here, with its reason.
export function expectConsole(text, why) {
	NOISE.push({ text, why });
}

function problem(what) {
	say('PROBLEM', what);
	problems.push(what);
}

function checkProblems() {
	if (problems.length)
		fail(problems.join('; '));
}

// Everything the page says on its console goes to the test's output.
function watch(page) {
	page.on('console', (m) => {
		const t = m.text();

		say(`console.${m.type()}:`, t, m.location().url || '');
		if (m.type() === 'error' && !NOISE.some((n) => n.text.test(t)))
			problem(`console.error in ${page.url()}: ${t}`);
	});
	page.on('pageerror', (e) =>
	    problem(`uncaught in ${page.url()}: ${e.message}`));
	page.on('crash', () => problem(`${page.url()} crashed`));
}

// `beacon ARGS...` against the test's broker; its standard output.
export function cli(...args) {
	say('beacon', args.join(' '));
	return execFileSync(env.cli, [...args, '--broker', env.broker],
	    { encoding: 'utf8', timeout: 30000 });
}

// Wait until fn() returns something true (may be async); fail after ms.
export async function until(what, fn, ms = 5000) {
	const deadline = Date.now() + ms;

	for (;;) {
		checkProblems();
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > deadline)
			fail(`no ${what} within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

// The phone the responder app is tested on.
export const PHONE = { viewport: { width: 412, height: 860 },
	deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// Sign in to the responder app as id and, unless a refusal is expected
// (ready false), wait until it is connected and subscribed.
export async function signIn(page, id = 'crisis-1', ready = true) {
	await page.goto(`${env.url}/responder.html`);
	await page.fill('input[name=responder]', id);
	await page.click('#login-form button[type=submit]');
	if (!ready)
		return;
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);
	say('signed in and subscribed');
}

export async function text(page, sel) {
	const e = await page.$(sel);

	return e ? (await e.innerText()).replace(/\s+/g, ' ').trim() : '';
}

// The staff report page of a branch, its buttons drawn and connected.
export async function openReport(page, branch) {
	await page.goto(`${env.url}/report.html?branch=${branch}`);
	await until('the buttons', () => page.$('#buttons button[data-type]'),
	    8000);
	await until('the connection', async () =>
	    (await text(page, '#conn')) === 'Connected');
}

// Run main; any failure is printed and the exit status is 1.
export async function run(main) {
	try {
		await main();
		checkProblems();
	} catch (e) {
		console.error(`FAIL: ${e.message}`);
		process.exitCode = 1;
	}
}

// ---- pictures --------------------------------------------------------------

// The pixels of a PNG as Chromium writes it (8 bits, RGB or RGBA, not
// interlaced): {w, h, rgb(x, y)}, as t_report_html reads its picture.
export function decodePng(data) {
	const sig = '89504e470d0a1a0a';
	let pos = 8, w, h, depth, ctype, interlace;
	const idat = [];

	data.subarray(0, 8).toString('hex') === sig || fail('not a PNG');
	while (pos < data.length) {
		const n = data.readUInt32BE(pos);
		const kind = data.toString('latin1', pos + 4, pos + 8);
		const body = data.subarray(pos + 8, pos + 8 + n);
		if (kind === 'IHDR') {
			[w, h] = [body.readUInt32BE(0), body.readUInt32BE(4)];
			[depth, ctype, interlace] = [body[8], body[9], body[12]];
		} else if (kind === 'IDAT') {
			idat.push(body);
		}
		pos += 12 + n;
	}
	const bpp = { 2: 3, 6: 4 }[ctype];
	(depth === 8 && bpp && !interlace) ||
	    fail(`a PNG of depth ${depth}, colour type ${ctype}`);
	const raw = inflateSync(Buffer.concat(idat));
	const stride = w * bpp;
	const px = Buffer.alloc(h * stride);
	for (let y = 0; y < h; y++) {
		const f = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		const out = px.subarray(y * stride, (y + 1) * stride);
		const up = y ? px.subarray((y - 1) * stride, y * stride) : null;
		for (let i = 0; i < stride; i++) {
			const a = i >= bpp ? out[i - bpp] : 0;
			const b = up ? up[i] : 0;
			const c = up && i >= bpp ? up[i - bpp] : 0;
			let v = line[i];
			if (f === 1)
				v += a;
			else if (f === 2)
				v += b;
			else if (f === 3)
				v += (a + b) >> 1;
			else if (f === 4) {
				const p = a + b - c;
				const pa = Math.abs(p - a), pb = Math.abs(p - b);
				const pc = Math.abs(p - c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			out[i] = v & 255;
		}
	}
	return { w, h, rgb: (x, y) => px.readUIntBE(y * stride + x * bpp, 3) };
}

// What a picture holds: its size, how many colours, and the share of the
// commonest one (1 for a blank page).
export function pictureFacts(data) {
	const p = decodePng(data);
	const colours = new Map();
	let n = 0;

	for (let y = 0; y < p.h; y += 2)
		for (let x = 0; x < p.w; x += 2, n++) {
			const c = p.rgb(x, y);
			colours.set(c, (colours.get(c) || 0) + 1);
		}
	return { w: p.w, h: p.h, colours: colours.size,
	    top: Math.max(...colours.values()) / n };
}

// For each of words, whether the page shows it inside the picture's area
// (the window, or the whole page): an element holding the text, drawn,
// visible, inside that area and, where it is in the window, on top.
async function shown(page, words, fullPage) {
	return page.evaluate(([ws, full]) => {
		const W = full ? document.documentElement.scrollWidth : innerWidth;
		const H = full ? document.documentElement.scrollHeight : innerHeight;
		const norm = (s) => s.replace(/\s+/g, ' ');
		const all = [...document.body.querySelectorAll('*')];

		return ws.map((w) => all.some((e) => {
			if (!norm(e.innerText || '').includes(w) ||
			    [...e.children].some((k) =>
			    norm(k.innerText || '').includes(w)))
				return false;
			const r = e.getBoundingClientRect();
			const x = r.left + (full ? scrollX : 0);
			const y = r.top + (full ? scrollY : 0);
			const s = getComputedStyle(e);
			if (!(r.width > 0 && r.height > 0 &&
			    s.visibility === 'visible' && Number(s.opacity) > 0 &&
			    x < W && y < H && x + r.width > 0 && y + r.height > 0))
				return false;
			// Not under something else (the alert card covers the
			// list): what is drawn at its middle is it, or in it.
			const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
			if (cx < 0 || cy < 0 || cx >= innerWidth || cy >= innerHeight)
				return true;
			const top = document.elementFromPoint(cx, cy);
			return !!top && (e.contains(top) || top.contains(e));
		}));
	}, [words, !!fullPage]);
}

// page.screenshot to path, then check the picture is a real one, not one
// flat colour, and that the page showed each of words in it when it was
// taken (the text as drawn, after CSS capitals). opts: fullPage.
export async function screenshot(page, path, words, opts = {}) {
	const data = await page.screenshot({ ...opts, path });
	const f = pictureFacts(data);
	const seen = await shown(page, words, opts.fullPage);
	const missing = words.filter((w, i) => !seen[i]);

	say('screenshot', path, `${f.w}x${f.h}, ${f.colours} colours,`,
	    `${Math.round(f.top * 100)}% the commonest`);
	f.colours >= 16 && f.top < 0.98 ||
	    fail(`${path}: a blank picture (${f.colours} colours, ` +
	    `${Math.round(f.top * 100)}% one colour)`);
	missing.length && fail(`${path}: the page did not show ` +
	    `${missing.map((w) => `"${w}"`).join(', ')}; it showed: ` +
	    (await page.evaluate(() => document.body.innerText))
		.replace(/\s+/g, ' ').slice(0, 600));
	return data;
}

// ---- MQTT from the test ----------------------------------------------------

// A connection of the test's own to its broker (the mqtt package the pages
// use), with what it hears on topics kept in .heard as {topic, text}.
let listeners = 0;

export async function listen(...topics) {
	const c = await mqtt.connectAsync(`mqtt://${env.broker}`,
	    { protocolVersion: 5,
	    clientId: `web-test-${process.pid}-${++listeners}` });

	c.heard = [];
	c.on('message', (t, p) => c.heard.push({ topic: t, text: p.toString() }));
	if (topics.length)
		await c.subscribeAsync(topics, { qos: 1 });
	return c;
}

// Move beacond-test's clock by ms (tests/integration/lib.sh clock_move):
// returns once beacond has answered on test/clock/now, after publishing
// what the timers that fell due decided.
export async function clock(ms) {
	const c = await listen('beacon/test/clock/now');

	try {
		say('clock', ms);
		await c.publishAsync('beacon/test/clock', String(ms), { qos: 1 });
		return await until('the clock moved', () =>
		    c.heard.length && c.heard[0].text, 10000);
	} finally {
		await c.endAsync();
	}
}
