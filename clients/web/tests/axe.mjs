// axe-core in headless Chromium (tests/integration/t_web_axe.sh starts the
// broker, beacond and this): the staff report page of a branch, the
// responder app signed in with an alert card shown, and each view of the
// supervisor's console (board, incident, debriefs, the debrief form with
// and without errors, on duty, branches, reports). Any violation of impact serious or critical fails the test, and
// every violation found is printed with the elements it names.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browser, cli, env, fail, openReport, run, say, signIn, text,
    until } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const AXE = readFileSync(join(here, '../node_modules/axe-core/axe.min.js'),
    'utf8');
const DESK = { viewport: { width: 1280, height: 800 }, bypassCSP: true };
const PHONE = { viewport: { width: 412, height: 860 }, deviceScaleFactor: 2,
	isMobile: true, hasTouch: true, bypassCSP: true };
const SERIOUS = ['serious', 'critical'];
const found = [];

// Run axe on the page as it is; keep its serious and critical violations.
async function check(page, what) {
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.addScriptTag({ content: AXE });
	const v = await page.evaluate(async () => {
		const r = await window.axe.run(document, {
			resultTypes: ['violations'],
		});
		return r.violations.map((x) => ({ id: x.id, impact: x.impact,
		    help: x.help, nodes: x.nodes.map((n) =>
		    `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g,
		    ' ')}`) }));
	});

	for (const x of v) {
		say(`${what}: ${x.impact} ${x.id}: ${x.help}`);
		for (const n of x.nodes.slice(0, 8))
			say(`    ${n}`);
		if (SERIOUS.includes(x.impact))
			found.push(`${what}: ${x.id} (${x.impact}) on ` +
			    `${x.nodes.length} element(s)`);
	}
	say(`${what}: ${v.length} violation(s),`,
	    `${v.filter((x) => SERIOUS.includes(x.impact)).length} serious or critical`);
}

async function report(ctx) {
	const page = await ctx.newPage();

	await openReport(page, 'central');
	await check(page, 'report page');
	await page.close();
}

// The responder app with the alert card of a report of the CLI; it is
// acknowledged, and the card is checked again with its new buttons.
async function responder(ctx) {
	const page = await ctx.newPage();

	await signIn(page);
	await check(page, 'responder app, the list');
	cli('report', '--branch', 'central', '--type', 'mental_health', '--id', 'axe-r1',
	    '--location', 'Reading room', '--note', 'A patron asleep, hard to wake');
	await until('the alert card', async () =>
	    (await text(page, '#card')).includes('Reading room'), 8000);
	await check(page, 'responder app, the alert card');
	await page.click('#card button[data-action=ack]');
	await until('the acknowledgment', async () =>
	    (await text(page, '#card')).includes('You acknowledged'), 5000);
	await check(page, 'responder app, the acknowledged card');
	await page.close();
}

// A view of the console, once it is shown and drawn: its section is not
// hidden, holds something, and is not busy.
async function view(page, hash, name) {
	await page.evaluate((h) => { location.hash = h; }, hash);
	await until(`the ${name} view`, () => page.evaluate((n) => {
		const s = document.getElementById(`view-${n}`);
		return s && !s.hidden && s.textContent.trim() !== "" &&
		    s.getAttribute('aria-busy') !== 'true' &&
		    !s.querySelector('[aria-busy="true"]');
	}, name), 10000);
	await check(page, `console #${hash}`);
}

async function console_(ctx) {
	const page = await ctx.newPage();

	// The incident of the responder part, resolved: a debrief is due. On
	// the board: a threat to life (its banner too) and a drill.
	cli('resolve', '1', '--as', 'crisis-1');
	cli('report', '--branch', 'central', '--type', 'overdose', '--id', 'axe-r2',
	    '--location', 'Main floor, east washroom');
	cli('report', '--branch', 'eastside', '--type', 'welfare', '--id', 'axe-r3',
	    '--location', 'Entrance', '--drill');
	await page.goto(`${env.url}/console.html?as=supervisor-1#board`);
	await until('the console', () => page.$('#nav:not([hidden])'), 10000);
	await view(page, 'board', 'board');
	await until('the board\'s incidents', async () =>
	    (await text(page, '#view-board')).includes('east washroom'), 10000);
	await check(page, 'console #board with incidents');
	await view(page, 'incident=2', 'incident');
	await view(page, 'debriefs', 'debriefs');
	await view(page, 'debrief=1', 'debrief');
	// The form with a referral and an action row, and errors shown by
	// their fields.
	await page.click('#df-referrals .cf-add');
	await page.click('#df-actions .cf-add');
	await page.fill('#df-participants', '-1');
	await page.fill('#df-facilitator', 'not an id');
	await page.click('#debrief-form button[type=submit]');
	await until('the errors', () => page.$('#df-participants[aria-invalid]'));
	await check(page, 'console #debrief=1 with errors');
	await view(page, 'duty', 'duty');
	await view(page, 'branches', 'branches');
	await view(page, 'reports', 'reports');
	await page.close();
}

await run(async () => {
	const desk = await browser('chrome-axe-desk', DESK);
	const phone = await browser('chrome-axe-phone', PHONE);

	try {
		await report(desk);
		await responder(phone);
		if (process.argv[2] !== 'pages')
			await console_(desk);
	} finally {
		await desk.close();
		await phone.close();
	}
	found.length && fail(`serious or critical violations:\n  ` +
	    found.join('\n  '));
	say('no serious or critical violation');
});
