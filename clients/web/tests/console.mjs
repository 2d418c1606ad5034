// The supervisor console in a real browser (tests/integration/
// t_web_console.sh starts the broker, beacond-test and this; its clock is
// moved by clock()). The board shows a report made with the command line
// within a second, with its countdown; the responder app's acknowledgment
// updates the row; the replay at 60x plays the events in the recorded
// order, in their rhythm, and its gaps are those of `beacon replay --json`;
// a correction made on the page is shown under the event it corrects; a
// drill is started and stopped; a responder is refused in words. Pictures
// of each view at both sizes go to the directory given as the argument.
import { join } from 'node:path';
import { board as boardSrc, replay as replaySrc } from './console_src.mjs';
import { browser, cli, clock, env, fail, listen, run, say, screenshot, text,
    until, signIn } from './lib.mjs';

const { nextText } = boardSrc;
const { advance, duration, gaps } = replaySrc;
const dir = process.argv[2];
const SIZES = [[1280, 800], [820, 1180]];

function url(as = 'supervisor-1', hash = '') {
	return `${env.url}/console.html?as=${as}${hash}`;
}

async function openConsole(page, hash = '') {
	await page.goto(url('supervisor-1', hash));
	await until('the board drawn', () => page.$('body[data-ready="1"]'),
	    10000);
}

function row(id) {
	return `#board li[data-incident="${id}"]`;
}

async function noOverflow(page, what) {
	const [sw, w] = await page.evaluate(() =>
	    [document.scrollingElement.scrollWidth, innerWidth]);

	sw <= w || fail(`${what}: the page is ${sw} px wide in ${w} px`);
}

