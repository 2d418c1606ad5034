// The console's debriefs and on-duty views in a real browser
// (tests/integration/t_web_console_forms.sh starts the broker, beacond and
// this, with incidents 1, 2 and 3 resolved at Central, whose zone is
// America/Toronto, and 1's debrief overdue).
//
// #debriefs lists the three, 1 marked OVERDUE in words. The form of 2 is
// filled and recorded; the record the page sent equals the one `beacon
// debrief 3` sends for the same content typed as options (both heard on
// beacon/query/supervisor-1), and what beacond keeps for 2 equals what it
// keeps for 3 but for the incident and the time, revision for revision.
// A count of -1 and a 600-byte text are shown by their fields, and
// nothing is recorded. On #duty, crisis-1 set off duty changes `beacon
// oncall`'s answer, and Clear changes it back. A referral type taken out
// of beacond's configuration (SIGHUP) is refused by beacond, and the page
// shows the refusal by that referral. Pictures of each view at 1280x800
// and 820x1180 are written to the directory of the first argument (the
// others: beacond's pid and its configuration file); none is blank, each
// shows its text, none is wider than the window.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { browser, cli, env, fail, listen, run, say, screenshot, text,
    until } from './lib.mjs';

const [out, beacond, confPath] = [process.argv[2], +process.argv[3],
	process.argv[4]];
const AS = ['--as', 'supervisor-1'];
const SIZES = [[1280, 800], [820, 1180]];

// What the CLI records for revision 1 of 3, and the form for 2.
const CLI_REV1 = ['--wellbeing', 'held', '--held-at', '2026-11-23T15:00:00Z',
	'--facilitator', 'eap_counsellor', '--participants', '3',
	'--follow-up', '2026-11-30', '--support', 'employee_assistance',
	'--route', 'wrong', '--route-note', 'security first, not the crisis worker',
	'--went-well', 'the crisis worker came in 20 s',
	'--to-improve', 'radio check at the start of each shift',
	'--training', 'naloxone refresher',
	'--notice', 'warning', '--notice', 'trespass',
	'--referral', 'housing', '--referral', 'food:2',
	'--action', 'restock naloxone; check the cabinet;supervisor-1;2026-12-01',
	'--action', 'fix the radio;manager-1;2026-12-15;done'];
const CLI_REV2 = ['--participants', '4', '--route', 'right',
	'--route-note', ''];

function debriefJson(id, all = false) {
	return JSON.parse(cli('debrief', String(id), '--json', '--remote', ...AS,
	    ...(all ? ['--all'] : [])));
}

// The `debrief` of the last `record` request heard for incident id.
function sent(heard, id) {
	const r = heard.map((h) => JSON.parse(h.text)).filter((q) =>
	    q.method === 'record' && q.incident === id).pop();

	return r ? r.debrief : fail(`no record request for incident ${id} heard`);
}

// A JSON value with its keys sorted, and some removed at the top, as text.
function canon(v, drop = []) {
	const sort = (x) => Array.isArray(x) ? x.map(sort) :
	    x && typeof x === 'object' ? Object.fromEntries(Object.keys(x)
	    .filter((k) => !(x === v && drop.includes(k))).sort()
	    .map((k) => [k, sort(x[k])])) : x;

	return JSON.stringify(sort(v));
}

function same(a, b, what) {
	a === b || fail(`${what} differ:\n  form ${a}\n  cli  ${b}`);
	say(`${what}: the same`);
}

// The page is no wider than its window.
async function fits(page, what) {
	const m = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		inner: window.innerWidth,
		wide: [...document.querySelectorAll('main *')].filter((e) =>
		    e.getBoundingClientRect().right > window.innerWidth + 1)
		    .slice(0, 5).map((e) => `${e.tagName}.${e.className}`),
	}));

	m.scroll <= m.inner && !m.wide.length || fail(`${what}: ${m.scroll} px ` +
	    `wide in a ${m.inner} px window (${m.wide.join(', ')})`);
}

