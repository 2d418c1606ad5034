// The responder app (responder.html): signed in once with the responder's
// broker account, or with the phone's own from its enrollment link (beacon
// enroll), it keeps a persistent MQTT session on
// beacon/notify/{responder}, so notifications wait at the broker while the
// phone is away. An alert fills the screen and sounds until this responder
// answers; the answer goes to beacon/respond/{responder}, and the incident
// topic (or beacon/error/{responder}) says how it was taken. Where the
// browser can, beacond also pushes the alerts (Web Push) to the service
// worker, which rings the phone while it is locked (sw.js).
import { Conn, topicPrefix } from './conn.js';
import { fmtDateTime, language, onLanguage, pickLanguage, setLanguage,
    setZone, t, translateDom } from './i18n.js';
import { Alarm, soundReady, unlock } from './sound.js';
import { $, ago, el, load, loginRead, loginShow, randomHex, registerWorker,
    save, severityName, tellWorker, validId } from './util.js';

// Notifications wait at the broker this long while the phone is away.
const SESSION_EXPIRY = 24 * 3600;
const PENDING_MS = 8000;

const prefix = topicPrefix();
const appDevice = load('app-device', null) || randomHex(4);
save('app-device', appDevice);

let me = load('responder', null);	/* {id, username, password} */
let conn = null;
let connState = 'offline';
let connDetail = '';
let daemonOnline = true;
let shown = null;		/* the incident on the card, or null */
const alarm = new Alarm();
let alarmTimer = null;
const incidents = new Map();	/* id -> incident payload */
const ackers = new Map();	/* id -> Map(responder -> action) */
const alerts = new Map();	/* id -> {n, answered, pending, result, error} */
const resolved = new Map();	/* id -> who resolved it ("" unknown) */
const notices = [];		/* debrief notices, newest first */
const drawn = { card: '', home: '' };
const branchNames = new Map();
const branchZones = new Map();	/* branch id -> its time zone, from _library */
const labels = new Map();	/* category id -> {label, labels by language} */
const LIBRARY = '_library';	/* beacon/config/_library: every id and label */
let library = null;		/* its responders: id -> their entry */
const roleLabels = new Map();	/* role id -> {label, labels}, from the same */
let wanted = null;		/* the incident a tapped notification named */
// Web Push: this phone's id for beacond, the VAPID key of the library's
// configuration, and what the page says about push.
// An enrolled phone's id is the device name of its account (beacon
// enroll), so that revoking the device also drops its subscription.
let device = load('device', null) || `phone-${randomHex(4)}`;
save('device', device);
const push = { key: '', sent: '', line: null, forget: '' };

function topic(...levels) {
	return [prefix, ...levels].join('/');
}

// ---- what comes in ---------------------------------------------------------

function onNotify(n) {
	if (n.kind && n.kind !== 'incident') {
		const called = alerts.get(n.incident);

		// Someone else took it (or it was a false alarm): no need to
		// come, and the alarm stops.
		if (n.kind === 'stand_down' && called)
			called.standDown = n.message || t('responder.stand_down');
		notices.unshift(n);
		notices.splice(20);
		return;
	}
	const a = alerts.get(n.incident);
	if (a) {
		a.n = n;		/* a repeat, the next step or backup */
		a.standDown = '';
		return;
	}
	alerts.set(n.incident, { n, answered: null, pending: null,
	    result: '', error: '', confirm: false });
	if (!shown || !ringing(alerts.get(shown)) || wanted === n.incident)
		shown = n.incident;
	notifySystem(n);
}

function onIncident(id, p) {
	const last = (p && p.last) || {};

	if (!p) {		/* cleared: it was resolved */
		if (incidents.delete(id) && !resolved.has(id))
			resolved.set(id, '');
		return;
	}
	incidents.set(id, p);
	if (p.state === 'resolved')
		resolved.set(id, last.kind === 'resolve' ? last.by : '');
	if (last.by && ['ack', 'decline', 'arrived', 'resolve'].includes(last.kind)) {
		if (!ackers.has(id))
			ackers.set(id, new Map());
		ackers.get(id).set(last.by, last.kind);
	}
	const a = alerts.get(id);
	if (a && a.pending && last.kind === a.pending && last.by === me.id) {
		a.result = accepted(a.pending, p);
		a.pending = null;
	}
}

