// The console in the account's language (tests/integration/
// t_web_console_lang.sh): manager-1 reads French (language = "fr" in
// beacon.conf, beacon/config/_library), supervisor-1 has no language and
// the browser asks for English. Incident 1, a welfare check at Central
// (America/Toronto), is open. Pictures go to the directory given.
import { join } from 'node:path';
import { browser, env, fail, run, say, screenshot, text, until }
    from './lib.mjs';

const dir = process.argv[2];
const SIZES = [[1280, 800], [360, 740]];
const ROW = '#board li[data-incident="1"]';
// "14 h 05", "9 h 05", with seconds "14 h 05 min 09 s" or "14:05:09".
const H24 = /\b([01]?\d|2[0-3]) h [0-5]\d\b/;
const H12 = /\b(a\.m\.|p\.m\.|AM|PM)\b/i;

async function open(page, as, hash = '') {
	await page.goto(`${env.url}/console.html?as=${as}${hash}`);
	await until(`${as}: the board drawn`, () =>
	    page.$('body[data-ready="1"]'), 10000);
	await until(`${as}: incident 1 on the board`, () => page.$(ROW), 5000);
}

async function has(page, sel, words, what) {
	const t = await text(page, sel);
	const missing = words.filter((w) => !t.includes(w));

	missing.length && fail(`${what}: no ${missing.map((w) => `"${w}"`)
	    .join(', ')} in: ${t.replace(/\s+/g, ' ').slice(0, 400)}`);
	return t;
}

async function noOverflow(page, what) {
	const [sw, w] = await page.evaluate(() =>
	    [document.scrollingElement.scrollWidth, innerWidth]);

	sw <= w || fail(`${what}: the page is ${sw} px wide in ${w} px`);
}

