// Web Push into the responder app's service worker (tests/integration/
// t_web_push_sw.sh starts the broker, beacond with its own listener, the
// push service stand-in web-push-testing and this). crisis-1 signs in on a
// phone at 360x740: headless Chromium reaches no push service, and the app
// signs in anyway and says what push does here. A subscription made at the
// stand-in and registered with beacond over MQTT brings beacond's real,
// encrypted push for a report; its plaintext is delivered to the app's
// service worker through the DevTools protocol, which shows the incident
// with Acknowledge and Decline (and a message that is not JSON as a plain
// "open the app" notification, never nothing). Acknowledge, as the notification's button
// runs it, POSTs beacond's action link: the reporter is told crisis-1 is
// coming and the answer replaces the notification. The picture after
// sign-in is written to the first argument followed by -signed-in.png.
import { browser, cli, env, fail, listen, run, say, screenshot, text, until
    } from './lib.mjs';

const prefix = process.argv[2];
const http = process.env.BEACON_HTTP_URL || fail('no BEACON_HTTP_URL');
const service = process.env.BEACON_PUSH_URL || fail('no BEACON_PUSH_URL');
const broker = `broker=${env.url.replace(/^http/, 'ws')}/mqtt`;
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2,
	isMobile: true, hasTouch: true };
const PUSHED = 'Alerts reach this phone when it is locked';
const NO_PUSH = 'Push is not available in this browser: alerts only while ' +
    'the app is open';

// POST a JSON body to the push service stand-in; its JSON answer.
async function serviceCall(path, body) {
	const res = await fetch(`${service}${path}`, { method: 'POST',
	    headers: { 'Content-Type': 'application/json' },
	    body: JSON.stringify(body || {}) });
	const text = await res.text();

	res.ok || fail(`${path}: ${res.status} ${text}`);
	return text ? JSON.parse(text) : {};
}

// The app on its own server, its service worker active, signed in: what
// it says about push.
async function signIn(ctx) {
	const page = await ctx.newPage();

	await page.goto(`${http}/responder.html?${broker}`);
	await until('an active service worker', () => page.evaluate(
	    async () => (await navigator.serviceWorker.getRegistration())
	    ?.active?.state === 'activated'), 10000);
	await page.fill('input[name=responder]', 'crisis-1');
	await page.click('#login-form button[type=submit]');
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);
	const line = await until('what the app says about push', async () => {
		const t = await text(page, '#push-state');
		return (t === PUSHED || t === NO_PUSH) && t;
	}, 30000);
	say('the app says:', line);
	await screenshot(page, `${prefix}-signed-in.png`, ['crisis-1', line,
	    'Connected']);
	return page;
}

// A subscription at the stand-in, for beacond's key, registered with
// beacond as crisis-1's device "phone-test".
async function subscribe(mq) {
	const lib = await until('the library configuration with a key', () => {
		const m = mq.heard.find((h) => h.topic === 'beacon/config/_library');
		return m && JSON.parse(m.text);
	});
	const key = (lib.webpush || {}).public_key ||
	    fail(`no webpush.public_key in ${JSON.stringify(lib).slice(0, 200)}`);
	const sub = (await serviceCall('/subscribe', { userVisibleOnly: 'true',
	    applicationServerKey: key })).data;
	const { endpoint, keys, clientHash } = sub;

	await mq.publishAsync('beacon/push/crisis-1', JSON.stringify({
	    device: 'phone-test', subscription: { endpoint,
		expirationTime: null, keys } }), { qos: 1 });
	const reply = await until('beacond\'s answer', () => {
		const m = mq.heard.find((h) =>
		    h.topic === 'beacon/reply/crisis-1/push' &&
		    JSON.parse(h.text).device === 'phone-test');
		return m && JSON.parse(m.text);
	});
	reply.ok || fail(`beacond refused the subscription: ${reply.error}`);
	say('subscribed at the stand-in:', endpoint);
	return clientHash;
}

// The plaintext of beacond's first push for incident 1, as the stand-in
// decrypted it.
async function pushFor(clientHash) {
	const text = await until('the push at the stand-in', async () => {
		const m = (await serviceCall('/get-notifications',
		    { clientHash })).data.messages;
		return m.find((t) => /"incident":\s*1\b/.test(t));
	}, 15000);
	const m = JSON.parse(text);

	say('beacond pushed:', text);
	m.tag === 'incident-1' && m.title.includes('Mental-health crisis') ||
	    fail(`the push message: ${text}`);
	return text;
}

