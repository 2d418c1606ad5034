// The staff report page (report.html): one big button per category of the
// branch, from its retained beacon/config/{branch}; after a press, the
// answer at once and every change of it, from beacon/status/{branch}/{id}.
//
// The report id is made here, and the same report is sent again with the
// same id until beacond answers (and after a reconnection or a reload), so
// a retry never opens a second incident (docs/protocol.md, "Delivery,
// retries and idempotency").
import { Conn, topicPrefix } from './conn.js';
import { language, onLanguage, pickLanguage, setLanguage, setZone, t,
    translateDom } from './i18n.js';
import { chime, unlock } from './sound.js';
import { $, clock, el, load, randomHex, registerWorker, save, setting,
    severityName, tellWorker, validId } from './util.js';

const RETRY_MS = 2000;		/* as the protocol asks */
const SLOW_MS = 5000;		/* no answer by then: tell staff */
const OFFLINE_MS = 10000;	/* no answer by then: offline, call directly;
				 * beacon/config/{branch} offline_after */
const SAME_MS = 10 * 60 * 1000;	/* the same button again: the same report */
const KEEP_MS = 12 * 3600 * 1000;
const KEEP_N = 10;

const prefix = topicPrefix();
const deviceId = load('device', null) || `page-${randomHex(6)}`;
save('device', deviceId);
const branch = setting('branch', '');
let config = branch ? load(`config.${branch}`, null) : null;
let reports = load('reports', []).filter((r) =>
    Date.now() - Date.parse(r.created) < KEEP_MS);
let daemonOnline = true;
let conn = null;
let connState = 'connecting';
let connDetail = '';
let drawnButtons = '';
let drawnAnswer = '';
const branches = new Map();	/* id -> name, for setting up the device */
const LIBRARY = '_library';	/* beacon/config/_library: every id and label */
let known = null;		/* the library's branch ids, once heard */
let libBranch = null;		/* this branch's entry in the library's config */
let roleLabels = new Map();	/* role id -> labels by language, from the same */
const timers = new Map();	/* report id -> retry interval */
const heard = new Set();	/* ids with a status since the last connect */

function topic(...levels) {
	return [prefix, ...levels].join('/');
}

function statusTopic(r) {
	return topic('status', r.branch, r.id);
}

function keep() {
	reports = reports.slice(-KEEP_N);
	save('reports', reports);
}

function last(r) {
	return r.statuses.length ? r.statuses[r.statuses.length - 1] : null;
}

function done(r) {
	const s = last(r);

	return !!s && (s.state === 'resolved' || s.state === 'rejected');
}

// ---- sending ---------------------------------------------------------------

function payload(r) {
	const p = { id: r.id, type: r.type, device: deviceId };

	if (r.location)
		p.location = r.location;
	if (r.note)
		p.note = r.note;
	if (r.silent)
		p.silent = true;
	if (r.drill)
		p.drill = true;
	return p;
}

// Send now, and every 2 s until the first status of this visit arrives.
function send(r) {
	conn.subscribe(statusTopic(r));
	conn.publish(topic('report', r.branch), payload(r));
	if (!timers.has(r.id))
		timers.set(r.id, setInterval(() => {
			if (heard.has(r.id))
				stopRetry(r);
			else
				conn.publish(topic('report', r.branch), payload(r));
		}, RETRY_MS));
}

function stopRetry(r) {
	clearInterval(timers.get(r.id));
	timers.delete(r.id);
}

// A report of severity 3-4 waits a few seconds before anyone is notified
// (its status says until when): cancelled in that time, nothing is sent
// (docs/protocol.md, "Cancel, drills, repeated presses and pauses").
function cancelOpen(r) {
	const s = last(r);

	return !!s && !done(r) && !!s.cancel_until &&
	    Date.now() < Date.parse(s.cancel_until);
}

function cancel(r) {
	r.cancelling = true;
	conn.publish(topic('report', r.branch), { id: r.id, cancel: true,
	    device: deviceId });
	render();
}

