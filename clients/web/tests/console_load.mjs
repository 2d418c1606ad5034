// The console's load with N open incidents (tests/integration/
// t_web_console_load.sh): N welfare reports published as a report page
// would, each an incident of its own; once beacond has published them all,
// console.html is opened three times, each in a fresh context, and timed
// with the page's own clock from the navigation's start to the board drawn
// with N rows; then who was called fills every row, from one board answer.
import { browser, env, fail, listen, run, say, until } from './lib.mjs';

const N = Number(process.argv[2] || 500);
const LIMIT_MS = 3000;

function watchReady() {
	window.__drawnAt = null;
	new MutationObserver(() => {
		if (window.__drawnAt === null && document.body &&
		    document.body.dataset.ready === '1')
			window.__drawnAt = performance.now();
	}).observe(document, { subtree: true, attributes: true,
	    attributeFilter: ['data-ready'] });
}

async function report() {
	const c = await listen('beacon/incident/+');
	const ids = new Set();

	c.on('message', (t) => ids.add(t));
	for (let i = 0; i < N; i++)
		await c.publishAsync('beacon/report/central', JSON.stringify({
		    id: `load-${i}`, type: 'welfare', device: `desk-${i % 40}`,
		    location: `Floor ${i % 4}, table ${i}` }), { qos: 1 });
	await until(`${N} incidents published`, () => ids.size >= N, 60000);
	await c.endAsync();
	say(`${N} incidents open`);
}

async function loadOnce(ctx, i) {
	const page = await ctx.newPage();

	await page.addInitScript(watchReady);
	await page.goto(`${env.url}/console.html?as=supervisor-1`);
	await until('the board drawn', () => page.evaluate(() =>
	    window.__drawnAt !== null), 20000);
	const r = await page.evaluate(() => ({ ms: window.__drawnAt,
	    rows: document.querySelectorAll('#board li[data-incident]').length,
	    marks: performance.getEntriesByType('mark').map((m) =>
		`${m.name.replace('console:', '')} ${m.startTime.toFixed(0)}`)
		.join(', ') + '; ' + performance.getEntriesByType('resource')
		.map((e) => `${e.name.split('/').pop()} ${e.startTime.toFixed(0)}+` +
		`${e.duration.toFixed(0)}`).join(', ') }));
	say(`load ${i}: board drawn at ${r.ms.toFixed(0)} ms, ${r.rows} rows ` +
	    `(${r.marks})`);
	r.rows === N || fail(`the board drew ${r.rows} rows, not ${N}`);
	return { page, ms: r.ms };
}

async function main() {
	await report();
	const times = [];
	for (let i = 1; i <= 3; i++) {
		const ctx = await browser(`load-${i}`, {
		    viewport: { width: 1280, height: 800 } });
		try {
			const { page, ms } = await loadOnce(ctx, i);
			times.push(ms);
			if (i === 3) {
				const t0 = Date.now();
				await until('who was called, on every row', () =>
				    page.evaluate((n) => document.querySelectorAll(
				    '#board .inc-people dl').length === n, N), 30000);
				say(`who was called on all rows ${Date.now() - t0} ms ` +
				    'after the board was drawn');
			}
		} finally {
			await ctx.close();
		}
	}
	times.sort((a, b) => a - b);
	say(`board drawn: ${times.map((t) => t.toFixed(0)).join(', ')} ms ` +
	    `(median ${times[1].toFixed(0)})`);
	times[1] < LIMIT_MS || fail(`the board took ${times[1].toFixed(0)} ms`);
}

run(main);
