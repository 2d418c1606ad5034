// The console scenario's measurement (bench/console.sh): console.html loaded
// RUNS times in headless Chromium, each in a fresh browser context (no
// cache, no storage: a first visit), then once more in the same context
// (its cache kept, as a supervisor's browser keeps it), each timed from the
// navigation's start to the moment the page marks its board drawn (body
// data-ready="1"), with the page's own performance clock: a
// MutationObserver set before any script of the page runs notes
// performance.now() when the attribute changes. Then the time all EXPECT
// incidents are on the board (elements with data-incident). The page's
// performance marks say where the time went.
//
//   node bench/console.mjs --url URL [--runs 10] [--expect N] [--json FILE]
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../clients/web/package.json'));
const { chromium } = require('playwright-core');

function options(argv) {
	const o = { runs: 10, expect: 0, json: null, url: null };

	for (let i = 2; i < argv.length; i += 2) {
		const k = argv[i].replace(/^--/, '');
		o[k] = k === 'url' || k === 'json' ? argv[i + 1] : Number(argv[i + 1]);
	}
	if (!o.url)
		throw new Error('usage: console.mjs --url URL [--runs N] [--expect N] [--json FILE]');
	return o;
}

// Before the page's scripts: note when the board is drawn.
function watchReady() {
	window.__drawnAt = null;
	const W = window.WebSocket;
	window.WebSocket = function (...a) {
		performance.mark('console:ws-new');
		const w = new W(...a);
		w.addEventListener('open', () => performance.mark('console:ws-open'));
		w.addEventListener('message', () => { if (!window.__m1) { window.__m1 = 1; performance.mark('console:ws-msg1'); } });
		return w;
	};
	window.WebSocket.prototype = W.prototype;
	new MutationObserver(() => {
		if (window.__drawnAt === null && document.body &&
		    document.body.dataset.ready === '1')
			window.__drawnAt = performance.now();
	}).observe(document, { subtree: true, attributes: true,
	    attributeFilter: ['data-ready'] });
}

// One load in ctx, timed; the context is left open, so that a second load
// in it finds the browser's cache as a supervisor's browser keeps it.
async function loadIn(ctx, o) {
	const page = await ctx.newPage();

	await page.addInitScript(watchReady);
	await page.goto(o.url);
	await page.waitForFunction(() => window.__drawnAt !== null,
	    null, { timeout: 30000 });
	// The first screenful is drawn at once, the other rows just after.
	await page.waitForFunction((n) =>
	    document.querySelectorAll('[data-incident]').length >= n,
	    o.expect, { timeout: 30000 });
	const all = await page.evaluate(() => performance.now());
	const r = await page.evaluate(() => ({ ms: window.__drawnAt,
	    rows: document.querySelectorAll('[data-incident]').length,
	    marks: Object.fromEntries([
		['html', performance.getEntriesByType('navigation')[0].responseEnd],
		...performance.getEntriesByType('mark').map((m) =>
		    [m.name.replace(/^console:/, ''), m.startTime])]) }));
	await page.close();
	r.all = all;
	if (o.expect && r.rows < o.expect)
		throw new Error(`the board shows ${r.rows} incidents, not ${o.expect}`);
	return r;
}

const o = options(process.argv);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'] });
const loads = [];
const alls = [];
const warms = [];

try {
	const show = (r) => `board drawn at ${r.ms.toFixed(0)} ms, all ` +
	    `${r.rows} rows by ${r.all.toFixed(0)} ms; ` + Object.entries(r.marks)
	    .sort((a, b) => a[1] - b[1])
	    .map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
	const warmup = await browser.newContext();
	await loadIn(warmup, o); // the browser's own start
	await warmup.close();
	for (let i = 0; i < o.runs; i++) {
		const ctx = await browser.newContext({ viewport: { width: 1280,
		    height: 800 } });
		const cold = await loadIn(ctx, o);
		const warm = await loadIn(ctx, o);
		await ctx.close();
		loads.push(Math.round(cold.ms));
		alls.push(Math.round(cold.all));
		warms.push(Math.round(warm.ms));
		console.log(`load ${i + 1}, first visit: ${show(cold)}`);
		console.log(`load ${i + 1}, again: ${show(warm)}`);
	}
} finally {
	await browser.close();
}
if (o.json)
	writeFileSync(o.json, JSON.stringify({ loads_ms: loads,
	    all_rows_ms: alls, again_ms: warms }) + '\n');