function onError(p) {
	const a = alerts.get(p.incident);

	if (a) {
		a.error = p.error;
		a.pending = null;
		a.result = '';
	}
}

// The library's ids and labels: who may sign in, what to call things.
function onLibrary(p) {
	library = new Map((p.responders || []).map((r) => [r.id, r]));
	for (const r of p.responders || [])
		roleLabels.set(r.role, { label: r.label || r.role, labels: r.labels });
	for (const b of p.branches || []) {
		branchNames.set(b.branch, b.name || b.branch);
		if (b.timezone)
			branchZones.set(b.branch, b.timezone);
	}
	for (const c of p.categories || [])
		labels.set(c.type, { label: c.label || c.type, labels: c.labels });
	if (me && !library.has(me.id))
		refuse(me.id);
	speak();
	push.key = (p.webpush && p.webpush.public_key) || '';
	pushSync();
}

function onConfig(branch, p) {
	if (!p)
		return;
	if (branch === LIBRARY) {
		onLibrary(p);
		return;
	}
	branchNames.set(branch, p.name || branch);
	for (const b of p.buttons || [])
		if (!labels.has(b.type))
			labels.set(b.type, { label: b.label, labels: b.labels });
}

function onMessage(t, p) {
	const [kind, a] = t.slice(prefix.length + 1).split('/');

	if (kind === 'notify' && p)
		onNotify(p);
	else if (kind === 'incident' && /^[0-9]+$/.test(a))
		onIncident(Number(a), p);
	else if (kind === 'error' && p)
		onError(p);
	else if (kind === 'config')
		onConfig(a, p);
	else if (kind === 'daemon')
		daemonOnline = !p || p.state !== 'offline';
	else if (kind === 'reply' && p && me && t === topic('reply', me.id,
	    'push'))
		onPushReply(p);
	render();
}

function onState(state, detail) {
	connState = state;
	connDetail = detail || '';
	if (state === 'online' && push.forget) {
		/* This phone's subscription under its id before enrollment. */
		conn.publish(topic('push', me.id), { device: push.forget,
		    subscription: null });
		push.forget = '';
	}
	if (state === 'online')
		pushSync();
	if (state === 'refused') {
		conn = null;
		$('#login-error').textContent = t('responder.refused',
		    { why: connDetail });
		showLogin();
	}
	render();
}

// ---- answering -------------------------------------------------------------

// What an answer did, kept as what to say ({action, first}) and said in
// the language of the moment.
function accepted(action, p) {
	return { action, first: p.acked_by && p.acked_by !== me.id ?
	    p.acked_by : '' };
}

function acceptedText(r) {
	const done = t(`responder.done.${r.action}`);

	return r.first ? `${done} ${t('responder.done.first', { who: r.first })}` :
	    done;
}

function respond(id, action) {
	const a = alerts.get(id);
	const note = ($('#card-note') || {}).value || '';
	const body = { incident: id, action };

	if (note.trim())
		body.note = note.trim();
	unlock();
	a.error = '';
	a.result = '';
	a.confirm = false;
	if (action === 'ack' || action === 'decline' || action === 'arrived')
		a.answered = a.answered || action;
	if (!conn || !conn.publish(topic('respond', me.id), body)) {
		a.error = { key: 'responder.not_sent' };
		render();
		return;
	}
	a.pending = action;
	a.pendingAt = Date.now();
	setTimeout(render, PENDING_MS + 50);
	render();
}

// ---- the alarm -------------------------------------------------------------

function isOpen(id) {
	return !resolved.has(id);
}

// An alert sounds until this responder answers or the incident is closed;
// one below a threat to life also stops once someone has acknowledged.
function ringing(a) {
	if (!a || a.answered || a.standDown || !isOpen(a.n.incident))
		return false;
	const p = incidents.get(a.n.incident);
	return !(p && p.acked_by && a.n.severity > 1);
}

function updateAlarm() {
	const ring = [...alerts.values()].some(ringing);

	// A burst of queued messages after a reconnection can announce an
	// incident and its end together: wait a moment before the first beep.
	if (ring && !alarm.ringing && !alarmTimer)
		alarmTimer = setTimeout(() => {
			alarmTimer = null;
			if ([...alerts.values()].some(ringing))
				alarm.start();
		}, 250);
	if (!ring) {
		clearTimeout(alarmTimer);
		alarmTimer = null;
		alarm.stop();
	}
	document.title = t(ring ? 'responder.title_alert' : 'responder.title');
}

