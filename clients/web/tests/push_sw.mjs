// Web Push into the responder app's service worker (tests/integration/
// t_web_push_sw.sh starts the broker, beacond with its own listener, the
// push service stand-in web-push-testing and this). On a phone at 360x740:
//
// - Headless Chromium reaches no push service: crisis-1 signs in anyway,
//   the app says that alerts come only while it is open, and signing out
//   tells beacond to forget this phone's subscription.
// - A subscription made at the stand-in for beacond's key is what the
//   browser's PushManager gives the app (the one part stood in for, as
//   headless Chromium has no push service of its own): the app sends it
//   to beacond over MQTT with its device id and says, on beacond's answer,
//   that alerts reach the phone when it is locked.
// - beacond's real, encrypted push for a report, decrypted by the
//   stand-in, is delivered to the app's service worker through the
//   DevTools protocol: it shows the incident with Acknowledge and Decline
//   (and a message that is not JSON as a plain "open the app"
//   notification, never nothing). Told French by the page, the worker
//   says its own words in French: « Beacon : ouvrez l'application », and
//   Confirmer and Décliner for buttons a push names without a
//   title. Acknowledge, as the notification's
//   button runs it, POSTs beacond's action link: the reporter is told
//   crisis-1 is coming, and the answer takes the alert's place.
//
// The pictures after each sign-in are written to the first argument
// followed by -signed-in.png (no push) and -pushed.png. Last, the app at
// a tapped notification's address (#incident=1) shows that incident.
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

function json(s) {
	try {
		return JSON.parse(s);
	} catch {
		return null;
	}
}

// What the test's connection heard on topic, parsed, for which fn is true.
function heard(mq, topic, fn = () => true) {
	return mq.heard.filter((h) => h.topic === topic).map((h) => json(h.text))
	    .filter((p) => p && fn(p));
}

// POST a JSON body to the push service stand-in; its JSON answer.
async function serviceCall(path, body) {
	const res = await fetch(`${service}${path}`, { method: 'POST',
	    headers: { 'Content-Type': 'application/json' },
	    body: JSON.stringify(body || {}) });
	const t = await res.text();

	res.ok || fail(`${path}: ${res.status} ${t}`);
	return t ? JSON.parse(t) : {};
}

// Signed in as crisis-1 on the app's own server, its service worker
// active; the page once it says what push does here, which is want.
async function signIn(page, want, picture) {
	await page.goto(`${http}/responder.html?${broker}`);
	await until('an active service worker', () => page.evaluate(
	    async () => (await navigator.serviceWorker.getRegistration())
	    ?.active?.state === 'activated'), 10000);
	await page.fill('input[name=responder]', 'crisis-1');
	await page.click('#login-form button[type=submit]');
	await until('connection', () => page.$('body[data-ready="1"]'), 10000);
	const line = await until('what the app says about push', async () => {
		const t = await text(page, '#push-state');
		return (t === PUSHED || t === NO_PUSH || /^Alerts cannot/.test(t)) &&
		    t;
	}, 30000);
	say('the app says:', line);
	line === want || fail(`the app says "${line}", not "${want}"`);
	await screenshot(page, `${prefix}-${picture}.png`, ['crisis-1', line,
	    'Connected']);
}

// Without a push service: signed in all the same, and signing out
// removes this phone's subscription at beacond.
async function noPush(page, mq) {
	await signIn(page, NO_PUSH, 'signed-in');
	const device = await page.evaluate(() =>
	    JSON.parse(localStorage.getItem('beacon.device')));
	/^phone-[0-9a-f]{8}$/.test(device) || fail(`the device id ${device}`);
	await page.click('#sign-out');
	await until('the subscription removed at sign-out', () => heard(mq,
	    'beacon/push/crisis-1', (p) => p.device === device &&
	    p.subscription === null).length);
	// The page reloads once the broker has the sign-out: asked while it
	// navigates, the answer is "not yet".
	await until('the login again', () => page.$('#login:not([hidden])')
	    .catch(() => null));
	say('signed out: beacond was told to forget', device);
	return device;
}

