// The pages in French and English on one beacond (tests/integration/
// t_web_i18n.sh starts the broker, beacond and this), in a browser whose
// own language is English: Central's language is "fr" in beacon.conf, so
// its report page speaks French (<html lang="fr-CA">, the overdose
// button's French label, a French answer after the press and the red
// « COMPOSEZ LE 911 MAINTENANT »); crisis-1's language is "fr", so the
// responder app signed in as crisis-1 speaks French, its alert card too;
// Eastside has no language and its page stays English. A configuration
// that says "en" switches Central's open page to English at once, answer
// and banner included, and "fr" back to French. At Northside (French,
// no crisis worker) a child-safety report says in French, in red, that
// no one is available. Pictures at
// 360x740 and 1280x800 go to the directory given as the first argument.
// axe-core checks the French report page and alert card as t_web_axe
// checks the English ones: a serious or critical violation fails.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browser, fail, env, listen, run, say, screenshot, text, until
    } from './lib.mjs';

const dir = process.argv[2];
const NARROW = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 1,
	isMobile: true, hasTouch: true, locale: 'en-US', bypassCSP: true };
const DESK = { viewport: { width: 1280, height: 800 }, locale: 'en-US',
	bypassCSP: true };
const RED = 'rgb(180, 35, 24)';
// Central's zone in the test's beacon.conf.
const ZONE = 'America/Toronto';

