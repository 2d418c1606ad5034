// What the console's views share (the ctx of docs/web.md "The console"):
// supervisor requests over MQTT v5 request/response, the `console` answer
// (branches, categories, responders), beacond's clock, times in each
// branch's own zone, navigation and a polite announcement for screen
// readers. A view module exports mount(section, ctx) and show(params).
import { fmtDate, fmtTime, langTag, language, setZone, t } from './i18n.js';
import { randomHex } from './util.js';

const TIMEOUT_MS = 15000;
// Answers come in parts of about this many bytes ("chunk", docs/protocol.md
// "Answers in parts"): the broker's websockets (libwebsockets in Debian
// 12's mosquitto) write 4 KB at once, and what is left of a larger message
// waits for the next turn of the broker's loop, about 100 ms, when the
// browser is the reader. A board of 360 KB took 10 s in one message, 2.5 s
// in parts of 8 KB, and 0.3 s in parts of 3.5 KB (with the MQTT header,
// one websockets write each).
const CHUNK = 3584;

// The parts of an answer as one: beacond shares out one array among them
// in order ("split" names it) and repeats the other members in each.
// Without "split" (an older beacond), the array shared out is the one the
// first two parts do not have alike.
function joinParts(parts) {
	const whole = { ...parts[0] };
	const arrays = Object.keys(whole).filter((k) => Array.isArray(whole[k]));
	const same = (k) => JSON.stringify(parts[0][k]) ===
	    JSON.stringify(parts[1][k]);
	const shared = typeof whole.split === 'string' ? whole.split :
	    arrays.find((k) => !same(k)) ||
	    arrays.sort((a, b) => whole[b].length - whole[a].length)[0];

	if (shared)
		whole[shared] = [].concat(...parts.map((p) => p[shared] || []));
	delete whole.part;
	delete whole.parts;
	delete whole.split;
	return whole;
}

function hexOf(bytes) {
	if (!bytes)
		return '';
	return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
}

function bytesOf(hex) {
	const b = new Uint8Array(hex.length / 2);

	for (let i = 0; i < b.length; i++)
		b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
	return b;
}

// Formatters are slow to make and the board asks for hundreds of times:
// one per zone and kind, kept.
const formats = new Map();

function format(kind, zone) {
	const key = `${kind} ${zone}`;
	const opts = { timeZone: zone || undefined };

	if (formats.has(key))
		return formats.get(key);
	// Only the machine's "parts" (zoneLocal, zoneUtc): what people
	// read is i18n.js's, in the page's language.
	Object.assign(opts, { year: 'numeric', month: '2-digit',
	    day: '2-digit', hour: '2-digit', minute: '2-digit',
	    second: '2-digit', hourCycle: 'h23' });
	let f;
	try {
		f = new Intl.DateTimeFormat('en-US', opts);
	} catch {
		delete opts.timeZone;	/* a zone this browser does not know */
		f = new Intl.DateTimeFormat('en-US', opts);
	}
	formats.set(key, f);
	return f;
}

// The zone's short name at d in the page's language ("EST", "HNE").
const zoneNames = new Map();

function zoneName(d, zone) {
	const key = `${langTag()} ${zone}`;
	let f = zoneNames.get(key);

	if (!f) {
		try {
			f = new Intl.DateTimeFormat(langTag(),
			    { timeZone: zone || undefined, timeZoneName: 'short' });
		} catch {	/* a zone this browser does not know */
			f = new Intl.DateTimeFormat(langTag(),
			    { timeZoneName: 'short' });
		}
		zoneNames.set(key, f);
	}
	const p = f.formatToParts(d).find((x) => x.type === 'timeZoneName');
	return p ? p.value : '';
}

// The wall clock of zone at the moment ms, as strings (hour "00"-"23").
function parts(ms, zone) {
	const p = {};

	for (const x of format('parts', zone).formatToParts(new Date(ms)))
		p[x.type] = x.value;
	p.hour = String(Number(p.hour) % 24).padStart(2, '0');
	return p;
}