// A subscription at the stand-in, for beacond's key.
async function standInSubscription(mq) {
	const lib = await until('the library configuration', () =>
	    heard(mq, 'beacon/config/_library')[0]);
	const key = (lib.webpush || {}).public_key ||
	    fail(`no webpush.public_key in ${JSON.stringify(lib).slice(0, 200)}`);
	const sub = (await serviceCall('/subscribe', { userVisibleOnly: 'true',
	    applicationServerKey: key })).data;

	say('subscribed at the stand-in:', sub.endpoint);
	return sub;
}

// The browser's PushManager, in every page from now on, answers with the
// stand-in's subscription (for the key asked for).
async function standIn(ctx, sub) {
	await ctx.addInitScript((s) => {
		let made = null;

		PushManager.prototype.getSubscription = async () => made;
		PushManager.prototype.subscribe = async (opts) => {
			made = { endpoint: s.endpoint, options: {
				applicationServerKey: new Uint8Array(
				    opts.applicationServerKey).buffer },
			toJSON: () => ({ endpoint: s.endpoint,
			    expirationTime: null, keys: s.keys }),
			unsubscribe: async () => { made = null; return true; } };
			return made;
		};
	}, { endpoint: sub.endpoint, keys: sub.keys });
}

// The app sends the subscription to beacond, and beacond takes it.
async function pushed(page, mq, device, sub) {
	await signIn(page, PUSHED, 'pushed');
	const sent = heard(mq, 'beacon/push/crisis-1', (p) =>
	    p.device === device && p.subscription);
	sent.length === 1 && sent[0].subscription.endpoint === sub.endpoint &&
	    sent[0].subscription.keys.auth === sub.keys.auth ||
	    fail(`the app sent ${JSON.stringify(sent)}`);
	heard(mq, 'beacon/reply/crisis-1/push', (p) => p.device === device &&
	    p.ok).length || fail('no answer from beacond');
}

