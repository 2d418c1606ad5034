// The console scenario's measurement (bench/console.sh): console.html loaded
// RUNS times in headless Chromium, each in a fresh browser context (no
// cache, no storage), timed from the navigation's start to the moment the
// page marks its board drawn (body data-ready="1"), with the page's own
// performance clock: a MutationObserver set before any script of the page
// runs notes performance.now() when the attribute changes. The board must
// show EXPECT incidents (elements with data-incident).
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
	new MutationObserver(() => {
		if (window.__drawnAt === null && document.body &&
		    document.body.dataset.ready === '1')
			window.__drawnAt = performance.now();
	}).observe(document, { subtree: true, attributes: true,
	    attributeFilter: ['data-ready'] });
}

async function loadOnce(browser, o) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await ctx.newPage();

	await page.addInitScript(watchReady);
	await page.goto(o.url);
	await page.waitForFunction(() => window.__drawnAt !== null,
	    null, { timeout: 30000 });
	const r = await page.evaluate(() => ({ ms: window.__drawnAt,
	    rows: document.querySelectorAll('[data-incident]').length }));
	await ctx.close();
	if (o.expect && r.rows < o.expect)
		throw new Error(`the board shows ${r.rows} incidents, not ${o.expect}`);
	return r;
}

const o = options(process.argv);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'] });
const loads = [];

try {
	await loadOnce(browser, o); // warm-up: the browser's own start
	for (let i = 0; i < o.runs; i++) {
		const r = await loadOnce(browser, o);
		loads.push(Math.round(r.ms));
		console.log(`load ${i + 1}: board drawn at ${r.ms.toFixed(0)} ms, ${r.rows} incidents`);
	}
} finally {
	await browser.close();
}
if (o.json)
	writeFileSync(o.json, JSON.stringify({ loads_ms: loads }) + '\n');