function press(button) {
	const location = $('#location').value.trim();
	const note = $('#note').value.trim();
	const drill = $('#drill').checked;
	const again = reports.find((r) => r.branch === branch && !done(r) &&
	    r.type === button.type && r.drill === drill &&
	    Date.now() - Date.parse(r.created) < SAME_MS);

	unlock();
	if (again) {
		again.pressedAgain = Date.now();
		send(again);
		render();
		showAnswer();
		return;
	}
	save('location', location);
	const r = {
		id: `${deviceId}-${Date.now().toString(36)}${randomHex(2)}`,
		branch, type: button.type, label: buttonLabel(button),
		severity: button.severity, location, note, drill,
		silent: $('#silent').checked, created: new Date().toISOString(),
		statuses: [],
	};
	reports.push(r);
	keep();
	$('#note').value = '';
	send(r);
	setTimeout(render, SLOW_MS + 50);
	setTimeout(render, offlineMs() + 50);
	render();
	showAnswer();
}

// The answer sits above the buttons: on a phone the pressed button may be
// far down the list, so bring the answer into sight at once.
function showAnswer() {
	$('#answer-slot').scrollIntoView({ block: 'start' });
}

// ---- answers ---------------------------------------------------------------

function onStatus(r, s) {
	const prev = last(r);

	heard.add(r.id);
	stopRetry(r);
	// A branch in drill mode makes every report a drill: labelled so here
	// too, whatever the checkbox said.
	if (s.drill && !r.drill) {
		r.drill = true;
		keep();
	}
	if (prev && prev.message === s.message && prev.state === s.state)
		return;
	r.statuses.push({ state: s.state, message: s.message ||
	    t(`common.state.${s.state}`),
	    call_911: !!s.call_911, would_call_911: !!s.would_call_911,
	    by: s.by || '', by_role: s.by_role || '', ts: s.ts || '',
	    notified: Number.isInteger(s.notified) ? s.notified : null,
	    nobody: nobodyNow(s),
	    cancel_until: s.cancel_until || '' });
	keep();
	if (cancelOpen(r))
		setTimeout(render, Date.parse(s.cancel_until) - Date.now() + 50);
	if (!r.silent && (s.state === 'received' || s.state === 'acknowledged'))
		chime();
	render();
}

function onMessage(t, p) {
	const [kind, a, b] = t.slice(prefix.length + 1).split('/');
	const r = kind === 'status' && reports.find((x) => x.id === b &&
	    x.branch === a);

	if (kind === 'daemon') {
		daemonOnline = !p || p.state !== 'offline';
	} else if (kind === 'config' && a === LIBRARY && p) {
		known = new Set((p.branches || []).map((b) => b.branch));
		libBranch = (p.branches || []).find((b) => b.branch === branch) ||
		    null;
		roleLabels = new Map((p.responders || []).filter((x) => x.role)
		    .map((x) => [x.role, x.labels || { en: x.label }]));
		speak();
	} else if (kind === 'config' && p) {
		branches.set(a, p.name || '');
		if (a === branch) {
			config = p;
			save(`config.${branch}`, p);
			speak();
		}
	} else if (r && p) {
		onStatus(r, p);
	} else if (kind === 'error' && a === branch && p) {
		const e = reports.find((x) => x.id === p.report);
		if (e) {
			e.error = p.error;
			heard.add(e.id);
			stopRetry(e);
		}
	}
	render();
}

function onState(state, detail) {
	connState = state;
	connDetail = detail || '';
	if (state === 'online') {
		// The retained status says where an open report stands; one that
		// had no answer yet, or whose status does not come back, is sent
		// again with the same id.
		heard.clear();
		for (const r of reports) {
			if (r.branch !== branch || done(r))
				continue;
			conn.subscribe(statusTopic(r));
			if (!last(r)) {
				send(r);
				setTimeout(render, Math.max(0, Date.parse(r.created) +
				    offlineMs() - Date.now()) + 50);
			} else
				setTimeout(() => heard.has(r.id) || send(r), 1000);
		}
	}
	render();
}

// ---- the page ---------------------------------------------------------------

// The branch's language (beacon/config/{branch}, else its entry in the
// library's), else the browser's; times in the branch's zone.
function speak() {
	const setting = (config && config.language) ||
	    (libBranch && libBranch.language);

	setZone((config && config.timezone) || (libBranch && libBranch.timezone));
	setLanguage(pickLanguage(setting));
}

