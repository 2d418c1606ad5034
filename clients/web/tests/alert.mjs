// One alert per incident, and every answer, in the responder app
// (tests/integration/t_web_alert.sh starts the broker, beacond-test with
// its own policies, and this). crisis-1 signs in on a phone; a welfare
// report fills the screen. The step's repeat, the same notification
// delivered again (as beacond's renotification after a restart sends it:
// same incident, step and repeat) and the next step each update that one
// alert, never a second one: one card, one entry in the list, the note
// being typed kept, still sounding. Then Acknowledge, Arrived and Resolve
// on it, and Decline on a mental-health crisis; the shell reads what
// beacond recorded. The pictures of the updated alert are written to the
// first argument followed by -repeat.png and -step.png.
import { browser, cli, clock, env, fail, listen, run, say, screenshot, text,
    until, PHONE, signIn } from './lib.mjs';

const prefix = process.argv[2];
const NOTE = 'Coming from the branch office';

// The notifications crisis-1 was sent for incident id (what the test's
// own subscription heard), parsed.
function sent(mq, id) {
	return mq.heard.filter((m) => m.topic === 'beacon/notify/crisis-1')
	    .map((m) => JSON.parse(m.text))
	    .filter((n) => n.incident === id && (n.kind || 'incident') ===
	    'incident');
}

// One alert for incident id: one card, for it, saying want; and, when
// list is true, one entry in the open-incident list (the card closed to
// see it, and opened again from it).
async function one(page, id, want, list) {
	const c = await until(`the card of incident ${id} with "${want}"`,
	    async () => {
		const t = await text(page, '#card');
		return t.includes(want) && t;
	}, 8000);
	const cards = await page.$$eval('#card [data-incident]',
	    (l) => l.map((e) => e.dataset.incident));
	cards.join() === String(id) ||
	    fail(`cards for incidents [${cards}], not one for ${id}: ${c}`);
	if (!list)
		return c;
	await page.click('#card button.back');
	const items = await until('the list', async () => {
		const l = await page.$$eval('#incidents li[data-incident]',
		    (e) => e.map((x) => x.dataset.incident));
		return l.length && l;
	});
	items.filter((i) => i === String(id)).length === 1 ||
	    fail(`list entries [${items}] for incident ${id}`);
	(await text(page, `#incidents li[data-incident="${id}"]`))
	    .includes('Waiting for your answer') ||
	    fail('the list does not say the alert waits for an answer');
	await page.click(`#incidents li[data-incident="${id}"] button.open`);
	await until('the card again', async () =>
	    (await text(page, '#card')).includes(want));
	return c;
}

async function ringing(page, want) {
	await until(`the alarm ${want ? 'on' : 'off'}`, () =>
	    page.$(`#card [data-ringing="${want}"]`));
}

// The repeat, the same notification again, then the next step.
async function updates(page, mq) {
	cli('report', '--branch', 'central', '--type', 'welfare', '--id', 'web-a1',
	    '--location', 'Reading room, 2nd floor');
	let c = await one(page, 1, 'Reading room, 2nd floor', false);
	c.includes('step 1') && !c.includes('reminder') ||
	    fail(`the first notice: ${c}`);
	await ringing(page, true);

	await clock(400000);
	await until('the repeat sent', () => sent(mq, 1).some((n) =>
	    n.repeat === 1));
	c = await one(page, 1, 'step 1 · reminder 1', true);
	say('after the repeat:', c);
	await ringing(page, true);
	await screenshot(page, `${prefix}-repeat.png`, ['Welfare check',
	    'Reading room, 2nd floor', 'step 1 · reminder 1', 'Acknowledge']);

	// The broker delivers the repeat again, as it does for a
	// renotification; the next step comes after it on the same topic, so
	// once the card shows that step the copy has been read.
	const again = mq.heard.filter((m) => m.topic ===
	    'beacon/notify/crisis-1').pop();
	say('sent again:', again.text);
	await mq.publishAsync(again.topic, again.text, { qos: 1 });
	await page.fill('#card-note', NOTE);
	await clock(500000);
	await until('the next step sent', () => sent(mq, 1).some((n) =>
	    n.step === 1));
	c = await one(page, 1, 'step 2', false);
	say('after the next step:', c);
	c.includes('reminder') && fail(`the next step is shown as a reminder: ${c}`);
	(await page.inputValue('#card-note')) === NOTE ||
	    fail('the note being typed was lost when the alert was updated');
	await ringing(page, true);
	await screenshot(page, `${prefix}-step.png`, ['Welfare check',
	    'Reading room, 2nd floor', 'step 2', 'Acknowledge', 'Decline']);
	await one(page, 1, 'step 2', true);
}

async function press(page, action, want) {
	await until(`the ${action} button`, () =>
	    page.$(`#card button[data-action=${action}]:not([disabled])`));
	await page.click(`#card button[data-action=${action}]`);
	await until(`"${want}"`, async () =>
	    (await text(page, '#card .result.good')).includes(want), 8000);
	say(`${action}:`, await text(page, '#card .result.good'));
}

// Acknowledge, Arrived, Resolve (which asks for a second tap).
async function answer(page) {
	await press(page, 'ack', 'You acknowledged');
	await ringing(page, false);
	await press(page, 'arrived', 'You are on scene');
	await until('only Resolve left', async () =>
	    (await page.$$('#card button.act')).length === 1);
	await page.click('#card button[data-action=resolve]');
	await until('the second tap asked for', async () =>
	    (await text(page, '#card button[data-action=resolve]')) ===
	    'Tap again to resolve');
	await press(page, 'resolve', 'You resolved it');
	await until('the card closed', async () =>
	    (await text(page, '#card .who')) === 'Resolved by crisis-1');
	(await page.$('#card button.act')) && fail('buttons on a resolved card');
}

async function decline(page) {
	cli('report', '--branch', 'central', '--type', 'mental_health',
	    '--id', 'web-a2', '--location', 'Study carrels');
	await one(page, 2, 'Study carrels', false);
	await ringing(page, true);
	await press(page, 'decline', 'You declined');
	await ringing(page, false);
	const c = await text(page, '#card');
	say('declined:', c);
	c.includes('crisis-1 (you) declined') ||
	    fail(`the card does not say crisis-1 declined: ${c}`);
}

await run(async () => {
	const ctx = await browser('chrome-alert', PHONE);
	const mq = await listen('beacon/notify/crisis-1');

	try {
		const page = ctx.pages()[0] || await ctx.newPage();
		await signIn(page);
		await updates(page, mq);
		await answer(page);
		await decline(page);
	} finally {
		await mq.endAsync();
		await ctx.close();
	}
});
