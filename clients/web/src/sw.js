// The service worker: keeps the app shell so that the pages open when the
// network is down (they still need the broker to report or be alerted).
// The network comes first, so a new build is used as soon as it is served;
// the cache only answers when the network does not. BEACON_SHELL and
// BEACON_CACHE are filled in by build.mjs.
/* global BEACON_SHELL, BEACON_CACHE */

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

// A tap on a system notification brings the app forward.
self.addEventListener('notificationclick', (e) => {
	e.notification.close();
	e.waitUntil(self.clients.matchAll({ type: 'window' }).then((list) =>
	    list.length ? list[0].focus() : self.clients.openWindow('responder.html')));
});