// Where beacond pushes to this phone, the service worker shows the alert
// with its Acknowledge and Decline buttons (sw.js): one from the page
// under the same tag would take its place without them.
function notifySystem(n) {
	if (!('Notification' in window) || Notification.permission !== 'granted' ||
	    (push.line && push.line.ok))
		return;
	const title = n.drill ? t('common.drill_prefix', { text: labelOf(n) }) :
	    labelOf(n);
	const opts = { body: `${branchNames.get(n.branch) || n.branch}` +
	    `${n.location ? `, ${n.location}` : ''}`, tag: `incident-${n.incident}`,
	renotify: true, requireInteraction: true, icon: 'icon-192.png' };

	// Chrome for Android shows them only through a service worker.
	const sw = navigator.serviceWorker;
	(sw ? sw.getRegistration() : Promise.resolve(null)).then((reg) =>
	    (reg ? reg.showNotification(title, opts) :
		new Notification(title, opts))).catch(() => {});
}

// ---- Web Push ----------------------------------------------------------------

// With the library's VAPID key, this phone's push subscription goes to
// beacond on {p}/push/{responder}, once per connection, and beacond's
// answer on {p}/reply/{responder}/push says whether alerts now reach the
// phone when it is locked. Push never holds up signing in or the alerts
// that come over MQTT: where it fails, the page says so and goes on.
const NO_PUSH = 'responder.push.none';

// What the page says about push: a catalog key and its values, said in
// the language of the moment.
function pushLine(ok, key, vars) {
	push.line = key ? { ok, key, vars } : null;
	render();
}

