// The pages' one connection to the broker: MQTT v5 over WebSockets with
// the mqtt package, the device's presence (a retained message and a will
// with the same topic), subscriptions made again after every reconnection,
// and one callback for the state people see.
import mqtt from 'mqtt';
import { t } from './i18n.js';
import { nowIso, parse, setting } from './util.js';

// The broker's websockets listener serves these pages too, so it is the
// server the page came from, unless ?broker=wss://host:port/ says another.
export function brokerUrl() {
	const scheme = location.protocol === 'https:' ? 'wss' : 'ws';

	return setting('broker', '') || `${scheme}://${location.host}/mqtt`;
}

export function topicPrefix() {
	return setting('prefix', 'beacon');
}

// The socket a page opened early for url (console-boot.js), once, while
// it is still open or opening; else a new one, as mqtt.js would make it.
function takeSocket(url, protocols) {
	const early = window.beaconSocket;

	window.beaconSocket = null;
	if (early && early.url === url && early.ws.readyState <= 1)
		return early.ws;
	if (early)
		early.ws.close();
	return new WebSocket(url, protocols);
}

// MQTT v5 CONNACK reason codes that no retry will mend, and the catalog's
// words for them.
const REFUSED = {
	133: 'common.refused.133',
	134: 'common.refused.134',
	135: 'common.refused.135',
	138: 'common.refused.138',
	140: 'common.refused.140',
};

export class Conn {
	// opts: clientId, username, password, clean, sessionExpiry (seconds),
	// presence {topic, kind} or null, topics (to subscribe to, QoS 1),
	// onMessage(topic, object or null), onState(state, detail) with state
	// "connecting", "online", "offline" or "refused", and optionally
	// onSubscribing() once the subscriptions are sent, before the broker
	// acknowledges them.
	constructor(opts) {
		this.opts = opts;
		this.client = null;
		this.refused = null;
	}

	presence(state) {
		return JSON.stringify({ state, kind: this.opts.presence.kind,
		    ts: nowIso() });
	}

	start() {
		const o = this.opts;
		const options = {
			protocolVersion: 5,
			clientId: o.clientId,
			clean: o.clean,
			keepalive: 20,
			connectTimeout: 8000,
			reconnectPeriod: 1500,
			resubscribe: false,
		};

		if (o.presence)
			options.will = { topic: o.presence.topic,
			    payload: this.presence('offline'), qos: 1, retain: true };

		if (o.sessionExpiry)
			options.properties = { sessionExpiryInterval: o.sessionExpiry };
		if (o.username)
			options.username = o.username;
		if (o.password)
			options.password = o.password;
		options.createWebsocket = takeSocket;
		o.onState('connecting');
		this.client = mqtt.connect(brokerUrl(), options);
		this.client.on('connect', () => this.connected());
		this.client.on('reconnect', () => o.onState('connecting'));
		this.client.on('close', () => {
			if (!this.refused)
				o.onState('offline');
		});
		this.client.on('error', (e) => this.failed(e));
		this.client.on('message', (topic, payload) =>
		    o.onMessage(topic, parse(payload)));
	}

	connected() {
		const o = this.opts;

		if (o.presence)
			this.publish(o.presence.topic, this.presence('online'), true);
		// Subscribed again each time: the retained messages then say
		// where everything stands after a gap.
		this.client.subscribe(o.topics, { qos: 1 }, (err) => {
			if (err)
				o.onState('offline', `subscribe: ${err.message}`);
			else
				o.onState('online');
		});
		// The broker takes a client's packets in order: what is sent now
		// is read after the subscription is made, one round trip sooner
		// than waiting for its acknowledgment.
		if (o.onSubscribing)
			o.onSubscribing();
	}

	failed(e) {
		const why = REFUSED[e.code] && t(REFUSED[e.code]);

		if (why) {
			this.refused = why;
			this.client.end(true);
			this.opts.onState('refused', why);
		}
	}

	get online() {
		return !!this.client && this.client.connected;
	}

	// Publish (QoS 1) now if connected; false when offline, and the caller
	// sends again on the next "online".
	publish(topic, payload, retain = false) {
		if (!this.online)
			return false;
		this.client.publish(topic,
		    typeof payload === 'string' ? payload : JSON.stringify(payload),
		    { qos: 1, retain });
		return true;
	}

	// Subscribe to one more topic, now and after every reconnection.
	subscribe(topic) {
		if (this.opts.topics.includes(topic))
			return;
		this.opts.topics.push(topic);
		if (this.online)
			this.client.subscribe(topic, { qos: 1 });
	}

	// A clean close: say offline ourselves, as the will would.
	close() {
		if (!this.client)
			return;
		if (this.opts.presence)
			this.publish(this.opts.presence.topic,
			    this.presence('offline'), true);
		this.client.end(false);
		this.client = null;
	}
}
