// A phone enrolled with beacon enroll (tests/integration/t_web_enroll.sh
// makes the enrollment and runs this): the link opened in the responder
// app, served by beacond's listener, claims the phone's own account, keeps
// it as the sign-in, takes the code out of the address, says "This phone
// is enrolled as crisis-1 (phone-a)", and signs in with it to a broker
// that asks for passwords: a report for crisis-1 fills its screen. The
// same link opened again is refused, and the app says so.
import { browser, cli, env, expectConsole, fail, run, say, text, until,
    PHONE } from './lib.mjs';

const link = process.env.BEACON_ENROLL_LINK || fail('no BEACON_ENROLL_LINK');
const broker = `broker=${env.url.replace(/^http/, 'ws')}/mqtt`;
const [base, fragment] = link.split('#');
const url = `${base}?${broker}#${fragment}`;

expectConsole(/the server responded with a status of 404/,
    'the used link, opened again on purpose');

async function enrolled(page) {
	await page.goto(url);
	const said = await until('the enrollment', async () =>
	    text(page, '#enrolled'), 10000);
	say('the app says:', said);
	said === 'This phone is enrolled as crisis-1 (phone-a)' ||
	    fail(`the app says "${said}"`);
	const hash = await page.evaluate(() => location.hash);
	hash === '' || fail(`the code is still in the address: ${hash}`);
	const kept = await page.evaluate(() =>
	    JSON.parse(localStorage.getItem('beacon.responder')));
	kept.id === 'crisis-1' && kept.username === 'crisis-1@phone-a' &&
	    kept.password.length >= 22 ||
	    fail(`the sign-in kept: ${JSON.stringify({ ...kept,
	    password: kept.password && '...' })}`);
	const device = await page.evaluate(() =>
	    JSON.parse(localStorage.getItem('beacon.device')));
	device === 'phone-a' || fail(`the phone's device id is ${device}`);
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);
	say('signed in as crisis-1@phone-a');
}

await run(async () => {
	const ctx = await browser('chrome-enroll', PHONE);

	try {
		const page = await ctx.newPage();

		await enrolled(page);
		cli('report', '--branch', 'central', '--type', 'welfare', '--id',
		    'web-e1', '--location', 'Reading room, east windows');
		await until('the alert card', async () => (await text(page,
		    '#card')).includes('Reading room, east windows'), 8000);
		say('the alert came to the enrolled phone');
		await page.close();

		const again = await ctx.newPage();
		await again.goto(url);
		const said = await until('the refusal', async () =>
		    text(again, '#enrolled'), 10000);
		say('opened again:', said);
		said.startsWith('This enrollment link did not work: no such ' +
		    'enrollment') || fail(`opened again, the app says "${said}"`);
	} finally {
		await ctx.close();
	}
});
