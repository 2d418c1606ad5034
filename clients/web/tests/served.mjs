// The pages served by beacond's own listener (tests/integration/
// t_web_served.sh), which names each file's type and sends a
// Content-Security-Policy: the responder app's service worker registers and
// becomes active, the app signs in over MQTT to the broker's websockets
// port, and the report page draws its buttons, with no console error on
// the way (a CSP violation is one). BEACON_HTTP_URL is beacond's listener;
// env.url the broker's websockets listener.
import { browser, env, fail, run, say, text, until, PHONE
    } from './lib.mjs';

const http = process.env.BEACON_HTTP_URL || fail('no BEACON_HTTP_URL');
const broker = `broker=${env.url.replace(/^http/, 'ws')}/mqtt`;

await run(async () => {
	const ctx = await browser('chrome-served', PHONE);

	try {
		const page = await ctx.newPage();

		await page.goto(`${http}/responder.html?${broker}`);
		const sw = await page.evaluate(() => Promise.race([
			navigator.serviceWorker.ready.then((r) => ({
				scope: r.scope,
				active: r.active && r.active.state,
				script: r.active && r.active.scriptURL })),
			new Promise((r) => setTimeout(() => r(null), 10000)),
		]));
		sw || fail('the service worker is not ready within 10 s');
		say('service worker:', JSON.stringify(sw));
		sw.script === `${http}/sw.js` ||
		    fail(`the service worker is ${sw.script}`);
		await until('an active service worker', () => page.evaluate(
		    async () => (await navigator.serviceWorker
		    .getRegistration())?.active?.state === 'activated'), 10000);
		await page.fill('input[name=responder]', 'crisis-1');
		await page.click('#login-form button[type=submit]');
		await until('connection', () => page.$('body[data-ready="1"]'),
		    10000);
		say('the responder app signed in over', broker);

		const report = await ctx.newPage();
		await report.goto(`${http}/report.html?branch=central&${broker}`);
		await until('the report buttons', () =>
		    report.$('#buttons button[data-type]'), 10000);
		await until('the report connection', async () =>
		    (await text(report, '#conn')) === 'Connected');
		say('the report page drew its buttons');
	} finally {
		await ctx.close();
	}
});