// The words are those at the top of the page, seen at both sizes.
async function shoot(page, name, words) {
	for (const [w, h] of SIZES) {
		await page.setViewportSize({ width: w, height: h });
		await page.evaluate(() => scrollTo(0, 0));
		await noOverflow(page, `${name} at ${w}x${h}`);
		await screenshot(page, join(dir, `console-${name}-${w}.png`), words);
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

async function french(ctx) {
	const page = await ctx.newPage();

	await open(page, 'manager-1');
	const lang = await page.evaluate(() => document.documentElement.lang);
	lang === 'fr-CA' || fail(`manager-1: <html lang="${lang}">, not fr-CA`);
	const nav = await has(page, '#nav', ['Tableau', 'Comptes rendus',
	    'De garde', 'Succursales', 'Rapports'], 'the French nav');
	say('nav:', nav.replace(/\s+/g, ' '));
	await has(page, '#view-board', ['Incidents en cours',
	    'Toutes les succursales'], 'the French board');
	await has(page, 'header', ['Console Beacon', 'En ligne',
	    'gestionnaire de succursale'], 'the French header');
	const title = await page.title();
	title === 'Console Beacon' || fail(`the page's title: ${title}`);
	// The card: the category's French label, the state's, the time on
	// the 24-hour clock in Toronto's zone.
	// Who was notified comes a moment after the row.
	const row = await until('who was notified, in French', async () => {
		const t = await text(page, ROW);
		return t.includes('Avisé·es, sans réponse') && t;
	}, 3000);
	say('card:', row.replace(/\s+/g, ' '));
	for (const w of ['Vérification du bien-être', 'Central Library',
	    'Salle de lecture', 'Gravité 3', 'Incident 1',
	    'en attente d\'une prise en charge', 'heure de Central Library',
	    'Signalé à'])
		row.includes(w) || fail(`the French card lacks "${w}": ${row}`);
	H24.test(row) || fail(`no 24-hour time ("14 h 05") in: ${row}`);
	H12.test(row) && fail(`a 12-hour time in: ${row}`);
	/HNE|HAE|UTC−[45]|UTC-[45]/.test(row) ||
	    fail(`no Toronto zone name in: ${row}`);
	const state = await page.getAttribute(`${ROW} .state`, 'data-state');
	state === 'routed' || fail(`the card's data-state: ${state}`);
	await shoot(page, 'fr-board', ['Tableau', 'Incidents en cours',
	    'Vérification du bien-être']);

	// The incident: its summary, timeline and replay in French; the
	// events' kinds in words, their recorded details as they were.
	await page.click(`${ROW} a.inc-main`);
	await until('incident 1 shown', () =>
	    page.$('#view-incident[data-incident="1"] #events li'), 5000);
	const inc = await has(page, '#view-incident', ['Incident 1 :',
	    'Vérification du bien-être', 'État', 'Lieu', 'Chronologie',
	    'Reprise', 'Lire', 'Les délais qui comptent',
	    'Retour au tableau', 'Conservation légale'], 'the French incident');
	const ev = await text(page, '#events li:first-child');
	say('first event:', ev.replace(/\s+/g, ' '));
	// The timeline's column: seconds, "14:05:09", 24-hour.
	/\b([01]\d|2[0-3]):[0-5]\d:[0-5]\d\b/.test(ev) ||
	    fail(`no 24-hour time in the timeline: ${ev}`);
	/signalement/.test(ev) || fail(`the event's kind is not in French: ${ev}`);
	H12.test(inc) && fail('a 12-hour time in the incident');
	await shoot(page, 'fr-incident', ['Incident 1 :', 'Gravité',
	    'Retour au tableau']);
	await views(page);
	await page.close();
}

// The other views in French, with no catalog key left showing.
const VIEWS = [
	['debriefs', '#view-debriefs[data-loaded]', ['Comptes rendus à faire',
	    'Actualiser']],
	['debrief=1', '#debrief-form', ['Compte rendu de l\'incident 1',
	    'Rencontre de soutien au bien-être', 'Bilan opérationnel',
	    'Consigner la révision 1']],
	['duty', '#view-duty[data-loaded]', ['De garde', 'Créer une dérogation',
	    'Journal des dérogations']],
	['branches', '#view-branches[data-loaded]', ['Succursales : modes et ' +
	    'appareils', 'Lancer un exercice', 'Appareils']],
	['reports', '#open-report', ['Premier jour', 'Dernier jour',
	    'Ouvrir le rapport pour le conseil']],
];

async function views(page) {
	for (const [hash, ready, words] of VIEWS) {
		await page.evaluate((h) => { location.hash = h; }, hash);
		await until(`#${hash} drawn`, () => page.$(ready), 5000);
		const view = hash.replace(/=.*/, '');
		await has(page, `#view-${view}`, words, `#${hash} in French`);
		const body = await text(page, `#view-${view}`);
		/\bconsole\.[a-z_]+\.?[a-z_]*/.test(body) &&
		    fail(`#${hash}: a catalog key shows: ${body.slice(0, 300)}`);
		say(`#${hash}:`, body.slice(0, 120));
	}
	await screenshot(page, join(dir, 'console-fr-reports-1280.png'),
	    ['Rapports', 'Premier jour']);
	await page.evaluate(() => { location.hash = 'duty'; });
	await until('#duty again', () => page.$('#view-duty:not([hidden])'), 5000);
	await screenshot(page, join(dir, 'console-fr-duty-1280.png'),
	    ['De garde']);
}

async function english(ctx) {
	const page = await ctx.newPage();

	await open(page, 'supervisor-1');
	const lang = await page.evaluate(() => document.documentElement.lang);
	lang === 'en-CA' || fail(`supervisor-1: <html lang="${lang}">, not en-CA`);
	await has(page, '#nav', ['Board', 'Debriefs', 'On duty', 'Branches',
	    'Reports'], 'the English nav');
	const row = await has(page, ROW, ['Welfare check', 'Severity 3',
	    'waiting for an acknowledgment', 'Central Library time'],
	    'the English card');
	say('English card:', row.replace(/\s+/g, ' '));
	/Tableau|Incidents en cours/.test(await text(page, 'body')) &&
	    fail('French on the English account\'s page');
	await screenshot(page, join(dir, 'console-en-board-1280.png'),
	    ['Board', 'Open incidents']);
	await page.close();
}

run(async () => {
	const ctx = await browser('console-lang', { locale: 'en-US',
	    viewport: { width: 1280, height: 800 } });

	try {
		await french(ctx);
		await english(ctx);
	} finally {
		await ctx.close();
	}
});
