// The console with N open incidents (tests/integration/
// t_web_console_load.sh): N welfare reports published as a report page
// would, each an incident of its own; once beacond has published them all,
// console.html is opened in a fresh context: the board must show all N,
// then who was called on every row, from one board answer in parts. How
// long it takes is bench/console.sh's to measure, not this test's: the
// times are printed, never compared with a bound.
import { browser, env, fail, listen, run, say, until } from './lib.mjs';

const N = Number(process.argv[2] || 500);

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

async function main() {
	await report();
	const ctx = await browser('load', { viewport: { width: 1280,
	    height: 800 } });
	try {
		const page = await ctx.newPage();

		await page.addInitScript(watchReady);
		await page.goto(`${env.url}/console.html?as=supervisor-1`);
		await until('the board drawn', () => page.evaluate(() =>
		    window.__drawnAt !== null), 30000);
		await until(`${N} rows on the board`, () => page.evaluate((n) =>
		    document.querySelectorAll('#board li[data-incident]')
		    .length === n, N), 30000);
		await until('who was called, on every row', () =>
		    page.evaluate((n) => document.querySelectorAll(
		    '#board .inc-people dl').length === n, N), 30000);
		const r = await page.evaluate(() => ({ ms: window.__drawnAt,
		    now: performance.now(), marks: performance
		    .getEntriesByType('mark').map((m) => `${m.name.replace(
		    'console:', '')} ${m.startTime.toFixed(0)}`).join(', ') }));
		say(`board drawn at ${r.ms.toFixed(0)} ms, every row with who ` +
		    `was called by ${r.now.toFixed(0)} ms (${r.marks})`);
	} finally {
		await ctx.close();
	}
}

run(main);