// "YYYY-MM-DDTHH:MM", the wall clock of zone at ms (a datetime-local
// input's value).
export function zoneLocal(ms, zone) {
	const p = parts(ms, zone);

	return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// The instant (ms) whose wall clock in zone is local ("YYYY-MM-DD",
// "YYYY-MM-DDTHH:MM" or with ":SS"), or NaN. A time skipped by a clock
// change is read with the offset from before it.
export function zoneUtc(local, zone) {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/
	    .exec(local || '');

	if (!m)
		return NaN;
	const want = Date.UTC(+m[1], m[2] - 1, +m[3], +(m[4] || 0),
	    +(m[5] || 0), +(m[6] || 0));
	let t = want;
	for (let i = 0; i < 3; i++) {
		const p = parts(t, zone);
		const seen = Date.UTC(+p.year, p.month - 1, +p.day, +p.hour,
		    +p.minute, +p.second);
		if (seen === want)
			return t;
		t += want - seen;
	}
	return t;
}

// Whether an MQTT topic filter (with + and #) matches a topic.
function topicMatches(filter, topic) {
	const f = filter.split('/');
	const t = topic.split('/');

	for (let i = 0; i < f.length; i++) {
		if (f[i] === '#')
			return true;
		if (i >= t.length || (f[i] !== '+' && f[i] !== t[i]))
			return false;
	}
	return f.length === t.length;
}

// conn: a Conn (conn.js) whose topics include replyTopic and the filters
// `early`; as: the account's id; prefix: the topic prefix. The early
// filters are subscribed with the connection, before the `console`
// request: their retained messages are all in when its answer comes, and
// are kept until a view subscribes (which then resolves to "early").
class Ctx {
	constructor({ conn, as, prefix, replyTopic, early = [] }) {
		this.conn = conn;
		this.as = as;
		this.prefix = prefix;
		this.replyTopic = replyTopic;
		this.early = early;
		this.info = null;		/* the console answer */
		this.held = new Map();		/* topic -> payload, for early filters */
		this.pending = new Map();	/* correlation hex -> {resolve, timer} */
		this.listeners = [];		/* {filter, fn} */
		this.subscribed = new Map();	/* filter -> its subscription */
		this.offset = 0;
		this.live = null;
		this.prefetched = {};		/* method -> its answer's promise */
	}

	// An answer asked for before its view was there (console.js), once:
	// the promise, or null.
	take(method) {
		const p = this.prefetched[method] || null;

		delete this.prefetched[method];
		return p;
	}

	topic(...levels) {
		return [this.prefix, ...levels].join('/');
	}

	// A supervisor request; resolves with beacond's answer (ok:false
	// too), rejects only when offline or without an answer in 15 s.
	request(method, fields = {}) {
		return new Promise((resolve, reject) => {
			const c = this.conn.client;
			const id = randomHex(16);

			if (!this.conn.online || !c) {
				reject(new Error(t('console.err.offline')));
				return;
			}
			const late = () => {
				this.pending.delete(id);
				reject(new Error(t('console.err.no_answer',
				    { method })));
			};
			this.pending.set(id, { resolve, late, parts: [],
			    timer: setTimeout(late, TIMEOUT_MS) });
			c.publish(this.topic('query', this.as),
			    JSON.stringify({ chunk: CHUNK, ...fields, method }),
			    { qos: 1, properties: { responseTopic: this.replyTopic,
			    correlationData: bytesOf(id) } });
		});
	}

	// Every message (topic, object or null) reaches the shell here.
	dispatch(topic, payload, packet) {
		if (topic === this.replyTopic) {
			const props = packet && packet.properties;
			const id = hexOf(props && props.correlationData);
			const p = this.pending.get(id);

			if (p)
				this.answer(id, p, payload);
			return;
		}
		let heard = false;
		for (const l of this.listeners.slice())
			if (topicMatches(l.filter, topic)) {
				l.fn(topic, payload);
				heard = true;
			}
		// A topic subscribed at the connection, before its view
		// listens: kept (the last message of each topic) for it.
		if (!heard && this.early.some((f) => topicMatches(f, topic)))
			this.held.set(topic, payload);
	}

	// One answer, or one part of it: resolved once every part is in.
	answer(id, p, payload) {
		clearTimeout(p.timer);
		if (payload && payload.parts > 1 && payload.part >= 1) {
			p.parts[payload.part - 1] = payload;
			if (p.parts.filter(Boolean).length < payload.parts) {
				p.timer = setTimeout(p.late, TIMEOUT_MS);
				return;
			}
			payload = joinParts(p.parts);
		}
		this.pending.delete(id);
		if (payload && typeof payload.now === 'string')
			this.setNow(payload.now);
		p.resolve(payload || { ok: false,
		    error: t('console.err.not_json') });
	}

	// Messages on a topic filter (e.g. beacon/incident/+), subscribed
	// now and after every reconnection. Resolves once the broker has
	// the subscription (the retained messages then follow at once);
	// when offline, at the next connection.
	subscribe(filter, fn) {
		this.listeners.push({ filter, fn });
		if (this.early.includes(filter)) {
			for (const [t, p] of this.held)
				if (topicMatches(filter, t)) {
					this.held.delete(t);
					fn(t, p);
				}
			return Promise.resolve('early');
		}
		const topics = this.conn.opts.topics;
		if (this.subscribed.has(filter))
			return this.subscribed.get(filter);
		if (!topics.includes(filter))
			topics.push(filter);
		const p = new Promise((resolve) => {
			if (this.conn.online)
				this.conn.client.subscribe(filter, { qos: 1 },
				    () => resolve());
			else
				resolve();
		});
		this.subscribed.set(filter, p);
		return p;
	}

	setNow(iso) {
		const t = Date.parse(iso);

		if (Number.isFinite(t))
			this.offset = t - Date.now();
	}

	// beacond's clock, in milliseconds.
	now() {
		return Date.now() + this.offset;
	}

	branch(id) {
		const list = (this.info && this.info.branches) || [];

		return list.find((b) => b.branch === id) || null;
	}

	branchName(id) {
		const b = this.branch(id);

		return (b && b.name) || id || '';
	}

	zone(branchId) {
		const b = this.branch(branchId);

		return (b && b.timezone) || '';
	}

	// "2:05 p.m. EST" or "14 h 05 HNE", in the branch's zone
	// (i18n.js, the page's language).
	fmtTime(iso, branchId, seconds = false) {
		const d = new Date(iso);
		const zone = this.zone(branchId);

		if (!iso || Number.isNaN(d.getTime()))
			return '';
		setZone(zone);
		return `${fmtTime(d, seconds)} ${zoneName(d, zone)}`.trim();
	}

	// "Mon, Dec 7, 2026" or "lun. 7 déc. 2026", the day at the branch.
	fmtDate(iso, branchId) {
		const d = new Date(iso);

		if (!iso || Number.isNaN(d.getTime()))
			return '';
		setZone(this.zone(branchId));
		return fmtDate(d, { weekday: 'short', day: 'numeric',
		    month: 'short', year: 'numeric' });
	}

	// "Central Library time": what the times of a branch are in.
	zoneLabel(branchId) {
		return t('console.zone', { branch: this.branchName(branchId) });
	}

	// "2026-12-07T14:05" (or "2026-12-07") as the branch's local
	// time -> RFC 3339 in UTC; "" when it cannot be read.
	localToIso(value, branchId) {
		const t = zoneUtc(value, this.zone(branchId));

		return Number.isNaN(t) ? '' : new Date(t).toISOString();
	}

	// The branch's local "YYYY-MM-DDTHH:MM" of the moment t (ms), for
	// a datetime-local input.
	localInput(t, branchId) {
		return zoneLocal(t, this.zone(branchId));
	}

	go(hash) {
		const h = hash.startsWith('#') ? hash : `#${hash}`;

		if (location.hash === h)
			window.dispatchEvent(new HashChangeEvent('hashchange'));
		else
			location.hash = h;
	}

	// The library's entry of kind (categories, roles, responders) for
	// id, from beacon/config/_library: its labels per language.
	libraryLabel(kind, key, id) {
		const list = (this.library && this.library[kind]) || [];
		const x = list.find((e) => e[key] === id);

		return (x && x.labels && x.labels[language()]) || '';
	}

	categoryLabel(type) {
		const list = (this.info && this.info.categories) || [];
		const c = list.find((x) => x.type === type);

		return this.libraryLabel('categories', 'type', type) ||
		    (c && c.label) || type || t('console.incident');
	}

	roleLabel(role) {
		const list = (this.info && this.info.roles) || [];
		const r = list.find((x) => x.role === role);

		return this.roleLabelHere(role) || (r && r.label) || role || '';
	}

	// A role's label in the page's language from beacon/config/_library
	// (its roles, else a responder of that role), or ''.
	roleLabelHere(role) {
		const list = (this.library && this.library.responders) || [];
		const x = list.find((e) => e.role === role && e.labels &&
		    e.labels[language()]);

		return this.libraryLabel('roles', 'role', role) ||
		    (x ? x.labels[language()] : '');
	}

	// "crisis-1 (crisis worker)".
	responderLabel(id) {
		const list = (this.info && this.info.responders) || [];
		const r = list.find((x) => x.id === id);

		const label = this.libraryLabel('responders', 'id', id) ||
		    (r && r.label);

		return label ? `${id} (${label})` : id;
	}

	// The page is usable: the board is drawn (body data-ready="1").
	ready() {
		document.body.dataset.ready = '1';
	}

	announce(text) {
		if (!this.live)
			this.live = document.getElementById('live');
		if (!this.live)
			return;
		this.live.textContent = '';
		setTimeout(() => { this.live.textContent = text; }, 50);
	}
}

export function createCtx(opts) {
	return new Ctx(opts);
}
