// Long unbroken text on a 360 x 740 phone (tests/integration/t_web_narrow.sh
// starts the broker, beacond and this). An alert whose location and note
// are 128 characters without a space: the responder app's card and list,
// and the staff report page's answer, must stay as wide as the screen, the
// Acknowledge and report buttons on it. The pictures are written to the
// first argument followed by -responder-card.png, -responder-list.png and
// -report-page.png. Given a board report's file as the second argument,
// the board report is checked the same way instead (-board-report.png).
import {
	browser, cli, env, fail, openReport, run, say, screenshot, text, until,
} from './lib.mjs';

const prefix = process.argv[2];
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1,
	isMobile: true, hasTouch: true };
const LONG_LOCATION = 'L'.repeat(120) + 'LOCATION';
const LONG_NOTE = 'N'.repeat(124) + 'NOTE';

// The page is no wider than the screen, and each element of sel (that
// should be there) lies inside it from left to right.
async function fits(page, what, sel) {
	const m = await page.evaluate((s) => ({
		scroll: document.documentElement.scrollWidth,
		inner: window.innerWidth,
		boxes: [...document.querySelectorAll(s)].map((e) => {
			const r = e.getBoundingClientRect();
			return { text: e.textContent.trim().slice(0, 30),
			    left: r.left, right: r.right };
		}),
	}), sel);

	say(`${what}: scrollWidth ${m.scroll}, innerWidth ${m.inner},`,
	    JSON.stringify(m.boxes));
	m.inner === PHONE.viewport.width ||
	    fail(`${what}: the window is ${m.inner} px wide, not 360`);
	m.scroll <= m.inner ||
	    fail(`${what}: the page is ${m.scroll} px wide on a ${m.inner} px screen`);
	m.boxes.length || fail(`${what}: no ${sel}`);
	for (const b of m.boxes)
		(b.left >= 0 && b.right <= m.inner) ||
		    fail(`${what}: "${b.text}" is off the screen ` +
		    `(${b.left}..${b.right} of ${m.inner})`);
}

async function responder(ctx) {
	const page = await ctx.newPage();

	await page.goto(`${env.url}/responder.html`);
	await page.fill('input[name=responder]', 'crisis-1');
	await page.click('#login-form button[type=submit]');
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);
	cli('report', '--branch', 'central', '--type', 'welfare',
	    '--id', 'narrow-1', '--location', LONG_LOCATION, '--note', LONG_NOTE);
	await until('the alert card', async () =>
	    (await text(page, '#card')).includes('LOCATION'), 8000);
	await screenshot(page, `${prefix}-responder-card.png`,
	    ['LOCATION', 'NOTE', 'Acknowledge', 'Decline']);
	await fits(page, 'the alert card', '#card button.act');
	const ack = await page.$('#card button[data-action=ack]');
	ack || fail('no Acknowledge button');
	await ack.scrollIntoViewIfNeeded();
	const r = await ack.boundingBox();
	(r.x >= 0 && r.x + r.width <= 360 && r.y >= 0 && r.y + r.height <= 740) ||
	    fail(`Acknowledge is off the screen: ${JSON.stringify(r)}`);
	await ack.click();
	await until('the acknowledgment', async () =>
	    (await text(page, '#card .result.good')).includes('You acknowledged'));

	await page.click('#card button.back');
	await until('the list', async () =>
	    (await text(page, '#incidents')).includes('LOCATION'));
	await screenshot(page, `${prefix}-responder-list.png`,
	    ['Welfare check · Central Library', 'LOCATION'], { fullPage: true });
	await fits(page, 'the list', '#incidents li .title, #sign-out');
	await page.close();
}

async function report(ctx) {
	const page = await ctx.newPage();

	await openReport(page, 'central');
	await page.fill('#location', LONG_LOCATION);
	await page.fill('#note', LONG_NOTE);
	await page.click('#buttons button[data-type=welfare]');
	await until('the answer', async () =>
	    (await text(page, '#answer .history')).includes('routed'));
	// The button was far down the list: the answer is in sight anyway.
	const top = await page.evaluate(() =>
	    document.querySelector('#answer').getBoundingClientRect().top);
	(top >= 0 && top < 740 / 2) ||
	    fail(`the answer is not in sight after the press (top ${top})`);
	await screenshot(page, `${prefix}-report-page.png`,
	    ['Welfare check', 'LOCATION', 'routed'], { fullPage: true });
	await fits(page, 'the report page', '#buttons button[data-type], ' +
	    '#answer .what');
	await page.close();
}

// The board report (beacon report-html) of what the test made, opened
// from its file.
async function board(ctx, html) {
	const page = await ctx.newPage();

	await page.goto(`file://${html}`);
	await until('the board report', async () =>
	    (await text(page, 'h1')).length > 0);
	await screenshot(page, `${prefix}-board-report.png`,
	    ['Incidents and responses'], { fullPage: true });
	await fits(page, 'the board report', 'h1, h2');
	await page.close();
}

await run(async () => {
	const ctx = await browser('chrome-narrow', PHONE);

	try {
		if (process.argv[3]) {
			await board(ctx, process.argv[3]);
			return;
		}
		await responder(ctx);
		await report(ctx);
	} finally {
		await ctx.close();
	}
});