function keyBytes(b64url) {
	const s = atob(b64url.replace(/-/g, '+').replace(/_/g, '/'));

	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function keyText(buf) {
	return buf ? btoa(String.fromCharCode(...new Uint8Array(buf)))
	    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : '';
}

// The service worker, or null after ms (a server that does not serve it
// as JavaScript never gives one).
function workerReady(ms) {
	return Promise.race([navigator.serviceWorker.ready,
	    new Promise((r) => setTimeout(() => r(null), ms))]);
}

// This browser's subscription for key: the one it has, or a new one when
// there is none or it was made for another key.
async function subscription(key) {
	const reg = await workerReady(10000);

	if (!reg)
		throw new Error('no service worker');
	let sub = await reg.pushManager.getSubscription();
	if (sub && keyText(sub.options.applicationServerKey) !== key) {
		await sub.unsubscribe();
		sub = null;
	}
	// A push service out of reach can leave the promise hanging.
	return sub || Promise.race([reg.pushManager.subscribe({
	    userVisibleOnly: true, applicationServerKey: keyBytes(key) }),
	new Promise((resolve, reject) => setTimeout(() =>
	    reject(new Error('the push service did not answer')), 15000))]);
}

function pushBlocked() {
	if (!('serviceWorker' in navigator) || !('PushManager' in window) ||
	    !('Notification' in window) ||
	    !window.isSecureContext)
		return NO_PUSH;
	if (Notification.permission === 'denied')
		return 'responder.push.blocked';
	return '';
}

async function pushSync() {
	const key = push.key;
	const c = conn;

	if (!me || !c || !c.online || !key || !library ||
	    !library.has(me.id) || push.sent === `${key}|${me.id}` || push.busy)
		return;
	const blocked = pushBlocked();
	if (blocked) {
		pushLine(false, blocked);
		return;
	}
	// Not asked yet: the hint above asks, and this runs again after.
	if (Notification.permission !== 'granted') {
		pushLine(null, '');
		return;
	}
	push.busy = true;
	pushLine(null, 'responder.push.setting_up');
	try {
		const sub = await subscription(key);
		if (c === conn && c.publish(topic('push', me.id),
		    { device, subscription: sub.toJSON() })) {
			push.sent = `${key}|${me.id}`;
		}
	} catch (e) {
		console.info('beacon: no push subscription:', e.message);
		pushLine(false, NO_PUSH);
	} finally {
		push.busy = false;
	}
}

function onPushReply(p) {
	if (p.device !== device)
		return;
	pushLine(!!p.ok, p.ok ? 'responder.push.ok' : 'responder.push.failed',
	    { error: p.error });
}

// Signing out: beacond forgets this phone's subscription (if it had one),
// even when this session has not yet heard beacond's key: an earlier one
// may have subscribed.
function pushForget() {
	if (conn)
		conn.publish(topic('push', me.id), { device, subscription: null });
}

// A tapped notification names its incident (#incident=9): its card is
// shown, now or when its alert comes.
function openIncident(hash) {
	const m = /^#incident=([0-9]+)$/.exec(hash || '');

	if (!m)
		return;
	wanted = Number(m[1]);
	if (alerts.has(wanted))
		shown = wanted;
	render();
}

// ---- the screens -----------------------------------------------------------

// When, in the incident's branch's zone and the app's language.
function when(p, ts = p.ts) {
	if (!ts || !Number.isFinite(Date.parse(ts)))
		return null;
	setZone(branchZones.get(p.branch));
	return fmtDateTime(ts);
}

function branchName(id) {
	return branchNames.get(id) || id;
}

// A label of the configuration ({label, labels}) in the app's language.
function inLanguage(l) {
	return l ? (l.labels && l.labels[language()]) || l.label : '';
}

// A category's label in the app's language, else as beacond sent it.
function labelOf(p) {
	return inLanguage(labels.get(p.type)) || p.label || p.type;
}

function roleName(role) {
	return inLanguage(roleLabels.get(role)) || (role || '').replace(/_/g, ' ');
}

function whoLine(id) {
	const m = ackers.get(id);
	const p = incidents.get(id);
	const parts = m ? [...m].map(([who, act]) => t(`responder.acted.${act}`,
	    { who: who === me.id ? t('responder.you', { who }) : who })) : [];

	if (!parts.length && p && p.acked_by)
		parts.push(t('responder.acted.ack', { who: p.acked_by }));
	return parts.length ? parts.join(' · ') : t('responder.nobody_acked');
}

function actions(id, a) {
	const p = incidents.get(id);
	const state = p ? p.state : 'routed';
	const big = (action, text, cls) => el('button', { type: 'button',
	    class: `act ${cls}`, 'data-action': action,
	    disabled: a.pending ? true : null,
	    onclick: () => respond(id, action) }, text);

	if (!isOpen(id))
		return [];
	if (!a.answered || a.answered === 'decline')
		return [big('ack', t('responder.ack'), 'primary'),
		    big('decline', t('responder.decline'), 'secondary')];
	const resolve = el('button', { type: 'button', class: 'act secondary',
	    'data-action': 'resolve', disabled: a.pending ? true : null,
	    onclick: () => {
		if (a.confirm)
			respond(id, 'resolve');
		else
			a.confirm = true;
		render();
	} }, t(a.confirm ? 'responder.resolve_confirm' : 'responder.resolve'));
	return state === 'on_scene' ? [resolve] :
	    [big('arrived', t('responder.arrived'), 'primary'), resolve];
}

function resultLine(a) {
	// beacond's error as it comes; the page's own in its language.
	if (a.error)
		return el('p', { class: 'result bad', role: 'alert' },
		    a.error.key ? t(a.error.key) : a.error);
	if (a.pending)
		return el('p', { class: 'result' }, t(Date.now() - a.pendingAt >
		    PENDING_MS ? 'responder.no_answer' : 'responder.sending'));
	return a.result ? el('p', { class: 'result good', role: 'status' },
	    acceptedText(a.result)) : null;
}

// Every location or note reported, the first one first (a press joined
// to the incident adds to them): from the incident topic, else the alert.
function listOf(p, n, key, first) {
	const l = (p && p[key]) || n[key];

	return l && l.length ? l : first ? [first] : [];
}

// Other open incidents of the same category at the branch, from another
// device at another place: perhaps the same event, each handled on its own.
function relatedLine(p, n) {
	const r = (p && p.related) || (n && n.related) || [];

	return r.length > 0 ? t('responder.related', { ids: r.join(', ') }) :
	    null;
}

function card(id) {
	const a = alerts.get(id);
	const n = a.n;
	const p = incidents.get(id);
	const closed = !isOpen(id);
	const locs = listOf(p, n, 'locations', n.location);
	const notes = listOf(p, n, 'notes', n.note);
	const related = relatedLine(p, n);

	return el('div', { class: `card-inner sev${n.severity}`,
	    'data-incident': id, 'data-ringing': ringing(a) ? 'true' : 'false' },
	n.drill && el('p', { class: 'drill-banner' },
	    el('span', {}, t('responder.drill_banner'))),
	el('p', { class: 'sev-band' },
	    el('span', {}, t('responder.severity', { n: n.severity,
		name: severityName(n.severity) })),
	    el('span', { class: 'ago', 'data-ts': n.ts, title: when(n) },
		ago(n.ts))),
	el('div', { class: 'card-body' },
	    el('h1', { id: 'card-title' }, labelOf(n)),
	    el('p', { class: 'branch' }, branchName(n.branch)),
	    el('p', { class: 'location' }, el('span', { class: 'k' },
		t('responder.where')), locs[0] || t('responder.not_given')),
	    locs.slice(1).map((l) => el('p', { class: 'location also' },
		el('span', { class: 'k' }, t('responder.also_at')), l)),
	    notes.map((x) => el('p', { class: 'note' }, el('span', { class: 'k' },
		t('responder.note')), x)),
	    related && el('p', { class: 'note related' }, related),
	    n.call_911 && !n.drill && el('p', { class: 'call911' },
		t('responder.told_911')),
	    n.drill && (n.call_911 || n.would_call_911) && el('p',
		{ class: 'drill-911' }, t('responder.drill_911')),
	    n.silent && el('p', { class: 'silent' },
		n.advice || t('responder.silent')),
	    el('p', { class: 'meta' }, [t('responder.meta', { id,
		role: roleName(n.role), step: n.step + 1 }),
		n.repeat ? t('responder.reminder', { n: n.repeat }) : '']
		.join('')),
	    el('p', { class: 'who' }, closed ? (resolved.get(id) ?
		t('responder.resolved_by', { who: resolved.get(id) }) :
		t('responder.resolved')) : whoLine(id)),
	    a.standDown && el('p', { class: 'result good stand-down',
		role: 'status' }, a.standDown),
	    resultLine(a),
	    el('div', { class: 'spacer' }),
	    ringing(a) && el('p', { class: 'sounding' },
		t('responder.sounding')),
	    isOpen(id) && el('label', { class: 'note-field' },
		t('responder.note_optional'),
		el('input', { id: 'card-note', maxlength: '512',
		    autocomplete: 'off' })),
	    el('div', { class: 'actions' }, actions(id, a)),
	    el('button', { type: 'button', class: 'back',
		onclick: () => { shown = null; render(); } },
	    t('responder.back'))));
}

function incidentItem(p) {
	const id = p.incident;
	const a = alerts.get(id);

	// Only an incident this responder was called to opens its card.
	return el('li', { class: `incident sev${p.severity}`,
	    'data-incident': id },
	el(a ? 'button' : 'div', { type: a ? 'button' : null, class: 'open',
	    onclick: a ? () => { shown = id; render(); } : null },
	el('span', { class: 'title' }, el('span', {}, p.drill ?
	    `${t('common.drill')} · ` : '',
	    `${labelOf(p)} · ${branchName(p.branch)}`),
	    el('span', { class: 'ago', 'data-ts': p.created,
		title: when(p, p.created) }, ago(p.created))),
	p.location && el('span', { class: 'line' }, p.location),
	el('span', { class: 'line state' },
	    `${t(`common.state.${p.state}`)} · ${whoLine(id)}`),
	relatedLine(p) && el('span', { class: 'line related' }, relatedLine(p)),
	a && ringing(a) && el('span', { class: 'line waiting' },
	    t('responder.waiting'))));
}

function home() {
	const open = [...incidents.values()]
	    .filter((p) => p.state !== 'resolved')
	    .sort((x, y) => x.severity - y.severity ||
		Date.parse(y.created) - Date.parse(x.created));

	// The names come with the configuration, which may come after the
	// incidents: drawn again when they do.
	const key = JSON.stringify([open, [...ackers.keys()].map((k) =>
	    [k, ...ackers.get(k)]), [...alerts.values()].map(ringing),
	    notices.length, [...branchNames], [...labels], language()]);

	if (key === drawn.home)
		return;
	drawn.home = key;
	$('#incidents').replaceChildren(...(open.length ?
	    open.map(incidentItem) :
	    [el('li', { class: 'empty' }, t('responder.no_incidents'))]));
	$('#notices').replaceChildren(...notices.map((n) => el('li', {},
	    n.message || t('responder.notice', { kind: n.kind,
	    id: n.incident }))));
	$('#notices-box').hidden = !notices.length;
}

function status() {
	const checked = !!me && !!library && library.has(me.id);
	const line = !me ? ['warn', t('responder.conn.signed_out')] :
	    connState === 'online' && !checked ?
	    ['warn', t('responder.conn.checking', { id: me.id })] :
	    connState === 'online' ? (daemonOnline ?
	    ['ok', t('responder.conn.online')] :
	    ['bad', t('responder.conn.daemon_offline')]) :
	    connState === 'connecting' ? ['warn', t('responder.conn.connecting')] :
	    ['bad', t('responder.conn.offline')];
	const mine = checked && library.get(me.id);
	const role = mine && (inLanguage(mine) || roleName(mine.role));

	$('#conn').className = `conn ${line[0]}`;
	$('#conn').textContent = line[1];
	$('#who').textContent = !me ? '' : role ? `${me.id} · ${role}` : me.id;
	$('#sound-hint').hidden = !me || soundReady();
	$('#notify-hint').hidden = !me || !('Notification' in window) ||
	    Notification.permission !== 'default';
	$('#push-state').hidden = !me || !push.line;
	$('#push-state').className = push.line && push.line.ok ? 'panel' :
	    'warn-banner';
	$('#push-state').textContent = push.line ? t(push.line.key,
	    push.line.vars) : '';
	document.body.dataset.ready = connState === 'online' && checked ?
	    '1' : '0';
}

function render() {
	const c = $('#card');

	status();
	if (!me)
		return;
	home();
	if (shown !== null && alerts.has(shown)) {
		// Drawn again only when it changed: a button replaced under a
		// finger would lose the press.
		const key = JSON.stringify([shown, alerts.get(shown), ringing(
		    alerts.get(shown)), incidents.get(shown), resolved.get(shown),
		    [...(ackers.get(shown) || [])], branchNames.get(
		    alerts.get(shown).n.branch), roleLabels.get(
		    alerts.get(shown).n.role), language(),
		    (alerts.get(shown).pending &&
		    Date.now() - alerts.get(shown).pendingAt > PENDING_MS)]);
		if (key === drawn.card && !c.hidden) {
			updateAlarm();
			return;
		}
		drawn.card = key;
		const focus = document.activeElement && document.activeElement.id;
		const note = $('#card-note') ? $('#card-note').value : '';
		c.replaceChildren(card(shown));
		if ($('#card-note'))
			$('#card-note').value = note;
		if (focus === 'card-note')
			$('#card-note').focus();
		if (c.hidden) {
			c.hidden = false;
			const first = c.querySelector('button.act');
			if (first)
				first.focus();
		}
	} else {
		drawn.card = '';
		c.hidden = true;
		c.replaceChildren();
	}
	updateAlarm();
}

// "2 min ago" moves on without redrawing the buttons under a finger.
function tick() {
	for (const e of document.querySelectorAll('.ago[data-ts]'))
		e.textContent = ago(e.dataset.ts);
}

// ---- signing in and out ----------------------------------------------------

// The signed-in responder's language (their entry in the library's
// configuration), else the browser's.
function speak() {
	const mine = me && library && library.get(me.id);

	setLanguage(pickLanguage(mine && mine.language));
}

function connect() {
	conn = new Conn({
		clientId: `app-${me.id}-${appDevice}`,
		clean: false, sessionExpiry: SESSION_EXPIRY,
		username: me.username || me.id, password: me.password || '',
		presence: { topic: topic('device', '_responders', me.id),
		    kind: 'responder_app' },
		topics: [topic('notify', me.id), topic('error', me.id),
		    topic('incident', '+'), topic('config', '+'),
		    topic('daemon', 'status'), topic('reply', me.id, 'push')],
		onMessage, onState,
	});
	conn.start();
}

function showLogin() {
	loginShow(me);
	$('#home').hidden = true;
}

function signIn(e) {
	e.preventDefault();
	unlock();
	const next = loginRead('common.login.what_responder');
	if (!next)
		return;
	me = next;
	save('responder', me);
	speak();
	// Asked now, while the click counts as the user's: push needs it.
	if ('Notification' in window && Notification.permission === 'default')
		Notification.requestPermission().then(() => {
			render();
			pushSync();
		}, () => {});
	$('#login').hidden = true;
	$('#home').hidden = false;
	connect();
	render();
}

// Signing out ends the session at the broker: nothing waits for this
// phone any more.
function signOut() {
	const c = conn;
	const reload = () => location.reload();

	if (c) {
		pushForget();
		c.publish(topic('device', '_responders', me.id),
		    c.presence('offline'), true);
		conn = null;
	}
	save('responder', { id: me.id, username: me.username, password: '',
	    signedIn: false });
	me = null;
	alarm.stop();
	if (!c) {
		reload();
		return;
	}
	// What was just published (the subscription forgotten, the app
	// offline) must reach the broker before the page goes: reload once
	// the session has ended, or after 3 s without a broker.
	const late = setTimeout(reload, 3000);
	c.client.end(false, { properties: { sessionExpiryInterval: 0 } },
	    () => {
		clearTimeout(late);
		reload();
	});
}

// An id beacond does not know would never be called: say so, and leave
// nothing at the broker (no session, no retained presence) for it; beacond
// is told it went offline.
function refuse(id) {
	if (conn) {
		conn.publish(topic('device', '_responders', id),
		    conn.presence('offline'), true);
		conn.publish(topic('device', '_responders', id), '', true);
		conn.client.end(false, { properties: { sessionExpiryInterval: 0 } });
		conn = null;
	}
	connState = 'offline';
	me.signedIn = false;
	save('responder', { id, username: me.username, password: '',
	    signedIn: false });
	$('#login-error').textContent = t('responder.unknown', { id });
	showLogin();
	me = null;
	library = null;
}

// ---- a phone enrolled with its own account (beacon enroll) ------------------

// The link beacon enroll prints, responder.html#enroll=CODE, opened once:
// the code is claimed from beacond (POST e/CODE beside this page), which
// answers this phone's own broker account once; it is kept as the
// sign-in, and the code leaves the address. What happened, in words.
async function enrollFromLink(code) {
	let r = null, a = {};

	history.replaceState(null, '', location.pathname + location.search);
	try {
		r = await fetch(`e/${code}`, { method: 'POST',
		    headers: { Accept: 'application/json' } });
		a = await r.json();
	} catch (e) {
		a = { error: t('responder.enroll.unreachable', { why: e.message }) };
	}
	if (!r || !r.ok || !validId(a.responder || '') || !a.username ||
	    !validId(a.device || ''))
		return { ok: false, text: t('responder.enroll.failed',
		    { why: a.error || t('responder.enroll.no_answer') }) };
	if (me && me.id === a.responder && a.device !== device)
		push.forget = device;
	me = { id: a.responder, username: a.username, password: a.password,
	    signedIn: true };
	save('responder', me);
	device = a.device;
	save('device', device);
	push.sent = '';
	return { ok: true, text: t('responder.enroll.done',
	    { id: a.responder, device: a.device }) };
}

function start() {
	if (me && me.signedIn && validId(me.id)) {
		$('#home').hidden = false;
		$('#login').hidden = true;
		connect();
	} else {
		showLogin();
	}
	render();
}

function main() {
	translateDom(document);
	speak();
	// A new language redraws everything already on the screen, and the
	// service worker hears of it for its own texts.
	onLanguage((lang) => {
		drawn.card = '';
		drawn.home = '';
		render();
		tellWorker(lang);
	});
	tellWorker(language());
	$('#login-form').addEventListener('submit', signIn);
	$('#sign-out').addEventListener('click', signOut);
	$('#sound-hint').addEventListener('click', () => { unlock(); render(); });
	$('#notify-hint').addEventListener('click', () =>
	    Notification.requestPermission().then(() => {
		render();
		pushSync();
	    }, () => {}));
	window.addEventListener('hashchange', () => openIncident(location.hash));
	if ('serviceWorker' in navigator)
		navigator.serviceWorker.addEventListener('message', (e) =>
		    openIncident(e.data && e.data.open));
	openIncident(location.hash);
	document.addEventListener('pointerdown', () => {
		unlock();
		setTimeout(status, 100);
	});
	window.addEventListener('pagehide', () => conn && conn.close());
	setInterval(tick, 5000);
	const code = /^#enroll=([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
	if (code) {
		enrollFromLink(code[1]).then((said) => {
			$('main').prepend(el('p', { id: 'enrolled', class:
			    said.ok ? 'enrolled' : 'error', role: 'status' },
			    said.text));
			start();
		});
	} else {
		start();
	}
	registerWorker();
}

main();