// The page's service worker registration id, from the DevTools protocol.
async function registrationId(cdp) {
	const regs = new Map();

	cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
		for (const r of e.registrations)
			regs.set(r.scopeURL, r);
	});
	await cdp.send('ServiceWorker.enable');
	const r = await until('the registration', () => regs.get(`${http}/`));
	return r.registrationId;
}

// The notifications the service worker shows with tag, as plain objects.
function shown(page, tag) {
	return page.evaluate(async (t) => {
		const reg = await navigator.serviceWorker.getRegistration();
		return (await reg.getNotifications({ tag: t })).map((n) => ({
		    title: n.title, body: n.body, tag: n.tag,
		    requireInteraction: n.requireInteraction,
		    actions: n.actions.map((a) => [a.action, a.title]),
		    data: n.data }));
	}, tag);
}

async function deliver(ctx, page, payload) {
	const cdp = await ctx.newCDPSession(page);
	const registration = await registrationId(cdp);

	await cdp.send('ServiceWorker.deliverPushMessage',
	    { origin: http, registrationId: registration, data: payload });
	// A message the worker cannot read still rings.
	await cdp.send('ServiceWorker.deliverPushMessage',
	    { origin: http, registrationId: registration, data: 'not JSON' });
	await until('a notification for the message that is not JSON',
	    async () => (await shown(page, 'beacon')).some((x) =>
	    x.title === 'Beacon: open the app'));
	const n = await until('the notification with its two buttons',
	    async () => (await shown(page, 'incident-1')).find((x) =>
	    x.actions.length === 2), 8000);
	say('the service worker shows:', JSON.stringify(n));
	JSON.stringify(n.actions) === JSON.stringify([['ack', 'Acknowledge'],
	    ['decline', 'Decline']]) || fail(`the buttons: ${n.actions}`);
	n.title.includes('Mental-health crisis') && n.requireInteraction &&
	    /\/responder\.html#incident=1$/.test(n.data.url) ||
	    fail(`the notification: ${JSON.stringify(n)}`);
}

// Acknowledge, as notificationclick runs it for the button.
async function acknowledge(ctx, page) {
	const sw = ctx.serviceWorkers().find((w) => w.url() === `${http}/sw.js`) ||
	    fail(`no service worker among ${ctx.serviceWorkers().map((w) =>
		w.url())}`);
	const answer = await sw.evaluate(async () => {
		const [n] = await self.registration.getNotifications(
		    { tag: 'incident-1' });
		return self.answerAction(n, 'ack');
	});

	say('the action link answered:', JSON.stringify(answer));
	answer.ok && /^Acknowledged/.test(answer.text) ||
	    fail(`the acknowledgment: ${JSON.stringify(answer)}`);
	const after = await until('the answer in place of the alert',
	    async () => (await shown(page, 'incident-1')).find((x) =>
	    x.title === answer.text));
	after.actions.length === 0 ||
	    fail(`the answer still has buttons: ${after.actions}`);
}

await run(async () => {
	const ctx = await browser('chrome-push-sw', PHONE);
	const mq = await listen('beacon/config/_library',
	    'beacon/reply/crisis-1/push');
	const status = await listen('beacon/status/central/web-p1');

	try {
		await ctx.grantPermissions(['notifications'], { origin: http });
		const page = await signIn(ctx);
		const clientHash = await subscribe(mq);

		cli('report', '--branch', 'central', '--type', 'mental_health',
		    '--id', 'web-p1', '--location', 'Reading room, 2nd floor');
		const payload = await pushFor(clientHash);
		// The alert over MQTT first, so that the push comes after any
		// notification the page shows itself.
		await until('the alert in the app', async () =>
		    (await text(page, '#card')).includes('Mental-health crisis'),
		    8000);
		await deliver(ctx, page, payload);
		await acknowledge(ctx, page);
		await until('the reporter told crisis-1 is coming', () =>
		    status.heard.some((h) => /crisis-1/.test(
		    h.text && JSON.parse(h.text).message)), 8000);
		say('the reporter was told:', status.heard.at(-1).text);
	} finally {
		await ctx.close();
		await mq.endAsync();
		await status.endAsync();
	}
});
