// The service worker: keeps the app shell so that the pages open when the
// network is down (they still need the broker to report or be alerted),
// shows the alerts beacond pushes while the phone is locked, and takes the
// answer from the notification's buttons. The network comes first, so a
// new build is used as soon as it is served; the cache only answers when
// the network does not. BEACON_SHELL and BEACON_CACHE are filled in by
// build.mjs.
/* global BEACON_SHELL, BEACON_CACHE */

const APP = 'responder.html';
const VIBRATE = [500, 200, 500, 200, 500];
const ICON = 'icon-192.png';

self.addEventListener('install', (e) => {
	e.waitUntil(caches.open(BEACON_CACHE)
	    .then((c) => c.addAll(BEACON_SHELL))
	    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
	e.waitUntil(caches.keys()
	    .then((keys) => Promise.all(keys.filter((k) => k !== BEACON_CACHE)
		.map((k) => caches.delete(k))))
	    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
	if (e.request.method !== 'GET' ||
	    new URL(e.request.url).origin !== location.origin)
		return;
	e.respondWith(fetch(e.request).then((res) => {
		if (res.ok) {
			const copy = res.clone();
			caches.open(BEACON_CACHE).then((c) => c.put(e.request, copy));
		}
		return res;
	}).catch(() => caches.match(e.request, { ignoreSearch: true })));
});

// ---- pushed alerts -----------------------------------------------------------

// The push message (docs/protocol.md), or null when it cannot be read.
function pushed(data) {
	try {
		const m = data ? data.json() : null;
		return m && typeof m === 'object' && typeof m.title === 'string' ?
		    m : null;
	} catch {
		return null;
	}
}

// The buttons a message offers: only those with somewhere to answer.
function buttons(m) {
	return (Array.isArray(m.actions) ? m.actions : []).filter((a) =>
	    a && typeof a.action === 'string' && typeof a.title === 'string' &&
	    typeof a.url === 'string');
}

// beacond's title and body already say DRILL and the silent alarm's
// advice, in the words the app uses: shown as they come. A message this
// worker cannot read still rings: never a push dropped in silence.
function showPush(data) {
	const m = pushed(data);

	if (!m)
		return self.registration.showNotification('Beacon: open the app', {
			body: 'An alert came that this phone could not read.',
			tag: 'beacon', renotify: true, requireInteraction: true,
			vibrate: VIBRATE, icon: ICON, badge: ICON,
			data: { url: APP, actions: [] } });
	const actions = buttons(m);
	return self.registration.showNotification(m.title, {
		body: m.body || '',
		tag: m.tag || (m.incident ? `incident-${m.incident}` : 'beacon'),
		renotify: true, requireInteraction: true, vibrate: VIBRATE,
		icon: ICON, badge: ICON,
		data: { url: m.url || APP, actions, incident: m.incident },
		actions: actions.map((a) => ({ action: a.action, title: a.title })),
	});
}

self.addEventListener('push', (e) => e.waitUntil(showPush(e.data)));

// ---- answers from the notification -------------------------------------------

// What the action link answered, as {ok, text}.
async function post(url) {
	let res, body = {};

	try {
		res = await fetch(url, { method: 'POST',
		    headers: { Accept: 'application/json' } });
	} catch {
		return { ok: false, text: 'no connection to Beacon' };
	}
	try {
		body = await res.json();
	} catch {
		/* An answer that is not JSON: its status says enough. */
	}
	if (res.ok && body.ok)
		return { ok: true, text: body.message || 'Recorded.' };
	if (typeof body.error === 'string' && body.error)
		return { ok: false, text: body.error.replace(/\.$/, '') };
	return { ok: false, text: res.status === 429 ? 'too many requests, ' +
	    `try again in ${res.headers.get('Retry-After') || 60} s` :
	    res.ok ? 'an answer this phone could not read' :
	    `Beacon answered ${res.status}` };
}

// Acknowledge or Decline pressed on notification n: POST to its link, then
// a short notification in its place says what Beacon answered, or that
// nothing was recorded; tapping that one opens the app. Returns the answer
// {ok, text}. Called by notificationclick (and by the browser test).
async function answerAction(n, action) {
	const data = n.data || {};
	const link = (data.actions || []).find((a) => a.action === action);

	n.close();
	if (!link) {
		await openApp(data.url);
		return { ok: false, text: `no link for "${action}"` };
	}
	const answer = await post(link.url);
	await self.registration.showNotification(answer.ok ? answer.text :
	    `Not recorded: ${answer.text}. Open the app.`, {
		tag: n.tag || 'beacon', renotify: !answer.ok,
		requireInteraction: !answer.ok, icon: ICON, badge: ICON,
		data: { url: data.url || APP, actions: [],
		    incident: data.incident } });
	return answer;
}
self.answerAction = answerAction;

// The app's window brought forward and shown the incident, or a new one
// opened at url. An open app is told which incident rather than navigated:
// a new page would lose the sound the responder unlocked.
async function openApp(url) {
	const target = new URL(url || APP, self.registration.scope);
	const open = await self.clients.matchAll({ type: 'window',
	    includeUncontrolled: true });
	const app = open.find((c) => new URL(c.url).pathname ===
	    target.pathname) || null;

	if (!app)
		return self.clients.openWindow(target.href);
	app.postMessage({ open: target.hash });
	return app.focus();
}

self.addEventListener('notificationclick', (e) => {
	e.notification.close();
	e.waitUntil(e.action ? answerAction(e.notification, e.action) :
	    openApp((e.notification.data || {}).url));
});