// The hour now and a minute ago in Central's zone, "00" to "23".
function hours() {
	return [0, 60000].map((d) => new Intl.DateTimeFormat('en-CA',
	    { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' })
	    .format(Date.now() - d));
}

// A time of day in Central's zone, 24-hour: "17 h 45" in French, or with
// seconds "17:45:09" (a column of times).
function frenchTime(s, what) {
	const m = /\b(\d{2})(?: h |:)\d{2}\b/.exec(s || '');

	m && hours().includes(m[1]) ||
	    fail(`${what}: "${s}" is not the time in ${ZONE} in French ` +
	    `(hour ${hours()[0]})`);
}
const AXE = readFileSync(join(dirname(fileURLToPath(import.meta.url)),
    '../node_modules/axe-core/axe.min.js'), 'utf8');

async function axe(page, what) {
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.addScriptTag({ content: AXE });
	const v = await page.evaluate(async () =>
	    (await window.axe.run(document, { resultTypes: ['violations'] }))
		.violations.map((x) => `${x.impact} ${x.id}: ${x.nodes.map((n) =>
		n.target.join(' ')).slice(0, 4).join(', ')}`));
	const bad = v.filter((x) => /^(serious|critical) /.test(x));

	say(`axe, ${what}: ${v.length} violation(s)`, v.join('; '));
	bad.length && fail(`axe, ${what}: ${bad.join('; ')}`);
}

async function lang(page) {
	return page.evaluate(() => document.documentElement.lang);
}

// The report page of branch, its buttons drawn and connected (in either
// language: the connection line is one of the catalog's).
async function open(page, branch, connected) {
	await page.goto(`${env.url}/report.html?branch=${branch}`);
	await until('the buttons', () => page.$('#buttons button[data-type]'),
	    8000);
	await until(`"${connected}"`, async () =>
	    (await text(page, '#conn')) === connected, 8000);
}

// open, then the page's <html lang> and its overdose button's label.
async function openIn(page, branch, connected, want, label) {
	await open(page, branch, connected);
	const l = await lang(page);
	l === want || fail(`${branch}'s page is <html lang="${l}">`);
	const got = await text(page,
	    '#buttons button[data-type=overdose] .label');
	say(`${branch}'s overdose button:`, got);
	got === label || fail(`${branch}'s overdose button says "${got}"`);
}

async function history(page) {
	return page.$$eval('#answer .history .msg', (l) =>
	    l.map((e) => e.textContent));
}

// Central, in French, whatever the browser says.
async function french(page, shot) {
	await openIn(page, 'central', 'Connecté', 'fr-CA',
	    'Surdose soupçonnée');
	const ask = await text(page, '.ask');
	ask === 'Que se passe-t-il? Appuyez sur un bouton :' ||
	    fail(`the question says "${ask}"`);
	const sev = await text(page, '#buttons button[data-type=overdose] .sev');
	sev.toLowerCase() === '1 · danger de mort' ||
	    fail(`the severity says "${sev}"`);
	(await page.title()) === 'Beacon : signaler un incident' ||
	    fail(`the title is "${await page.title()}"`);

	await page.fill('#location', 'Rez-de-chaussée, toilettes est');
	await page.click('#buttons button[data-type=overdose]');
	// The banner may be drawn again while statuses arrive: text and
	// colour are read together until both are right.
	let seen = 'nothing';
	await until('« COMPOSEZ LE 911 MAINTENANT » in red', async () => {
		const got = await page.$eval('#answer [data-banner=call911]',
		    (e) => [e.textContent.trim(),
		    getComputedStyle(e).backgroundColor]).catch(() => null);
		if (got)
			seen = `"${got[0]}" on ${got[1]}`;
		return got && got[0] === 'COMPOSEZ LE 911 MAINTENANT' &&
		    got[1] === RED;
	}, 10000).catch((e) => fail(`${e.message}; last seen ${seen}`));
	say('banner:', seen);
	const h = await until('the routing', async () => {
		const x = await history(page);
		return x.length >= 2 && x;
	}, 10000);
	say('history:', h.join(' | '));
	// beacond's words, as they come: French for a French branch, once
	// its catalog has them (BEACON_DAEMON_FR, set by t_web_i18n.sh).
	if (process.env.BEACON_DAEMON_FR === '1')
		h.some((m) => /^(received|routed)\b/.test(m)) &&
		    fail(`beacond answered Central in English: ${h.join(' | ')}`);
	else
		say('beacond\'s status messages are not checked: po/fr.po does ' +
		    'not translate them yet');
	const head = await text(page, '#answer .headline');
	say('headline:', head);
	['Reçu', 'On appelle de l\'aide'].includes(head) ||
	    fail(`the headline says "${head}"`);
	const what = await text(page, '#answer .what');
	what.includes('Surdose soupçonnée') ||
	    fail(`the answer names the report "${what}"`);
	frenchTime(await text(page, '#answer .when'), 'the report\'s time');
	await screenshot(page, shot, ['COMPOSEZ LE 911 MAINTENANT',
	    'Surdose soupçonnée', head], { fullPage: true });
	await axe(page, 'the French report page');
}

// Central's configuration says "en" (as a reload of beacon.conf would):
// the page switches at once, and everything on it is drawn again in
// English, the answer and its banner too. Then French again.
async function live(page) {
	const mq = await listen('beacon/config/central');
	const say_ = async (language) => {
		cfg.language = language;
		await mq.publishAsync('beacon/config/central', JSON.stringify(cfg),
		    { qos: 1, retain: true });
	};
	let cfg;

	try {
		cfg = JSON.parse((await until('Central\'s configuration', () =>
		    mq.heard[0])).text);
		await say_('en');
		await until('the page in English', async () =>
		    (await lang(page)) === 'en-CA');
		const want = { '#answer [data-banner=call911]': 'CALL 911 NOW',
			'#answer .headline': 'Crisis worker acknowledged, on the way',
			'.ask': 'What is happening? Press one:',
			'#buttons button[data-type=overdose] .label':
			    'Suspected overdose',
			'#conn': 'Connected' };
		for (const [sel, w] of Object.entries(want)) {
			let got = '';
			await until(`"${w}"`, async () => (got = await text(page,
			    sel)) === w).catch(() =>
			    fail(`switched to English, ${sel} says "${got}"`));
		}
		say('switched to English and back:', Object.values(want)
		    .join(' | '));
		await say_('fr');
		await until('the page in French again', async () =>
		    (await text(page, '#answer [data-banner=call911]')) ===
		    'COMPOSEZ LE 911 MAINTENANT');
	} finally {
		await mq.endAsync();
	}
}

// Northside (French, no crisis worker): a child-safety report reaches no
// one. beacond says so in French; the page knows it from the status's
// numbers, not its words, and says so in red in French.
async function nobody(page) {
	await open(page, 'northside', 'Connecté');
	await page.click('#buttons button[data-type=child_safety]');
	const want = 'Personne n\'est disponible : appelez la personne responsable';
	let seen = 'nothing';
	await until(`« ${want} » in red`, async () => {
		const got = await page.$eval('#answer [data-banner=nobody]',
		    (e) => [e.textContent.trim(),
		    getComputedStyle(e).backgroundColor]).catch(() => null);
		if (got)
			seen = `"${got[0]}" on ${got[1]}`;
		return got && got[0] === want && got[1] === RED;
	}, 10000).catch((e) => fail(`${e.message}; last seen ${seen}`));
	const h = await history(page);
	say('nobody at Northside:', seen, '·', h.join(' | '));
	(await text(page, '#answer .headline')) === 'Personne n\'est disponible' ||
	    fail(`Northside's headline: "${await text(page, '#answer .headline')}"`);
}

// Eastside: no language in beacon.conf, an English browser: English.
async function english(page, shot) {
	await openIn(page, 'eastside', 'Connected', 'en-CA',
	    'Suspected overdose');
	(await text(page, '.ask')) === 'What is happening? Press one:' ||
	    fail(`Eastside's question: "${await text(page, '.ask')}"`);
	await screenshot(page, shot, ['Suspected overdose',
	    'What is happening? Press one:']);
}

// crisis-1 (language "fr") signs in on an English phone: the app speaks
// French; the overdose at Central shows a French card.
async function responder(ctx, report, shot) {
	const page = await ctx.newPage();

	await page.goto(`${env.url}/responder.html`);
	(await text(page, '#login h2')) === 'Sign in once' ||
	    fail('before signing in, the app does not speak the browser\'s ' +
	    `English: "${await text(page, '#login h2')}"`);
	await page.fill('input[name=responder]', 'crisis-1');
	await page.click('#login-form button[type=submit]');
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);
	await until('French', async () => (await lang(page)) === 'fr-CA');
	const conn = await text(page, '#conn');
	say('responder:', conn, '·', await text(page, '#who'));
	conn === 'Connecté : les alertes sonneront' ||
	    fail(`the app's connection line: "${conn}"`);
	(await text(page, '#home h2')) === 'Incidents en cours' ||
	    fail(`the app's heading: "${await text(page, '#home h2')}"`);

	await report();
	await until('the alert card', () => page.$('#card [data-incident]'),
	    10000);
	const c = await text(page, '#card');
	say('card:', c);
	for (const want of ['Surdose soupçonnée', 'Confirmer',
	    'Décliner', 'GRAVITÉ 1 · DANGER DE MORT'])
		c.includes(want) || fail(`the card lacks "${want}": ${c}`);
	const at = await page.$eval('#card .ago', (e) => e.title);
	say('the alert came at:', at);
	frenchTime(at, 'the alert\'s time');
	await screenshot(page, shot, ['Surdose soupçonnée', 'Confirmer',
	    'Décliner']);
	await axe(page, 'the French alert card');
	await page.click('#card button[data-action=ack]');
	await until('the French answer', async () =>
	    (await text(page, '#card .result.good')).startsWith(
	    'Vous avez confirmé'), 8000);
	await page.close();
}

await run(async () => {
	const phone = await browser('chrome-i18n-phone', NARROW);
	const desk = await browser('chrome-i18n-desk', DESK);

	try {
		const p = phone.pages()[0] || await phone.newPage();
		const d = desk.pages()[0] || await desk.newPage();
		// The responder is signed in before the report, to be called.
		await responder(phone, () => french(p, join(dir,
		    'i18n-report-fr-360.png')), join(dir,
		    'i18n-responder-fr-360.png'));
		// The acknowledgment on the report page: the role's French
		// label (from the library's configuration) in the catalog's
		// sentence.
		const acked = 'Intervenant·e de crise : confirmé, en route';
		let head = '';
		await until(`« ${acked} »`, async () => (head = await text(p,
		    '#answer .headline')) === acked, 8000).catch((e) =>
		    fail(`${e.message}; the headline says "${head}"`));
		say('headline:', head);
		await live(p);
		await open(d, 'central', 'Connecté');
		await screenshot(d, join(dir, 'i18n-report-fr-1280.png'),
		    ['Surdose soupçonnée',
		    'Que se passe-t-il? Appuyez sur un bouton :']);
		await nobody(d);
		await english(d, join(dir, 'i18n-report-en-1280.png'));
		await english(p, join(dir, 'i18n-report-en-360.png'));
	} finally {
		await phone.close();
		await desk.close();
	}
});