// The plaintext of beacond's first push for incident 1, as the stand-in
// decrypted it.
async function pushFor(clientHash) {
	const t = await until('the push at the stand-in', async () => {
		const m = (await serviceCall('/get-notifications',
		    { clientHash })).data.messages;
		return m.find((x) => /"incident":\s*1\b/.test(x));
	}, 15000);
	const m = JSON.parse(t);

	say('beacond pushed:', t);
	m.tag === 'incident-1' && m.title.includes('Mental-health crisis') ||
	    fail(`the push message: ${t}`);
	return t;
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

// The notification with two buttons for incident 1, once payload is
// delivered. Headless Chromium was seen to lose a notification that
// getNotifications read while it was being shown: one not seen within 3 s
// is pushed again, as beacond's repeat of an alert would be (same tag).
async function delivered(cdp, page, registration, payload) {
	for (let i = 1; ; i++) {
		await cdp.send('ServiceWorker.deliverPushMessage',
		    { origin: http, registrationId: registration, data: payload });
		try {
			const n = await until('the notification with its two ' +
			    'buttons', async () => (await shown(page, 'incident-1'))
			    .find((x) => x.actions.length === 2), 3000);
			say(`shown after ${i} deliveries`);
			return n;
		} catch (e) {
			if (i === 3)
				throw e;
		}
	}
}

async function deliver(ctx, page, payload) {
	const cdp = await ctx.newCDPSession(page);
	const registration = await registrationId(cdp);
	const n = await delivered(cdp, page, registration, payload);

	say('the service worker shows:', JSON.stringify(n));
	JSON.stringify(n.actions) === JSON.stringify([['ack', 'Acknowledge'],
	    ['decline', 'Decline']]) || fail(`the buttons: ${n.actions}`);
	n.title.includes('Mental-health crisis') && n.requireInteraction &&
	    /\/responder\.html#incident=1$/.test(n.data.url) ||
	    fail(`the notification: ${JSON.stringify(n)}`);
	// A message the worker cannot read still rings.
	await cdp.send('ServiceWorker.deliverPushMessage',
	    { origin: http, registrationId: registration, data: 'not JSON' });
	await until('a notification for the message that is not JSON',
	    async () => (await shown(page, 'beacon')).some((x) =>
	    x.title === 'Beacon: open the app'));
	await french(cdp, page, registration, payload);
}

// data pushed until check() says it is shown (at most three times, 3 s
// apart: the notification Headless Chromium may lose, as delivered()
// says); check()'s last answer.
async function pushUntil(cdp, registration, data, what, check) {
	for (let i = 1; ; i++) {
		await cdp.send('ServiceWorker.deliverPushMessage',
		    { origin: http, registrationId: registration, data });
		try {
			return await until(what, check, 3000);
		} catch (e) {
			if (i === 3)
				throw e;
		}
	}
}

// The worker's own words: in the push's lang when it names one, else in
// the language the page last told it.
async function french(cdp, page, registration, payload) {
	const told = (lang) => page.evaluate(async (l) =>
	    (await navigator.serviceWorker.ready).active.postMessage({ lang: l }),
	lang);
	const m = JSON.parse(payload);
	const untitled = async (tag, lang, what) => {
		const x = { ...m, tag, actions: m.actions.map((a) =>
		    ({ action: a.action, url: a.url })) };
		delete x.lang;
		if (lang)
			x.lang = lang;
		const n = await pushUntil(cdp, registration, JSON.stringify(x),
		    `buttons named in French (${what})`, async () =>
		    (await shown(page, tag)).find((y) => y.actions.length));
		say(`without titles, in French (${what}):`,
		    JSON.stringify(n.actions));
		JSON.stringify(n.actions) === JSON.stringify([['ack',
		    'Confirmer'], ['decline', 'Décliner']]) ||
		    fail(`the buttons named by the worker (${what}): ` +
		    `${n.actions}`);
		n.title === m.title ||
		    fail(`beacond's title was not shown as it came: ${n.title}`);
		await page.evaluate(async (t) => {
			const reg = await navigator.serviceWorker.ready;
			for (const y of await reg.getNotifications({ tag: t }))
				y.close();
		}, tag);
	};

	await told('fr');
	await pushUntil(cdp, registration, 'not JSON',
	    '« Beacon : ouvrez l\'application »', async () =>
	    (await shown(page, 'beacon')).some((x) =>
	    x.title === 'Beacon : ouvrez l\'application'));
	await untitled('titles-told', '', 'as the page told it');
	await told('en');
	await untitled('titles-lang', 'fr', 'the push\'s lang');
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
	const mq = await listen('beacon/config/_library', 'beacon/push/crisis-1',
	    'beacon/reply/crisis-1/push');
	const status = await listen('beacon/status/central/web-p1');

	try {
		await ctx.grantPermissions(['notifications'], { origin: http });
		const page = await ctx.newPage();
		const device = await noPush(page, mq);
		const sub = await standInSubscription(mq);

		await standIn(ctx, sub);
		await pushed(page, mq, device, sub);
		cli('report', '--branch', 'central', '--type', 'mental_health',
		    '--id', 'web-p1', '--location', 'Reading room, 2nd floor');
		const payload = await pushFor(sub.clientHash);
		await until('the alert in the app', async () =>
		    (await text(page, '#card')).includes('Mental-health crisis'),
		    8000);
		await deliver(ctx, page, payload);
		await acknowledge(ctx, page);
		await until('the reporter told crisis-1 is coming', () =>
		    heard(status, 'beacon/status/central/web-p1', (p) =>
		    /crisis-1/.test(p.message)).length, 8000);
		say('the reporter was told:', status.heard.at(-1).text);
		// The app at a tapped notification's address shows its incident.
		await page.click('#card button.back');
		await until('the card closed', () => page.$('#card[hidden]'));
		await page.evaluate(() => { location.hash = '#incident=1'; });
		await until('the card of incident 1 again', () =>
		    page.$('#card:not([hidden]) [data-incident="1"]'));
	} finally {
		await ctx.close();
		await mq.endAsync();
		await status.endAsync();
	}
});
