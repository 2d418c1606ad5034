// Two reports of one category at one branch in the responder app
// (tests/integration/t_web_join.sh starts the broker and beacond): from
// two desks at two places they are two alerts, each saying that it may be
// related to the other; a press from the first desk again joins the first
// incident, and its card shows both places and the new note.
import { browser, cli, env, fail, run, say, text, until, PHONE
    } from './lib.mjs';

// The text of sel, visible or not (the list is behind the card).
async function content(page, sel) {
	const e = await page.$(sel);

	return e ? (await e.textContent()).replace(/\s+/g, ' ').trim() : '';
}

async function main(page) {
	await page.goto(`${env.url}/responder.html`);
	await page.fill('input[name=responder]', 'crisis-1');
	await page.click('#login-form button[type=submit]');
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);

	cli('report', '--branch', 'central', '--type', 'welfare', '--id', 'wj-1',
	    '--location', 'Children\'s area, 1st floor', '--device', 'desk-1');
	await until('the first alert', async () => (await content(page,
	    '#card')).includes('Children\'s area, 1st floor'), 8000);
	const second = cli('report', '--branch', 'central', '--type',
	    'welfare', '--id', 'wj-2', '--location', 'Parking garage level 2',
	    '--device', 'desk-7', '--note', 'man collapsed');
	say('second report:', second);
	second.includes('joined') && fail(`the second was joined: ${second}`);

	// Each open incident in the list says it may be related to the other.
	const list = await until('both incidents, related', async () => {
		const t = await content(page, '#incidents');
		return t.includes('May be related to incident 2') &&
		    t.includes('May be related to incident 1') && t;
	}, 8000);
	say('list:', list);
	const c1 = await until('the first card, related', async () => {
		const t = await content(page, '#card');
		return t.includes('May be related to incident 2') && t;
	});
	say('card 1:', c1);

	const third = cli('report', '--branch', 'central', '--type', 'welfare',
	    '--id', 'wj-3', '--location', 'Lobby', '--device', 'desk-1',
	    '--note', 'a second person is with her');
	say('third report:', third);
	third.includes('joined to incident 1 at Children\'s area, 1st floor: ' +
	    'the crisis worker is already called; your location, Lobby, is ' +
	    'added to it') || fail(`the third report was told: ${third}`);
	let last = '';
	const c2 = await until('the first card with both places', async () => {
		const t = last = await text(page, '#card');
		return t.includes('ALSO AT Lobby') &&
		    t.includes('a second person is with her') && t;
	}).catch((e) => fail(`${e.message}: ${last}`));
	say('card 1 after the press:', c2);
	c2.includes('WHERE Children\'s area, 1st floor') ||
	    fail(`the first place was replaced: ${c2}`);
}

await run(async () => {
	const ctx = await browser('chrome-related', PHONE);

	try {
		await main(await ctx.newPage());
	} finally {
		await ctx.close();
	}
});
