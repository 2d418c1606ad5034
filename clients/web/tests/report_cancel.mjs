// The staff report page's Cancel button (tests/integration/
// t_web_report_cancel.sh runs beacond with a cancel window of a few
// seconds): a welfare check (severity 3) offers "Cancel: pressed by
// mistake" while it waits; pressed, the page says nobody was notified and
// the button goes. An overdose (severity 1) never offers it. At Eastside,
// in drill mode, a report made without the drill box is labelled DRILL.
// Writes the three report ids to $BEACON_TMP/report-ids.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	browser, env, fail, openReport, run, say, text, until,
} from './lib.mjs';

const ids = [];

async function welfare(page) {
	await page.click('#buttons button[data-type=welfare]');
	await until('the cancel button', () => page.$('#answer button.cancel'),
	    3000);
	await page.click('#answer button.cancel');
	await until('"Cancelled"', async () => (await text(page,
	    '#answer .headline')) === 'Cancelled: nobody was notified');
	(await page.$('#answer button.cancel')) === null ||
	    fail('the cancel button is still there');
	ids.push(await page.$eval('#answer', (e) => e.dataset.report));
	say('cancelled', ids[0]);
}

async function overdose(page) {
	await page.click('#buttons button[data-type=overdose]');
	await until('the routing', async () => (await text(page,
	    '#answer .message')).startsWith('routed'));
	(await page.$('#answer button.cancel')) === null ||
	    fail('a severity 1 report offers a cancel');
	ids.push(await page.$eval('#answer', (e) => e.dataset.report));
}

async function drillMode(page) {
	await openReport(page, 'eastside');
	await page.click('#buttons button[data-type=child_safety]');
	await until('the drill label', async () =>
	    (await text(page, '#answer .what')).startsWith('DRILL'));
	ids.push(await page.$eval('#answer', (e) => e.dataset.report));
}

await run(async () => {
	const ctx = await browser('chrome-report-cancel',
	    { viewport: { width: 1100, height: 900 } });

	try {
		const page = ctx.pages()[0] || await ctx.newPage();
		await openReport(page, 'central');
		await welfare(page);
		await overdose(page);
		await drillMode(page);
		writeFileSync(join(env.tmp, 'report-ids'), ids.join('\n') + '\n');
	} finally {
		await ctx.close();
	}
});
