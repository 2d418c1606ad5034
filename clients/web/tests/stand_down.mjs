// Stand-down in the responder app (tests/integration/t_web_stand_down.sh):
// crisis-1's phone rings for an overdose; security-1 acknowledges from the
// CLI; the card says who took it and the alarm stops, without crisis-1
// answering.
import { browser, cli, env, fail, run, say, text, until, PHONE
    } from './lib.mjs';

await run(async () => {
	const ctx = await browser('chrome-stand-down', PHONE);

	try {
		const page = await ctx.newPage();

		await page.goto(`${env.url}/responder.html`);
		await page.fill('input[name=responder]', 'crisis-1');
		await page.click('#login-form button[type=submit]');
		await until('connection', () => page.$('body[data-ready="1"]'),
		    10000);
		cli('report', '--branch', 'central', '--type', 'overdose',
		    '--id', 'web-sd1', '--location', 'Reading room');
		await until('alert card', async () =>
		    (await text(page, '#card')).includes('Reading room'), 8000);
		await until('the alarm', () =>
		    page.$('#card [data-ringing="true"]'));
		cli('ack', '1', '--as', 'security-1');
		const msg = await until('the stand-down', async () => {
			const t = await text(page, '#card .stand-down');
			return t.includes('taken by security-1 (security)') && t;
		}, 8000);
		say('card says:', msg);
		await until('silence', () =>
		    page.$('#card [data-ringing="false"]'));
		(await page.$('#card button[data-action=ack]')) ||
		    fail('crisis-1 can no longer acknowledge after a stand-down');
	} finally {
		await ctx.close();
	}
});
