// The service worker: keeps the app shell so that the pages open when the
// network is down (they still need the broker to report or be alerted),
// shows the alerts beacond pushes while the phone is locked, and takes the
// answer from the notification's buttons. The network comes first, so a
// new build is used as soon as it is served; the cache only answers when
// the network does not. BEACON_SHELL and BEACON_CACHE are filled in by
// build.mjs.
/* global BEACON_SHELL, BEACON_CACHE */
import catalogs from 'beacon-catalogs';

const APP = 'responder.html';
const VIBRATE = [500, 200, 500, 200, 500];
const ICON = 'icon-192.png';
// What the pages last said their language is, kept across restarts of
// the worker (a cache of its own, which a new build does not empty).
const SETTINGS = 'beacon-settings';
const LANG_URL = 'beacon-language';

// ---- the worker's own texts --------------------------------------------------

// beacond sends a push's title and body already in the responder's
// language; the worker's own words (its action buttons when a push names
// none, its notes on a push it cannot read or an answer that failed) are
// in the language of the payload (lang), else the one the page told it,
// else the browser's.
let told = null;

async function toldLanguage() {
	if (told === null) {
		try {
			const c = await caches.open(SETTINGS);
			const r = await c.match(LANG_URL);
			told = r ? await r.text() : '';
		} catch {
			told = '';
		}
	}
	return told;
}

async function keepLanguage(lang) {
	if (!catalogs[lang] || lang === told)
		return;
	told = lang;
	try {
		const c = await caches.open(SETTINGS);
		await c.put(LANG_URL, new Response(lang));
	} catch {
		/* Not kept: said again at the page's next visit. */
	}
}

async function pickLanguage(wanted) {
	for (const w of [wanted, await toldLanguage(), ...(navigator.languages ||
	    [navigator.language])]) {
		const code = typeof w === 'string' ? w.slice(0, 2).toLowerCase() : '';
		if (catalogs[code])
			return code;
	}
	return 'en';
}

function t(lang, key, vars) {
	const s = (catalogs[lang] || {})[key] || catalogs.en[key] || key;

	return vars ? s.replace(/\{(\w+)\}/g, (m, k) =>
	    vars[k] !== undefined ? String(vars[k]) : m) : s;
}

self.addEventListener('message', (e) => {
	if (e.data && typeof e.data.lang === 'string')
		e.waitUntil(keepLanguage(e.data.lang));
});

self.addEventListener('install', (e) => {
	e.waitUntil(caches.open(BEACON_CACHE)
	    .then((c) => c.addAll(BEACON_SHELL))
	    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
	e.waitUntil(caches.keys()
	    .then((keys) => Promise.all(keys.filter((k) => k !== BEACON_CACHE &&
		k !== SETTINGS)
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

// The push message (docs/protocol.md) as JSON, or null.
function json(data) {
	try {
		const m = data ? data.json() : null;
		return m && typeof m === 'object' ? m : null;
	} catch {
		return null;
	}
}

// The buttons a message offers: only those with somewhere to answer; one
// without a title is named by the catalog (Acknowledge, Decline).
function buttons(m, lang) {
	return (Array.isArray(m.actions) ? m.actions : []).filter((a) =>
	    a && typeof a.action === 'string' && typeof a.url === 'string' &&
	    (typeof a.title === 'string' || catalogs.en[`sw.action.${a.action}`]))
	    .map((a) => (typeof a.title === 'string' ? a :
		{ ...a, title: t(lang, `sw.action.${a.action}`) }));
}

// beacond's title and body already say DRILL and the silent alarm's
// advice, in the words the app uses: shown as they come. A message this
// worker cannot read still rings: never a push dropped in silence.
async function showPush(data) {
	const j = json(data);
	const m = j && typeof j.title === 'string' ? j : null;
	const lang = await pickLanguage(j && j.lang);

	if (!m)
		return self.registration.showNotification(t(lang, 'sw.unreadable'), {
			body: t(lang, 'sw.unreadable_body'),
			tag: 'beacon', renotify: true, requireInteraction: true,
			vibrate: VIBRATE, icon: ICON, badge: ICON,
			data: { url: APP, actions: [] } });
	const actions = buttons(m, lang);
	return self.registration.showNotification(m.title, {
		body: m.body || '',
		tag: m.tag || (m.incident ? `incident-${m.incident}` : 'beacon'),
		renotify: true, requireInteraction: true, vibrate: VIBRATE,
		icon: ICON, badge: ICON,
		data: { url: m.url || APP, actions, incident: m.incident, lang },
		actions: actions.map((a) => ({ action: a.action, title: a.title })),
	});
}

self.addEventListener('push', (e) => e.waitUntil(showPush(e.data)));

// ---- answers from the notification -------------------------------------------

// What the action link answered, as {ok, text}: beacond's own words as
// they come, the worker's in lang.
async function post(url, lang) {
	let res, body = {};

	try {
		res = await fetch(url, { method: 'POST',
		    headers: { Accept: 'application/json' } });
	} catch {
		return { ok: false, text: t(lang, 'sw.no_connection') };
	}
	try {
		body = await res.json();
	} catch {
		/* An answer that is not JSON: its status says enough. */
	}
	if (res.ok && body.ok)
		return { ok: true, text: body.message || t(lang, 'sw.recorded') };
	if (typeof body.error === 'string' && body.error)
		return { ok: false, text: body.error.replace(/\.$/, '') };
	return { ok: false, text: res.status === 429 ? t(lang, 'sw.too_many',
	    { secs: res.headers.get('Retry-After') || 60 }) :
	    res.ok ? t(lang, 'sw.unreadable_answer') :
	    t(lang, 'sw.answered', { status: res.status }) };
}

// Acknowledge or Decline pressed on notification n: POST to its link, then
// a short notification in its place says what Beacon answered, or that
// nothing was recorded; tapping that one opens the app. Returns the answer
// {ok, text}. Called by notificationclick (and by the browser test).
async function answerAction(n, action) {
	const data = n.data || {};
	const link = (data.actions || []).find((a) => a.action === action);
	const lang = await pickLanguage(data.lang);

	n.close();
	if (!link) {
		await openApp(data.url);
		return { ok: false, text: t(lang, 'sw.no_link', { action }) };
	}
	const answer = await post(link.url, lang);
	await self.registration.showNotification(answer.ok ? answer.text :
	    t(lang, 'sw.not_recorded', { why: answer.text }), {
		tag: n.tag || 'beacon', renotify: !answer.ok,
		requireInteraction: !answer.ok, icon: ICON, badge: ICON,
		data: { url: data.url || APP, actions: [],
		    incident: data.incident, lang: data.lang } });
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