// A button's label in the page's language: its labels[lang], else label.
function buttonLabel(b) {
	return (b.labels && b.labels[language()]) || b.label || b.type;
}

// A report's category as the buttons name it now, else as it was pressed.
function reportLabel(r) {
	const b = config && Array.isArray(config.buttons) &&
	    config.buttons.find((x) => x.type === r.type);

	return b ? buttonLabel(b) : r.label;
}

const STATE_HEAD = {
	received: 'report.head.received',
	routed: 'report.head.routed',
	on_scene: 'report.head.on_scene',
	resolved: 'report.head.resolved',
};

function drill911() {
	return t('report.drill_911');
}

// The role that acknowledged, in the page's language: its label from the
// library's configuration, else the one in the message's parentheses.
function roleOf(s) {
	const l = s.by_role && roleLabels.get(s.by_role);
	const m = /\(([^)]+)\)/.exec(s.message || '');

	if (l && (l[language()] || l.en))
		return l[language()] || l.en;
	return m ? m[1] : '';
}

function capital(s) {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

// A status that says nobody could be called: nobody was notified at all
// (routed, 0 notified), an escalation that reached no one else (its
// escalation names no role called), or, from a beacond that says it only
// in words, "call the person in charge".
function nobodyNow(s) {
	const e = s.escalation;

	return (s.state === 'routed' && s.notified === 0) ||
	    (s.state === 'routed' && !!e && e.at === s.ts &&
	    Array.isArray(e.called) && e.called.length === 0) ||
	    /call the person in charge/.test(s.message || '');
}

// Told that nobody could be called, and nobody has acknowledged since
// (a later "received again" must not hide it).
function nobody(r) {
	for (let i = r.statuses.length - 1; i >= 0; i--) {
		const s = r.statuses[i];
		if (s.nobody || /call the person in charge/.test(s.message))
			return true;
		if (s.state !== 'routed' && s.state !== 'received')
			return false;
	}
	return false;
}

// Closed by this page's cancel: before anyone was notified, or after
// (a false alarm). Older statuses say so only in words.
function cancelled(r, s) {
	if (s.state !== 'resolved')
		return '';
	if (/^cancelled/.test(s.message))
		return 'nobody';
	if (/^false alarm/.test(s.message))
		return 'false';
	if (r.cancelling && !s.by_role)
		return s.notified > 0 ? 'false' : 'nobody';
	return '';
}

function headline(r) {
	const s = last(r);

	if (r.error)
		return t('report.head.not_sent_why', { error: r.error });
	if (!s)
		return conn.online ? t('report.head.sending') :
		    t('report.head.waiting');
	if (s.state === 'rejected')
		return t('report.head.not_sent');
	if (cancelled(r, s) === 'nobody')
		return t('report.head.cancelled');
	if (cancelled(r, s) === 'false')
		return t('report.head.false_alarm');
	if (s.state === 'acknowledged') {
		const role = roleOf(s);
		return role ? t('report.head.acked_role', { role: capital(role) }) :
		    t('report.head.acked');
	}
	if (nobody(r))
		return t('report.head.nobody');
	return STATE_HEAD[s.state] ? t(STATE_HEAD[s.state]) : s.message;
}

function banners(r) {
	const s = last(r);
	const out = [];

	if (!s || done(r))
		return out;
	// A drill never shows the red banner, whatever an older beacond says.
	if (s.call_911 && !r.drill)
		out.push(el('p', { class: 'alarm-banner', role: 'alert',
		    'data-banner': 'call911' }, t('report.call911')));
	else if (s.call_911 || s.would_call_911)
		out.push(el('p', { class: 'drill-911', role: 'alert',
		    'data-banner': 'would911' }, drill911()));
	if (nobody(r))
		out.push(el('p', { class: 'alarm-banner', role: 'alert',
		    'data-banner': 'nobody' }, t('report.nobody_banner')));
	return out;
}

function slow(r) {
	return !last(r) && !r.error &&
	    Date.now() - Date.parse(r.created) > SLOW_MS;
}

// How long a report waits for its first status before the page says it is
// offline: the branch's setting (devices.no_answer), else 10 s.
function offlineMs() {
	const s = config && Number(config.offline_after);

	return s > 0 ? s * 1000 : OFFLINE_MS;
}

// No answer from beacond for that long: whatever the connection line says
// (a branch broker cut off from the centre still takes reports, and its
// last daemon status says online), nobody has been called yet.
function offline(r) {
	return !last(r) && !r.error &&
	    Date.now() - Date.parse(r.created) > offlineMs();
}

function offlinePanel(r) {
	const secs = Math.round(offlineMs() / 1000);

	return [el('p', { class: 'alarm-banner', role: 'alert',
	    'data-banner': 'offline' }, t('report.offline.banner')),
	el('p', { class: 'warn offline-help' },
	    t(r.severity !== 1 ? 'report.offline.help' : r.drill ?
	    'report.offline.help_drill' : 'report.offline.help_911',
	    { secs, drill: drill911() }))];
}

function answerPanel(r) {
	const s = last(r);
	const cls = ['answer', r.silent ? 'silent' : '',
	    s && (s.state === 'rejected' || nobody(r) || r.error) ? 'bad' : '',
	    s && s.state === 'acknowledged' ? 'good' : '',
	    s && s.state === 'on_scene' ? 'good' : ''].join(' ');

	return el('section', { class: cls, id: 'answer', 'data-report': r.id,
	    'data-state': s ? s.state : 'sending' },
	el('p', { class: 'what' },
	    r.drill && el('span', { class: 'tag drill-tag' }, t('common.drill')),
	    r.silent && el('span', { class: 'tag' }, t('report.silent_tag')),
	    `${reportLabel(r)}${r.location ? ` · ${r.location}` : ''}`,
	    el('span', { class: 'when' }, clock(r.created))),
	banners(r),
	offline(r) && offlinePanel(r),
	el('h2', { class: 'headline' }, headline(r)),
	s && el('p', { class: 'message' }, s.message),
	cancelOpen(r) && el('button', { type: 'button', class: 'cancel',
	    disabled: r.cancelling ? true : null, onclick: () => cancel(r) },
	t(r.cancelling ? 'report.cancelling' : 'report.cancel')),
	slow(r) && !offline(r) && el('p', { class: 'warn', role: 'alert' },
	    t('report.slow')),
	r.pressedAgain && el('p', { class: 'again' }, t('report.again')),
	el('ol', { class: 'history' }, r.statuses.map((x) =>
	    el('li', {}, el('time', {}, clock(x.ts)), ' ',
		el('span', { class: 'msg' }, x.message)))));
}

function earlier(current) {
	const rest = reports.filter((r) => r !== current && r.branch === branch)
	    .reverse().slice(0, 4);

	if (!rest.length)
		return null;
	return el('section', { class: 'earlier' },
	    el('h2', {}, t('report.earlier')),
	    el('ul', {}, rest.map((r) => el('li', {},
		el('time', {}, clock(r.created)), ' ',
		r.drill ? `${t('common.drill')} · ` : '', reportLabel(r),
		t('report.earlier_sep'),
		last(r) ? last(r).message : t('report.no_answer')))));
}

// A branch beacond does not know: a report from here would reach no one.
function unknownBranch() {
	return !!known && validId(branch) && !known.has(branch);
}

function buttonsOf() {
	if (unknownBranch())
		return [el('p', { class: 'error', role: 'alert',
		    'data-refused': 'branch' }, t('report.unknown_branch',
		    { branch }))];
	if (!config || !Array.isArray(config.buttons) || !config.buttons.length)
		return [el('p', { class: 'empty' }, t(connState === 'online' ?
		    'report.waiting_buttons' : 'report.connecting_beacon'))];
	return config.buttons.map((b) => el('button', {
		type: 'button', class: `report-button sev${b.severity}`,
		'data-type': b.type, onclick: () => press(b) },
	el('span', { class: 'label' }, buttonLabel(b)),
	el('span', { class: 'sev' }, `${b.severity} · ${severityName(b.severity)}`)));
}

function connLine() {
	if (unknownBranch())
		return ['bad', t('report.conn.no_branch', { branch })];
	if (connState === 'online' && daemonOnline)
		return ['ok', t('report.conn.online')];
	if (connState === 'online')
		return ['bad', t('report.conn.daemon_offline')];
	if (connState === 'refused')
		return ['bad', t('report.conn.refused', { why: connDetail })];
	return ['warn', t(connState === 'connecting' ? 'report.conn.connecting' :
	    'report.conn.retrying')];
}

// Only what changed is drawn again: a button replaced under a finger
// would lose the press.
function renderButtons() {
	const key = JSON.stringify([config && config.buttons, connState,
	    unknownBranch(), language()]);

	if (key !== drawnButtons) {
		drawnButtons = key;
		$('#buttons').replaceChildren(...buttonsOf());
	}
}

// The answer is a live region: drawn again only when it changed, or a
// screen reader would read it out again at every message.
function renderAnswer(current) {
	const key = JSON.stringify([current, current && slow(current),
	    current && offline(current), current && cancelOpen(current),
	    connState === 'online', reports.length, language(),
	    [...roleLabels]]);

	if (key === drawnAnswer)
		return;
	drawnAnswer = key;
	$('#answer-slot').replaceChildren(current ? answerPanel(current) : '');
	$('#earlier-slot').replaceChildren(earlier(current) || '');
}

function render() {
	const current = reports.filter((r) => r.branch === branch).slice(-1)[0];
	const [cls, text] = connLine();

	document.body.classList.toggle('drilling', $('#drill').checked);
	document.body.classList.toggle('quiet', $('#silent').checked);
	$('#branch-name').textContent = (config && config.name) || branch ||
	    'Beacon';
	$('#conn').className = `conn ${cls}`;
	$('#conn').textContent = text;
	$('#daemon').hidden = daemonOnline || connState !== 'online';
	$('#offline').hidden = connState === 'online' || !current ||
	    done(current);
	renderAnswer(current);
	renderButtons();
	$('#device-id').textContent = deviceId;
	$('#device-branch').textContent = branch || t('report.device.not_set');
}

// ---- setting the device up ---------------------------------------------------

function setupPanel() {
	const list = el('div', { class: 'branch-list' });
	const draw = () => list.replaceChildren(...(branches.size ?
	    [...branches].map(([id, name]) => el('button', {
		type: 'button', class: 'choice',
		onclick: () => { location.search = `?branch=${id}`; } },
	    name || id, el('small', {}, id))) :
	    [el('p', {}, t('report.setup.looking'))]));

	draw();
	return { list, draw };
}

function settings() {
	const f = $('#settings');

	f.username.value = load('username', '');
	f.password.value = load('password', '');
	f.branch.value = branch;
	f.addEventListener('submit', (e) => {
		e.preventDefault();
		save('username', f.username.value.trim());
		save('password', f.password.value);
		if (validId(f.branch.value.trim()))
			location.search = `?branch=${f.branch.value.trim()}`;
		else
			location.reload();
	});
}

function start() {
	const topics = [topic('daemon', 'status'), topic('config', '+')];

	if (branch)
		topics.push(topic('config', branch), topic('error', branch));
	conn = new Conn({
		clientId: deviceId, clean: true,
		username: load('username', ''), password: load('password', ''),
		presence: branch ? { topic: topic('device', branch, deviceId),
		    kind: 'report_page' } : null,
		topics, onMessage, onState,
	});
	conn.start();
	window.addEventListener('pagehide', () => conn.close());
}

function main() {
	// The branch's language as this device last heard it, else the
	// browser's, until the configuration comes.
	translateDom(document);
	speak();
	$('#location').value = load('location', '');
	// Enter in a field never submits: the buttons report. Here, not as
	// an inline handler, which the Content-Security-Policy refuses.
	$('#form').addEventListener('submit', (e) => e.preventDefault());
	$('#drill').addEventListener('change', render);
	$('#silent').addEventListener('change', render);
	document.addEventListener('pointerdown', unlock);
	settings();
	if (!validId(branch)) {
		const setup = setupPanel();
		$('#setup').hidden = false;
		$('#form').hidden = true;
		$('#setup-slot').replaceChildren(setup.list);
		setInterval(setup.draw, 500);
	}
	start();
	// A new language redraws everything already on the screen.
	onLanguage(() => {
		drawnButtons = '';
		drawnAnswer = '';
		render();
		tellWorker(language());
	});
	render();
	registerWorker();
	tellWorker(language());
}

main();
