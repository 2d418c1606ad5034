// Ids checked against beacond's configuration, and labels shown for them
// (tests/integration/t_web_library.sh starts the broker, beacond and
// this). A responder id that is not in the configuration ("crisis1" for
// crisis-1) is refused with a clear message and never shown as connected;
// the right one is. The open-incident list names the category and the
// branch by their labels, also when the page is opened again and the
// incidents come before the configuration. The report page refuses a
// branch that is not configured. A drilled overdose's card says what a
// real one would need, not that the reporter was told to call 911. A picture of the refusal is written to
// the first argument.
import { browser, cli, env, fail, run, say, screenshot, text, until, PHONE,
    signIn } from './lib.mjs';

const shot = process.argv[2];
const GREEN = 'Connected: alerts will sound';

async function mistyped(ctx) {
	const page = await ctx.newPage();
	let green = false;

	await signIn(page, 'crisis1', false);
	await until('the refusal', async () => {
		green = green || (await text(page, '#conn')) === GREEN;
		return (await text(page, '#login-error')).includes(
		    'No responder \'crisis1\' in this library\'s configuration');
	}, 10000);
	green && fail('an unknown responder was shown as connected');
	(await page.isVisible('#login')) || fail('the sign-in form is not shown');
	(await page.isVisible('#home')) && fail('the incident list is shown');
	(await text(page, '#conn')) === GREEN &&
	    fail('still "connected" after the refusal');
	await screenshot(page, shot, ['Sign in once',
	    'No responder \'crisis1\' in this library\'s configuration']);
	say('conn:', await text(page, '#conn'));
	await page.close();
}

async function listItem(page) {
	return until('the incident in the list', async () => {
		const t = await text(page, '#incidents li[data-incident="1"]');
		return t.includes('Child safety · Central Library') && t;
	}, 8000);
}

async function known(ctx) {
	const page = await ctx.newPage();

	await signIn(page, 'crisis-1', false);
	await until('the connection', () => page.$('body[data-ready="1"]'),
	    10000);
	(await text(page, '#conn')) === GREEN ||
	    fail(`crisis-1: ${await text(page, '#conn')}`);
	(await text(page, '#who')) === 'crisis-1 · crisis worker' ||
	    fail(`who: ${await text(page, '#who')}`);
	cli('report', '--branch', 'central', '--type', 'child_safety',
	    '--id', 'lib-1', '--location', 'Picture books');
	await until('the alert card', async () =>
	    (await text(page, '#card')).includes('Picture books'), 8000);
	const card = await text(page, '#card');
	card.includes('you are called as crisis worker') ||
	    fail(`the card's role: ${card}`);
	await page.click('#card button.back');
	say('list:', await listItem(page));

	// Opened again: the retained incident comes before the names.
	await page.reload();
	await until('the connection', () => page.$('body[data-ready="1"]'),
	    10000);
	const again = await listItem(page);
	say('list after reopening:', again);
	(again.includes('child_safety') || again.includes('central ·')) &&
	    fail(`raw ids in the list: ${again}`);

	// A drilled overdose: what a real one would need, never "told to
	// call 911".
	cli('report', '--branch', 'central', '--type', 'overdose', '--drill',
	    '--id', 'lib-2', '--location', 'Drill room');
	const drill = await until('the drill\'s card', async () => {
		const t = await text(page, '#card');
		return t.includes('Drill room') && t;
	}, 8000);
	say('drill card:', drill);
	drill.includes('DRILL: in a real event the reporter would be told to ' +
	    'call 911 now.') || fail(`the drill's card: ${drill}`);
	((await page.$('#card .call911')) || /told to call 911\./.test(drill)) &&
	    fail('a drill told the responder the reporter must call 911');
	await page.close();
}

async function branch(ctx) {
	const page = await ctx.newPage();

	await page.goto(`${env.url}/report.html?branch=centrl`);
	await until('the refusal of the branch', async () =>
	    (await text(page, '#buttons')).includes(
	    'No branch \'centrl\' in this library\'s configuration'), 8000);
	(await page.$('#buttons button[data-type]')) &&
	    fail('report buttons for an unknown branch');
	(await text(page, '#conn')) === 'Connected' &&
	    fail('an unknown branch shown as connected');
	await page.goto(`${env.url}/report.html?branch=central`);
	await until('the buttons of a known branch', () =>
	    page.$('#buttons button[data-type]'), 8000);
	(await text(page, '#buttons')).includes('No branch') &&
	    fail('a configured branch refused');
	await page.close();
}

await run(async () => {
	const ctx = await browser('chrome-library', PHONE);

	try {
		await mistyped(ctx);
		await known(ctx);
		await branch(ctx);
	} finally {
		await ctx.close();
	}
});
