// Opens the console's connection to the broker while console.js loads: the
// broker's websockets take about 200 ms to answer a new connection, about
// as long as the browser takes to load and start console.js, so the two
// overlap. console.js takes the socket over (conn.js, takeSocket) when it
// is for the broker it connects to, and opens its own otherwise. Nothing is
// sent on it here. A plain script, loaded before the others.
(function () {
	'use strict';

	function kept(name) {
		try {
			return JSON.parse(localStorage.getItem('beacon.' + name));
		} catch (e) {
			return null;
		}
	}

	try {
		var q = new URLSearchParams(location.search);
		var as = q.get('as');
		var me = kept('console');
		var url = q.get('broker') || kept('broker') ||
		    (location.protocol === 'https:' ? 'wss' : 'ws') + '://' +
		    location.host + '/mqtt';
		var ws;

		if (!(as && /^[A-Za-z0-9._:-]{1,64}$/.test(as)) &&
		    !(me && me.signedIn))
			return;
		ws = new WebSocket(url, ['mqtt']);
		ws.binaryType = 'arraybuffer';
		window.beaconSocket = { url: url, ws: ws };
	} catch (e) {
		/* console.js connects as usual */
	}
})();
