// The responder app in a real browser (tests/integration/t_web_responder.sh
// starts the broker, beacond and this): crisis-1 signs in on a phone-sized
// screen, a welfare report made with the CLI fills the screen with its
// alert, Acknowledge stops the alarm and shows who acknowledged; then, with
// the app closed, a second report waits in the persistent session and
// appears when the app is opened again. While the app is open, its
// retained presence says online. The alert card's picture is written to
// the file given as the first argument.
import { execFileSync } from 'node:child_process';
import { browser, cli, env, fail, run, say, screenshot, text, until, PHONE,
    signIn } from './lib.mjs';

const shot = process.argv[2];
// The state in a responder app's retained presence, or '' if none.
function presence(id) {
	const [host, port] = env.broker.split(':');
	const p = execFileSync('mosquitto_sub', ['-h', host, '-p', port, '-C',
	    '1', '-W', '2', '-t', `beacon/device/_responders/${id}`],
	    { encoding: 'utf8' }).trim();

	return p ? JSON.parse(p).state : '';
}

// The card of an incident, once it shows the report's location.
async function card(page, location) {
	await until('alert card', async () =>
	    (await text(page, '#card')).includes(location), 8000);
	return text(page, '#card');
}

async function first(ctx) {
	const page = await ctx.newPage();

	await signIn(page);
	await until('crisis-1\'s app online', () =>
	    presence('crisis-1') === 'online');
	cli('report', '--branch', 'central', '--type', 'welfare', '--id', 'web-r1',
	    '--location', 'Children\'s area, story room',
	    '--note', 'Adult asleep in a chair, hard to wake, breathing');
	const c = await card(page, 'Children\'s area, story room');
	say('card:', c);
	for (const want of ['Welfare check', 'Central Library',
	    'SEVERITY 3 · NEEDS CARE', 'hard to wake', 'Acknowledge', 'Decline'])
		c.includes(want) || fail(`the card lacks "${want}": ${c}`);
	c.includes('DRILL') && fail('a real report is shown as a DRILL');
	await until('the alarm', () => page.$('#card [data-ringing="true"]'));
	await screenshot(page, shot, ['Welfare check', 'Central Library',
	    'Children\'s area, story room', 'SEVERITY 3 · NEEDS CARE',
	    'Acknowledge', 'Decline']);

	await page.click('#card button[data-action=ack]');
	await until('the acknowledgment', async () =>
	    (await text(page, '#card .result.good')).includes('You acknowledged'),
	    5000);
	await until('silence', () => page.$('#card [data-ringing="false"]'));
	// The incident topic names who acknowledged; it may come after the
	// answer to the button.
	await until('crisis-1 named as acknowledging', async () =>
	    (await text(page, '#card .who')).includes(
	    'crisis-1 (you) acknowledged'));
	for (const a of ['arrived', 'resolve'])
		(await page.$(`#card button[data-action=${a}]`)) ||
		    fail(`no ${a} button after the acknowledgment`);

	await page.click('#card button.back');
	const item = await until('the open incident', async () => {
		const t = await text(page, '#incidents');
		return t.includes('acknowledged · crisis-1 (you)') && t;
	});
	say('list:', item);
	await page.close();
}

// The app is closed: the notification waits at the broker (clean start
// off, a session expiry) and comes when the app is opened again.
async function second(ctx) {
	cli('report', '--branch', 'central', '--type', 'welfare', '--id', 'web-r2',
	    '--location', 'Lower level, computer lab');
	const page = await ctx.newPage();
	await page.goto(`${env.url}/responder.html`);
	const c = await card(page, 'Lower level, computer lab');
	say('after reopening:', c);
	(await page.$('#login:not([hidden])')) &&
	    fail('the app asked to sign in again');
}

await run(async () => {
	const ctx = await browser('chrome-responder', PHONE);

	try {
		await first(ctx);
		await second(ctx);
	} finally {
		await ctx.close();
	}
});