async function shoot(page, view, words, opts = {}) {
	for (const [w, h] of SIZES) {
		await page.setViewportSize({ width: w, height: h });
		await page.evaluate(() => scrollTo(0, 0));
		await noOverflow(page, `${view} at ${w}x${h}`);
		await screenshot(page, join(dir, `console-${view}-${w}.png`), words,
		    opts);
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

// A report from the command line is on the board within a second, with
// the countdown to its next step.
async function board(page) {
	const t0 = Date.now();
	cli('report', '--branch', 'central', '--type', 'welfare', '--id', 'con-1',
	    '--location', 'Reading room, by the windows',
	    '--note', 'Adult asleep, hard to wake');
	await until('incident 1 on the board', () => page.$(row(1)), 1000);
	say(`on the board after ${Date.now() - t0} ms`);
	const wants = ['Welfare check', 'Central Library',
	    'Reading room, by the windows', 'Severity 3 needs care',
	    'Central Library time'];
	let seenText = '';
	const r = await until('its countdown', async () => {
		const t = seenText = await text(page, row(1));
		return /step 2 in (9:5\d|10:00)/.test(t) &&
		    wants.every((w) => t.includes(w)) && t;
	}, Math.max(100, 1000 - (Date.now() - t0))).catch((e) => {
		fail(`${e.message}: ${seenText}`);
	});
	say(`with its countdown after ${Date.now() - t0} ms: ${r}`);
	// Then who was notified, asked once the row is there.
	await until('who was notified', async () =>
	    /Notified, no answer yet crisis-1 \(crisis worker\)/.test(
	    await text(page, row(1))), 2000);
	/EST|EDT|GMT-[45]/.test(r) || fail(`no Toronto time in: ${r}`);
	// The countdown moves.
	const c1 = await text(page, `${row(1)} .countdown`);
	await until('the countdown moving', async () =>
	    (await text(page, `${row(1)} .countdown`)) !== c1, 2500);
}

// crisis-1 acknowledges on the responder app: the row says so.
async function ack(app, page) {
	await until('the alert on the app', () =>
	    app.$('#card button[data-action=ack]'), 8000);
	await app.click('#card button[data-action=ack]');
	await until('acknowledged on the board', async () => {
		const t = await text(page, `${row(1)} .inc-people`);
		return /Acknowledged crisis-1 \(crisis worker\)/.test(t) &&
		    !/Notified/.test(t);
	}, 3000);
	const st = await text(page, `${row(1)} .state`);
	st === 'acknowledged' || fail(`the row's state: ${st}`);
	await app.close();
}

// More incidents, for the pictures and the banner: a threat to life is
// announced; a drill is labelled.
async function more(page) {
	cli('report', '--branch', 'central', '--type', 'overdose', '--id', 'con-2',
	    '--location', '2nd floor washroom');
	await until('the threat-to-life banner', async () =>
	    /Threat to life: Suspected overdose at Central Library/.test(
	    await text(page, '#alert-banner')), 2000);
	(await page.$('#alert-banner[data-ringing="1"]')) ||
	    fail('the threat to life does not sound');
	await page.click('#alert-banner .life-seen');
	cli('report', '--branch', 'eastside', '--type', 'overdose',
	    '--id', 'con-3', '--drill', '--location',
	    'Study carrels, north wall, beside the large-print collection and ' +
	    'the microfilm readers');
	await until('the drill', async () =>
	    /DRILL/.test(await text(page, row(3))), 2000);
	await until('the drill banner', async () =>
	    /^DRILL: Suspected overdose at Eastside Branch/.test(await text(page,
	    '#alert-banner')), 2000);
	(await page.$('#alert-banner[data-ringing="0"]')) ||
	    fail('a drill sounds the alarm');
	await page.click('#alert-banner .life-seen');
	cli('report', '--branch', 'eastside', '--type', 'mental_health',
	    '--id', 'con-4', '--location', 'Entrance');
	await until('incident 4 and who was called', async () =>
	    /security-2/.test(await text(page, row(4))), 2000);
	(await page.$('#alert-banner:not([hidden])')) &&
	    fail('a severity 2 incident was announced as a threat to life');
	await shoot(page, 'board', ['Open incidents', 'Suspected overdose',
	    'Welfare check', 'DRILL', 'Eastside Branch']);
	// Filters.
	await page.selectOption('select[name=branch]', 'eastside');
	const shown = await page.$$eval('#board li:not([hidden])',
	    (l) => l.map((e) => e.dataset.incident));
	shown.join() === '4,3' || fail(`eastside shows ${shown}`);
	await page.selectOption('select[name=branch]', '');
	await page.selectOption('select[name=severity]', '1');
	const sev = await page.$$eval('#board li:not([hidden])',
	    (l) => l.map((e) => e.dataset.incident));
	sev.join() === '3,2' || fail(`severity 1 shows ${sev}`);
	await page.selectOption('select[name=severity]', '0');
	// By the keyboard: a row is a link; Enter opens the incident, and the
	// focus goes to the view.
	await page.focus(`${row(2)} a.inc-main`);
	await page.keyboard.press('Enter');
	await until('incident 2 opened', () =>
	    page.$('#view-incident[data-incident="2"]:not([hidden]) #play'), 5000);
	const focus = await page.evaluate(() => document.activeElement.id);
	focus === 'main' || fail(`the focus is on "${focus}", not the view`);
	await page.keyboard.press('Tab');
	const next = await page.evaluate(() => document.activeElement.textContent);
	next === 'Back to the board' || fail(`Tab went to "${next}"`);
	await page.keyboard.press('Enter');
	await until('the board again', () =>
	    page.$('#view-board:not([hidden]) #board'), 5000);
}

// Minutes between the answers, on beacond's clock.
async function answers(page) {
	await clock(180000);
	cli('arrived', '1', '--as', 'crisis-1');
	await until('on scene on the board', async () =>
	    /On scene crisis-1/.test(await text(page, `${row(1)} .inc-people`)),
	    3000);
	await clock(300000);
	cli('resolve', '1', '--as', 'crisis-1', '--note', 'Woke, was fine');
	await until('incident 1 off the board', async () => !(await page.$(row(1))),
	    3000);
}

// The replay at 60x: the events in the recorded order, each at its moment
// (scaled, pauses cut to a minute), and the gaps of `beacon replay`.
async function replay(page) {
	const tl = JSON.parse(cli('timeline', '1', '--json', '--remote', '--as',
	    'supervisor-1'));
	const want = tl.events.filter((e) => e.kind !== 'correction')
	    .map((e) => String(e.id));
	const lines = cli('replay', '1', '--json', '--speed', '0', '--remote',
	    '--as', 'supervisor-1').trim().split('\n').map((l) => JSON.parse(l));
	const sum = lines.find((l) => l.record === 'summary');

	await page.evaluate(() => { location.hash = '#incident=1'; });
	await until('the timeline', () =>
	    page.$('#view-incident[data-incident="1"] #events li'), 5000);
	const order = await page.$$eval('#events > li',
	    (l) => l.map((e) => e.dataset.event));
	order.join() === want.join() ||
	    fail(`the timeline's order ${order} is not ${want}`);
	for (const [key, ms] of Object.entries({
	    first_notified_ms: sum.first_notified_ms,
	    first_ack_ms: sum.first_ack_ms, on_scene_ms: sum.on_scene_ms,
	    resolved_ms: sum.resolved_ms })) {
		const got = await page.$eval(`#gaps [data-gap="${key}"]`,
		    (e) => e.dataset.ms);
		got === String(ms ?? '') ||
		    fail(`gap ${key}: the page says ${got}, beacon replay ${ms}`);
	}
	const gtext = await text(page, '#gaps');
	const ackText = `+${Math.floor(sum.first_ack_ms / 60000)} min ` +
	    `${Math.floor(sum.first_ack_ms / 1000) % 60} s`;
	gtext.includes(`First acknowledgment ${ackText} by crisis-1`) ||
	    fail(`the gaps: ${gtext}`);
	const counts = await page.$eval('#gaps [data-gap="counts"]',
	    (e) => [e.dataset.escalations, e.dataset.declines, e.dataset.noOne]);
	counts.join() === [sum.escalations, sum.declines,
	    sum.no_one_available].join() || fail(`counts ${counts} vs ${
	    JSON.stringify(sum)}`);

	// Play at 60x and watch: what is shown only grows, in order, and each
	// event comes at its scaled moment.
	await page.click('.speed[data-speed="60"]');
	const marks = await page.$$eval('#events > li',
	    (l) => l.map((e) => Number(e.dataset.elapsed)));
	const seen = [];
	await page.click('#play');
	const t0 = Date.now();
	let last = -1;
	await until('the end of the replay', async () => {
		const [n, playing] = await page.$eval('#view-incident', (s) =>
		    [Number(s.dataset.played), s.dataset.playing]);
		if (n !== last) {
			n >= last || fail(`the replay went back: ${last} -> ${n}`);
			seen.push([n, Date.now() - t0]);
			last = n;
		}
		return playing === '0' && n === marks.length;
	}, 20000);
	say('replay', JSON.stringify(seen));
	for (const [n, at] of seen.slice(1)) {
		let due = 0, prev = 0;
		for (const m of marks.slice(0, n)) {
			due += Math.min((m - prev) / 60, 60000);
			prev = m;
		}
		Math.abs(at - due) < 700 ||
		    fail(`event ${n} came at ${at} ms of the replay, due at ${due}`);
	}
	seen.some(([n, at]) => n >= 3 && at > 1000) ||
	    fail(`the replay did not take its time: ${JSON.stringify(seen)}`);
	// Scrubbed back to the acknowledgment: crisis-1 had answered.
	const ackAt = sum.first_ack_ms;
	await page.$eval('#scrub', (e, v) => {
		e.value = String(v);
		e.dispatchEvent(new Event('input'));
	}, Math.ceil(ackAt / 1000) * 1000);
	const saw = await text(page, '#saw');
	saw.includes(`crisis-1 (crisis worker): acknowledged at ${ackText}`) ||
	    fail(`at the acknowledgment: ${saw}`);
	await page.$eval('#scrub', (e) => {
		e.value = '1000';
		e.dispatchEvent(new Event('input'));
	});
	const before = await text(page, '#saw');
	/crisis-1 \(crisis worker\): paged at \+0\.\d s \(step 1\): no answer yet/
	    .test(before) || fail(`before the acknowledgment: ${before}`);
}

// A correction from the page, shown under the event it corrects.
async function correct(page) {
	const ev = await page.$eval('#events > li.k-arrived',
	    (e) => e.dataset.event);
	await page.click('#correct summary');
	await page.selectOption('#correct-event', ev);
	await page.fill('#correct-note', 'arrived a minute earlier, by the desk');
	await page.click('#correct button[type=submit]');
	const c = await until('the correction', () => text(page,
	    `#events > li[data-event="${ev}"] .correction`), 5000);
	/^Correction by supervisor-1 at .*: arrived a minute earlier/.test(c) ||
	    fail(`the correction: ${c}`);
	const orig = await text(page, `#events > li[data-event="${ev}"] .ev-text`);
	orig === 'crisis-1 arrived on scene' || fail(`the original: ${orig}`);
	// Legal hold, on and off, recorded as supervisor-1's.
	await page.fill('#hold-note', 'records request from a patron');
	await page.click('#hold-form button[type=submit]');
	await until('the hold', async () =>
	    /on legal hold/.test(await text(page, '.facts')), 5000);
	await page.click('#hold-form button[type=submit]');
	await until('the hold released', async () =>
	    /Not on legal hold/.test(await text(page, '#hold-form')), 5000);
	await shoot(page, 'incident', ['Incident 1: Welfare check',
	    'The gaps that mattered', 'Correction by supervisor-1',
	    'Central Library time'], { fullPage: true });
}

async function branches(page) {
	// A desk page that went offline a while ago.
	const c = await listen();
	const ts = new Date(Date.now() - 600000).toISOString();
	for (const state of ['online', 'offline'])
		await c.publishAsync('beacon/device/central/desk-3',
		    JSON.stringify({ state, kind: 'report_page', ts }),
		    { qos: 1, retain: true });
	await c.endAsync();
	await page.click('#nav a[data-view=branches]');
	const card = '#view-branches li[data-branch="central"]';
	await until('the branches', () => page.$(card), 5000);
	await page.click(`${card} button[data-act=drill]`);
	await until('the drill in force', async () =>
	    /DRILL/.test(await text(page, `${card} .mode`)), 5000);
	await until('the offline desk page', async () => /desk-3 \(report page\): last seen/
	    .test(await text(page, card)), 5000);
	await shoot(page, 'branches', ['Branches: modes and devices',
	    'Central Library', 'Eastside Branch', 'Start drill']);
	await page.click(`${card} button[data-act=stop]`);
	await until('the drill stopped', async () =>
	    /^Normal/.test(await text(page, `${card} .mode`)), 5000);
}

// The board report, from beacond's link, in a new tab.
async function reports(ctx, page) {
	await page.click('#nav a[data-view=reports]');
	await until('the reports', () => page.$('#open-report'), 5000);
	(await page.$('#no-report')) &&
	    fail('the page says beacond has no http listener');
	await shoot(page, 'reports', ['Reports', 'Open the board report',
	    'First day']);
	const [tab] = await Promise.all([ctx.waitForEvent('page'),
	    page.click('#open-report')]);
	await until('the report in the tab', async () =>
	    /\/r\/[A-Za-z0-9_.-]+$/.test(tab.url()) &&
	    /Incidents and responses/.test(await tab.evaluate(() =>
	    document.body ? document.body.innerText : '')), 10000);
	say('report tab:', tab.url());
	await until('the link on the page', async () =>
	    /The report is open in a new tab/.test(await text(page,
	    '#report-msg')), 3000);
	await tab.close();
}

// A responder's account is refused, in words; signing in with the form
// as a supervisor opens the board.
async function refused(ctx) {
	const page = await ctx.newPage();

	await page.goto(url('crisis-1'));
	await until('the refusal', () => page.$('body[data-refused="1"]'), 8000);
	const t = await text(page, '#refused');
	/This console is for supervisors and managers\./.test(t) &&
	    /crisis-1 may not make supervisor requests/.test(t) ||
	    fail(`the refusal: ${t}`);
	(await page.$('#nav:not([hidden])')) && fail('the refused page has a nav');
	await page.goto(`${env.url}/console.html`);
	await until('the sign-in form', () => page.$('#login:not([hidden])'), 5000);
	await page.fill('input[name=responder]', 'manager-1');
	await page.click('#login-form button[type=submit]');
	await until('the board, signed in', () => page.$('body[data-ready="1"]'),
	    10000);
	const who = await text(page, '#who');
	/^manager-1/.test(who) || fail(`signed in as "${who}"`);
	(await text(page, '#conn')) === 'Online' || fail('not said online');
	await page.close();
}

// The replay's arithmetic alone: a pause longer than a minute after
// scaling is cut to a minute, as beacon replay does; debrief notices are
// not the first notification.
function arithmetic() {
	const marks = [0, 76000, 256000, 7456000];
	const d1 = duration(marks, 1), d60 = duration(marks, 60);
	d1 === 60000 + 60000 + 60000 || fail(`1x takes ${d1} ms`);
	d60 === 76000 / 60 + 3000 + 60000 || fail(`60x takes ${d60} ms`);
	const at = advance(marks, 0, 60000 + 30000, 1);
	at === 76000 + 90000 || fail(`after 90 s at 1x the replay is at ${at}`);
	const g = gaps([{ ts: '2026-12-07T10:00:05.000Z', kind: 'notified',
	    detail: 'debrief_due' }, { ts: '2026-12-07T10:00:07.000Z',
	    kind: 'notified', detail: 'role=security' }],
	    '2026-12-07T10:00:00.000Z');
	g.first_notified_ms === 7000 || fail(`first notified ${g.first_notified_ms}`);
	// The board's words for what comes next.
	const T = Date.parse('2026-12-07T10:00:00.000Z');
	const iso = (ms) => new Date(T + ms).toISOString();
	for (const [inc, want] of [
	    [{ step: -1, next: { step: 0, at: iso(3000) } },
		'first notifications in 0:03'],
	    [{ step: 0, next: { step: 0, at: iso(12000), repeat: true } },
		'repeat of step 1 in 0:12'],
	    [{ step: 0, next: { step: 1, at: iso(42000), repeat: false } },
		'step 2 in 0:42'],
	    [{ step: 1, next: { step: 2, at: iso(3723000) } }, 'step 3 in 1:02:03'],
	    [{ step: 1, next: { step: 2, at: iso(-1000) } }, 'step 3 due now'],
	    [{ step: 1 }, '']]) {
		const got = nextText(inc, T);
		got === want || fail(`next ${JSON.stringify(inc)}: "${got}", not "${want}"`);
	}
}

async function main() {
	arithmetic();
	const ctx = await browser('console', {
	    viewport: { width: 1280, height: 800 } });
	const app = await ctx.newPage();
	await app.setViewportSize({ width: 412, height: 860 });
	await signIn(app, 'crisis-1');
	const page = await ctx.newPage();

	try {
		await steps(ctx, app, page);
	} finally {
		await ctx.close();
	}
}

async function steps(ctx, app, page) {
	await openConsole(page);
	const empty = await text(page, '#board-count');
	empty === 'No open incidents.' || fail(`the empty board: ${empty}`);
	await board(page);
	await clock(76000);
	await ack(app, page);
	await more(page);
	await answers(page);
	await replay(page);
	await correct(page);
	await branches(page);
	await reports(ctx, page);
	await refused(ctx);
}

run(main);