// Show a view (or wait for the one shown at load) and wait until it is
// drawn anew.
async function go(page, hash, view) {
	const before = await page.evaluate(([h, v]) => location.hash === `#${h}` ?
	    '' : document.getElementById(`view-${v}`).dataset.loaded || '',
	    [hash, view]);

	await page.evaluate((h) => { location.hash = h; }, hash);
	await until(`the ${hash} view`, () => page.evaluate(([v, b]) => {
		const s = document.getElementById(`view-${v}`);
		return !s.hidden && s.dataset.loaded && s.dataset.loaded !== b &&
		    s.getAttribute('aria-busy') === 'false';
	}, [view, before]), 10000);
}

// Both sizes: the picture, the words, the width.
async function pictures(page, name, words) {
	for (const [w, h] of SIZES) {
		await page.setViewportSize({ width: w, height: h });
		await page.evaluate(() => window.scrollTo(0, 0));
		await screenshot(page, `${out}/console-${name}-${w}x${h}.png`, words,
		    { fullPage: true });
		await fits(page, `#${name} at ${w}x${h}`);
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

async function list(page) {
	await go(page, 'debriefs', 'debriefs');
	const t = await text(page, '#view-debriefs');
	say('debriefs:', t);
	for (const i of [1, 2, 3])
		(await page.$(`#view-debriefs a[href="#debrief=${i}"]`)) ||
		    fail(`incident ${i} is not listed`);
	const late = await text(page, '#view-debriefs tr[data-incident="1"]');
	late.includes('OVERDUE') || fail(`1 is not marked OVERDUE: ${late}`);
	(await text(page, '#view-debriefs tr[data-incident="2"]'))
	    .includes('OVERDUE') && fail('2 is marked OVERDUE');
	t.includes('America/Toronto') || fail('the zone is not named');
	/E[SD]T/.test(t) || fail('the times are not in Toronto\'s zone');
	await pictures(page, 'debriefs', ['Debriefs due', 'Incident 1',
	    'OVERDUE', 'Suspected overdose', 'Central Library']);
}

async function fillRev1(page) {
	const f = '#debrief-form';

	await page.selectOption(`${f} #df-status`, 'held');
	// 10:00 in Toronto in November is 15:00 UTC.
	await page.fill(`${f} #df-at`, '2026-11-23T10:00');
	await page.fill(`${f} #df-facilitator`, 'eap_counsellor');
	await page.fill(`${f} #df-participants`, '3');
	await page.fill(`${f} #df-follow_up`, '2026-11-30');
	await page.fill(`${f} #df-support`, 'employee_assistance');
	await page.check(`${f} input[name=route][value=wrong]`);
	await page.fill(`${f} #df-route_note`, 'security first, not the crisis worker');
	await page.fill(`${f} #df-went_well`, 'the crisis worker came in 20 s');
	await page.fill(`${f} #df-to_improve`, 'radio check at the start of each shift');
	await page.fill(`${f} #df-training`, 'naloxone refresher');
	await page.check(`${f} input[name=notice][value=warning]`);
	await page.check(`${f} input[name=notice][value=trespass]`);
	for (const [type, n] of [['housing', '1'], ['food', '2']]) {
		// By the keyboard: Add puts the focus in the new row.
		await page.focus(`${f} #df-referrals .cf-add`);
		await page.keyboard.press('Enter');
		const row = `${f} .referral-row:last-child`;
		(await page.$eval(`${row} [data-key=type]`, (e) =>
		    e === document.activeElement)) ||
		    fail('the new referral row does not have the focus');
		await page.selectOption(`${row} [data-key=type]`, type);
		await page.fill(`${row} [data-key=count]`, n);
	}
	for (const a of [['restock naloxone; check the cabinet', 'supervisor-1',
	    '2026-12-01', 'open'], ['fix the radio', 'manager-1', '2026-12-15',
	    'done']]) {
		await page.click(`${f} #df-actions .cf-add`);
		const row = `${f} .action-row:last-child`;
		await page.fill(`${row} [data-key=what]`, a[0]);
		await page.fill(`${row} [data-key=owner]`, a[1]);
		await page.fill(`${row} [data-key=due]`, a[2]);
		await page.selectOption(`${row} [data-key=status]`, a[3]);
	}
}

async function record(page, rev) {
	await page.click('#debrief-form button[type=submit]');
	await until(`"Revision ${rev} recorded"`, async () =>
	    (await text(page, '#df-done')) === `Revision ${rev} recorded`, 10000);
	await until('the form drawn again', () => page.$(
	    `#debrief-form button[type=submit]:text("Record revision ${rev + 1}")`));
}

// A bad value: its error by its field, nothing sent, nothing recorded.
async function refused(page, sel, value, want) {
	const revs = debriefJson(2, true).length;

	await page.fill(sel, value);
	await page.click('#debrief-form button[type=submit]');
	const id = await page.$eval(sel, (e) => e.id);
	const err = await until(`the error of ${id}`, () => text(page,
	    `#${id}-error`));
	say(`${id}: ${err}`);
	err.includes(want) || fail(`${id}: "${err}", not "${want}"`);
	const tied = await page.$eval(sel, (e) => [e.getAttribute('aria-invalid'),
	    e.getAttribute('aria-describedby')]);
	tied[0] === 'true' && tied[1].split(' ').includes(`${id}-error`) ||
	    fail(`${id}: the error is not tied to it: ${tied}`);
	(await text(page, '#df-result')).startsWith('Nothing was recorded') ||
	    fail('no "Nothing was recorded"');
	debriefJson(2, true).length === revs || fail('a revision was recorded');
}

async function debrief(page, q) {
	// From the list by the keyboard.
	await page.focus('#view-debriefs a[href="#debrief=2"]');
	await page.keyboard.press('Enter');
	await go(page, 'debrief=2', 'debrief');
	const t = await text(page, '#view-debrief');
	for (const w of ['Incident 2', 'Welfare check', 'Revision', 'never recorded',
	    'None yet'])
		t.includes(w) || fail(`the form lacks "${w}"`);
	// Every control has its label.
	const bare = await page.$$eval('#view-debrief input, #view-debrief select, ' +
	    '#view-debrief textarea', (l) => l.filter((e) => !e.labels ||
	    !e.labels.length).map((e) => e.name || e.id));
	bare.length && fail(`controls without a label: ${bare}`);

	await fillRev1(page);
	await refused(page, '#df-participants', '-1', 'use 0 to 10000');
	await pictures(page, 'debrief-error', ['use 0 to 10000',
	    'Nothing was recorded']);
	await page.fill('#df-participants', '3');
	await refused(page, '#df-went_well', 'é'.repeat(300), 'At most 512 bytes');
	await page.fill('#df-went_well', 'the crisis worker came in 20 s');
	await record(page, 1);

	cli('debrief', '3', ...AS, ...CLI_REV1);
	await until('both record requests', () => q.heard.filter((h) =>
	    JSON.parse(h.text).method === 'record').length >= 2);
	same(canon(sent(q.heard, 2), ['incident']),
	    canon(sent(q.heard, 3), ['incident']), 'the records sent (revision 1)');
	same(canon(debriefJson(2), ['incident', 'ts']),
	    canon(debriefJson(3), ['incident', 'ts']), 'the records kept (revision 1)');

	// Revision 2: an edit from the latest revision, in both.
	await page.fill('#df-participants', '4');
	await page.check('#debrief-form input[name=route][value=right]');
	await page.fill('#df-route_note', '');
	await record(page, 2);
	cli('debrief', '3', ...AS, ...CLI_REV2);
	same(canon(debriefJson(2), ['incident', 'ts']),
	    canon(debriefJson(3), ['incident', 'ts']), 'the records kept (revision 2)');
	(await text(page, '#view-debrief .cf-revisions')).includes(
	    'Revision 2 by supervisor-1') || fail('revision 2 is not listed');

	// A referral type the page still offers and beacond no longer knows:
	// beacond's refusal by the row's type, and nothing recorded.
	await unconfigure('"legal"');
	await page.click('#debrief-form #df-referrals .cf-add');
	const row = '#debrief-form .referral-row:last-child';
	await page.selectOption(`${row} [data-key=type]`, 'legal');
	await page.click('#debrief-form button[type=submit]');
	const type = await page.$eval(`${row} [data-key=type]`, (e) => e.id);
	const why = await until('beacond\'s refusal by the referral', () =>
	    text(page, `#${type}-error`), 10000);
	say(`${type}: ${why}`);
	why.includes('unknown referral type "legal"') ||
	    fail(`the refusal by the referral: ${why}`);
	(await text(page, '#df-result')).includes('Nothing was recorded') ||
	    fail('no "Nothing was recorded" for the refusal');
	debriefJson(2, true).length === 2 || fail('a revision was recorded');
	await page.click(`${row} .cf-remove`);

	// Nothing changed: beacond's refusal, in its words.
	await page.click('#debrief-form button[type=submit]');
	await until('beacond\'s refusal', async () => (await text(page,
	    '#df-result')).includes('nothing changed since revision 2'), 10000);
	await pictures(page, 'debrief', ['Debrief of incident 2',
	    'Wellbeing debrief', 'never recorded', 'Revision 2 by supervisor-1']);
}

// "YYYY-MM-DDTHH:MM" hours after local, on the same wall clock.
function later(local, hours) {
	return new Date(Date.parse(`${local}:00Z`) + hours * 3600e3)
	    .toISOString().slice(0, 16);
}

// The crisis workers' row of #duty: "role|on duty|off duty".
function crisisRow(page) {
	return page.$$eval('#view-duty .duty-roles tbody tr', (rows) => rows.map(
	    (r) => [...r.children].map((c) => c.textContent.trim()).join('|'))
	    .find((t) => t.startsWith('crisis worker')) || '');
}

// Take a referral type out of beacond's configuration (SIGHUP); the page
// still has the configuration it was given.
async function unconfigure(quoted) {
	const conf = readFileSync(confPath, 'utf8');
	const reloads = () => (readFileSync(join(env.tmp, 'beacond.log'), 'utf8')
	    .match(/event=reloaded/g) || []).length;
	const n = reloads();

	conf.includes(`, ${quoted} ]`) || fail(`no ${quoted} at a list's end`);
	writeFileSync(confPath, conf.replace(`, ${quoted} ]`, ' ]'));
	process.kill(beacond, 'SIGHUP');
	await until('beacond reloaded', () => reloads() > n, 5000);
}

function oncall() {
	const a = JSON.parse(cli('oncall', '--branch', 'central', '--json', ...AS));
	const b = (a.branches || [a])[0];
	const r = b.roles.find((x) => x.role === 'crisis_worker');

	return { on: r.on_duty.includes('crisis-1'), overrides: b.overrides };
}

async function duty(page) {
	oncall().on || fail('crisis-1 is not on duty to begin with');
	await go(page, 'duty', 'duty');
	const bare = await page.$$eval('#view-duty input, #view-duty select',
	    (l) => l.filter((e) => !e.labels || !e.labels.length)
	    .map((e) => e.name || e.id));
	bare.length && fail(`#duty: controls without a label: ${bare}`);
	const t = await text(page, '#view-duty');
	for (const w of ['On duty', 'crisis worker', 'America/Toronto',
	    'Set an override', 'Log of overrides'])
		t.includes(w) || fail(`#duty lacks "${w}"`);
	// Every branch at a glance: Eastside has no crisis worker at all.
	const all = await page.$$eval('#view-duty .duty-branches tbody tr',
	    (rows) => rows.map((r) => [...r.children].map((c) =>
	    c.textContent.trim()).join('|')));
	say('every branch:', all.join(' / '));
	all.length === 2 || fail(`the overview has ${all.length} branches`);
	all.find((r) => r.startsWith('Central Library|') &&
	    r.includes('crisis worker: crisis-1')) ||
	    fail(`the overview lacks Central's crisis worker: ${all}`);
	all.find((r) => r.startsWith('Eastside Branch|') &&
	    r.split('|')[3].includes('crisis worker')) ||
	    fail(`the overview does not say Eastside has no crisis worker: ${all}`);
	await page.selectOption('#duty-set-responder', 'crisis-1');
	await page.check('#duty-set-off');
	await page.fill('#duty-set-note', 'training day');
	// Until before from: the page says so and sends nothing.
	const from = await page.$eval('#duty-set-from', (e) => e.value);
	await page.fill('#duty-set-until', from);
	await page.click('.duty-set button[type=submit]');
	await until('the until error', async () => (await text(page,
	    '#duty-set-until-error')).includes('after from'));
	await page.fill('#duty-set-until', '');
	await page.click('.duty-set button[type=submit]');
	await until('the empty until error', async () => (await text(page,
	    '#duty-set-until-error')).includes('ends'));
	oncall().overrides.length && fail('an override was set');
	await page.fill('#duty-set-until', later(from, 2));
	const before = await page.$eval('#view-duty', (s) => s.dataset.loaded);
	await page.click('.duty-set button[type=submit]');
	await until('the override shown', () => page.evaluate((b) => {
		const s = document.getElementById('view-duty');
		return s.dataset.loaded !== b && s.getAttribute('aria-busy') ===
		    'false' && s.querySelector('[data-clear="crisis-1"]');
	}, before), 10000);
	say('set:', await text(page, '#duty-status'));
	await until('crisis-1 off duty for beacon oncall', () => !oncall().on);
	const ov = await text(page, '.duty-overrides');
	ov.includes('crisis-1') && ov.includes('off duty') ||
	    fail(`the override is not shown: ${ov}`);
	const log = await text(page, '.duty-log');
	log.includes('set') || fail(`the log lacks the set: ${log}`);
	await pictures(page, 'duty', ['On duty', 'Overrides in force',
	    'Clear crisis-1', 'Set an override']);

	// At a chosen time, in Central's local time: inside the override
	// crisis-1 is off duty, after it on duty again.
	for (const [hours, on] of [[1, false], [3, true], [0, false]]) {
		if (hours)
			await page.fill('#duty-at', later(from, hours));
		const shown = await page.$eval('#view-duty', (s) => s.dataset.loaded);
		await page.click(hours ? '.duty-choose button[type=submit]' :
		    '.duty-choose button[type=button]');
		await until(`#duty at +${hours} h`, () => page.evaluate((b) => {
			const s = document.getElementById('view-duty');
			return s.dataset.loaded !== b &&
			    s.getAttribute('aria-busy') === 'false';
		}, shown), 10000);
		const row = await crisisRow(page);
		say(`at +${hours} h:`, await text(page, '.duty-now h3'), '|', row);
		row.startsWith('crisis worker') && row.includes('crisis-1') ||
		    fail(`no crisis worker row: ${row}`);
		(row.split('|')[1].includes('crisis-1')) === on ||
		    fail(`at +${hours} h crisis-1 should be ${on ? 'on' : 'off'} ` +
		    `duty: ${row}`);
	}

	await page.click('[data-clear="crisis-1"]');
	await until('crisis-1 on duty again', () => oncall().on);
	await until('the clearing in the log', async () =>
	    (await text(page, '.duty-log')).includes('cleared'), 10000);
	say('cleared:', await text(page, '#duty-status'));
}

await run(async () => {
	const ctx = await browser('chrome-console-forms',
	    { viewport: { width: 1280, height: 800 } });
	const q = await listen('beacon/query/supervisor-1');

	try {
		const page = await ctx.newPage();
		await page.goto(`${env.url}/console.html?as=supervisor-1#debriefs`);
		await until('the console', () => page.$('#nav:not([hidden])'),
		    10000);
		await list(page);
		await debrief(page, q);
		await duty(page);
	} finally {
		await q.endAsync();
		await ctx.close();
	}
});
