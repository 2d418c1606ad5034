// The staff report page when beacond does not answer (tests/integration/
// t_web_report_offline.sh: the page is connected to a branch broker whose
// bridge to the central broker is down, and beacond's last status there
// still says online; the branch's offline_after is 3 s). A weapon report
// (severity 1) is taken by the branch broker but has no answer: at first
// the page only says it is sending; after 3 s it shows "Offline: call
// directly" with what to do instead. The shell is told so through
// $BEACON_TMP/offline-shown, brings the link back, and the page then shows
// the routing, without the offline notice. Writes the report id to
// $BEACON_TMP/report-id.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	browser, env, fail, openReport, run, say, text, until,
} from './lib.mjs';

await run(async () => {
	const ctx = await browser('chrome-report-offline',
	    { viewport: { width: 1100, height: 900 } });

	try {
		const page = ctx.pages()[0] || await ctx.newPage();
		await openReport(page, 'eastside');

		const t0 = Date.now();
		await page.click('#buttons button[data-type=weapon]');
		await until('the answer panel', () => page.$('#answer'), 2000);
		(await page.$('#answer [data-banner=offline]')) === null ||
		    fail('"Offline" at once, before offline_after');
		const id = await page.$eval('#answer', (e) => e.dataset.report);
		writeFileSync(join(env.tmp, 'report-id'), id + '\n');

		await until('"Offline: call directly"', () =>
		    page.$('#answer [data-banner=offline]'), 8000);
		const after = Date.now() - t0;
		say('offline shown after', after, 'ms');
		after >= 2900 || fail(`offline shown after ${after} ms, not 3 s`);
		const banner = await page.$eval('#answer [data-banner=offline]',
		    (e) => e.textContent);
		banner === 'Offline: call directly' ||
		    fail(`banner: ${banner}`);
		const help = await text(page, '#answer .offline-help');
		/No answer from Beacon for 3 s/.test(help) &&
		    /Call the person in charge now/.test(help) &&
		    /CALL 911/.test(help) || fail(`offline help: ${help}`);
		(await text(page, '#conn')) === 'Connected' ||
		    fail('the connection line changed');
		writeFileSync(join(env.tmp, 'offline-shown'), 'yes\n');

		// The copies the page sent while cut off reach beacond too: one
		// incident, answered "received again" after the routing.
		await until('the routing', () => page.$eval('#answer',
		    (e) => e.dataset.state === 'routed'), 45000);
		(await text(page, '#answer .headline')) ===
		    'Help is being called' || fail('headline: ' +
		    await text(page, '#answer .headline'));
		(await page.$('#answer [data-banner=offline]')) === null ||
		    fail('"Offline" still shown once routed');
		say('routed', id);
	} finally {
		await ctx.close();
	}
});
