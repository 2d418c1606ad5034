// The supervisor console (console.html): one page for supervisors and
// managers over the same MQTT v5 requests as `beacon --remote`. This is the
// shell: signing in, the connection, the `console` answer, and one view at
// a time chosen by the hash (#board, #incident=7, #debriefs, #debrief=7,
// #duty, #branches, #reports). The views are modules of their own that
// share console_ctx.js.
import { Conn, topicPrefix } from './conn.js';
import { createCtx } from './console_ctx.js';
import { language, pickLanguage, setLanguage, t } from './i18n.js';
import { soundReady, unlock } from './sound.js';
import { $, load, loginRead, loginShow, parse, randomHex, save, validId }
    from './util.js';
import * as board from './console_board.js';
import * as incident from './console_incident.js';
import * as debriefs from './console_debriefs.js';
import * as duty from './console_duty.js';
import * as branches from './console_branches.js';
import * as reports from './console_reports.js';

// view (the hash's name) -> its module. A module that serves two views is
// mounted once per section (section.id says which) and show(params) gets
// params.view.
const VIEWS = {
	board, incident, debriefs, debrief: debriefs, duty, branches, reports,
};
// The nav's entry that stays marked while a view is open.
const NAV = { incident: 'board', debrief: 'debriefs' };

const prefix = topicPrefix();
let me = null;			/* {id, username, password, signedIn} */
let conn = null;
let ctx = null;
let connState = 'offline';
let connDetail = '';
let current = null;		/* the view shown */
let mounted = false;
let asking = false;
let library = null;		/* beacon/config/_library, when it came */

// "#incident=7" -> {view: "incident", id: 7, arg: "7"}.
export function route(hash) {
	const m = /^#?([a-z]+)(?:=([^&]*))?/.exec(hash || '');
	const view = m && VIEWS[m[1]] ? m[1] : 'board';
	const arg = m && m[1] === view && m[2] !== undefined ?
	    decodeURIComponent(m[2]) : '';
	const id = /^[0-9]+$/.test(arg) ? Number(arg) : undefined;

	return { view, id, arg };
}

function status() {
	const line = connState === 'online' ? ['ok', t('console.conn.online')] :
	    connState === 'refused' ? ['bad',
	    t('console.conn.refused', { detail: connDetail })] :
	    connState === 'connecting' ? ['warn', t('console.conn.connecting')] :
	    ['bad', t('console.conn.offline')];
	const c = $('#conn');

	c.className = `conn ${line[0]}`;
	c.textContent = line[1];
	document.body.dataset.conn = connState;
	$('#sound-hint').hidden = !me || !mounted || soundReady();
}

// After a change of view by the keyboard, the focus goes to the view's
// start, not lost on a hidden link.
function focusView() {
	const m = $('#main');

	if (document.activeElement && document.activeElement !== document.body &&
	    !document.activeElement.closest('section[hidden]'))
		return;
	m.focus({ preventScroll: true });
	scrollTo(0, 0);
}

function show(e) {
	const params = route(location.hash);

	if (!mounted)
		return;
	for (const s of document.querySelectorAll('section.view'))
		s.hidden = s.id !== `view-${params.view}`;
	const nav = NAV[params.view] || params.view;
	for (const a of document.querySelectorAll('#nav a')) {
		if (a.dataset.view === nav)
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
	if (current && current !== params.view && VIEWS[current].hide)
		VIEWS[current].hide();
	current = params.view;
	VIEWS[params.view].show(params);
	if (e)
		focusView();
}

function mountAll() {
	for (const [name, mod] of Object.entries(VIEWS))
		mod.mount($(`#view-${name}`), ctx);
	mounted = true;
	$('#nav').hidden = false;
	$('#foot').hidden = false;
	status();
	show();
}

// The refusal, in words, and nothing else: never a blank page.
function refused(error) {
	const r = $('#refused');

	r.replaceChildren();
	const h = document.createElement('h2');
	h.textContent = t('console.refused.title');
	const p = document.createElement('p');
	p.textContent = t('console.refused.says',
	    { error: error || t('console.refused.refused') });
	const q = document.createElement('p');
	q.textContent = t('console.refused.who', { id: me.id });
	const b = document.createElement('button');
	b.type = 'button';
	b.className = 'plain';
	b.textContent = t('console.refused.other');
	b.addEventListener('click', signOut);
	r.append(h, p, q, b);
	r.hidden = false;
	document.body.dataset.refused = '1';
}

async function askConsole() {
	if (asking || ctx.info)
		return;
	asking = true;
	let a;
	try {
		// The board is asked at once, just after the console's request
		// (whose small answer then comes first), not after its answer:
		// the board view takes it (ctx.prefetched).
		const info = ctx.request('console');
		ctx.prefetched.board = ctx.request('board');
		ctx.prefetched.board.catch(() => {});
		a = await info;
	} catch (e) {
		asking = false;
		connDetail = e.message;
		$('#conn').textContent = t('console.conn.online_but',
		    { error: e.message });
		setTimeout(askConsole, 3000);
		return;
	}
	asking = false;
	if (!a.ok) {
		speak();
		refused(a.error);
		return;
	}
	mark('console');
	ctx.info = a;
	ctx.library = library;
	speak();
	$('#who').textContent = `${a.responder} · ${roleLabel(a)}`;
	mountAll();
}

function onState(state, detail) {
	connState = state;
	connDetail = detail || '';
	if (state === 'refused') {
		$('#login-error').textContent = t('console.login.refused',
		    { detail: connDetail });
		showLogin();
	}
	if (state === 'online') {
		mark('online');
		askConsole();
	}
	status();
	if (ctx)
		for (const mod of new Set(Object.values(VIEWS)))
			if (mod.online)
				mod.online(state === 'online');
}

function connect() {
	const reply = `${prefix}/reply/${me.id}/${randomHex(8)}`;
	// The board's incidents come with the connection (see createCtx).
	const early = [`${prefix}/incident/+`, `${prefix}/config/_library`];

	conn = new Conn({
		clientId: `console-${me.id}-${randomHex(4)}`,
		clean: true,
		username: me.username || me.id, password: me.password || '',
		presence: null,
		topics: [reply, ...early],
		onMessage: () => {},
		onState,
		// Asked with the subscriptions, not after their acknowledgment.
		onSubscribing: askConsole,
	});
	ctx = createCtx({ conn, as: me.id, prefix, replyTopic: reply, early });
	mark('connect');
	conn.start();
	// The library's ids and settings: the account's language. Retained,
	// subscribed with the connection: in before the `console` answer.
	ctx.subscribe(`${prefix}/config/_library`, (topic, p) => {
		if (!p)
			return;
		library = ctx.library = p;
		// The account's language changed in beacon.conf: the views are
		// drawn in one language, so the page starts again in the new one.
		if (mounted && wanted() !== language())
			location.reload();
	});
	conn.client.on('message', (topic, payload, packet) =>
	    ctx.dispatch(topic, parse(payload), packet));
}

function showLogin() {
	loginShow(me);
}

function signIn(e) {
	e.preventDefault();
	unlock();
	const next = loginRead('An id');
	if (!next)
		return;
	me = next;
	save('console', me);
	// A fresh page: one connection, one set of views.
	location.reload();
}

function signOut() {
	if (me)
		save('console', { id: me.id, username: me.username, password: '',
		    signedIn: false });
	if (conn)
		conn.close();
	const url = new URL(location.href);
	url.searchParams.delete('as');
	location.replace(url.pathname + url.search);
}

// The account's entry in beacon/config/_library, or null.
function account() {
	const list = (library && library.responders) || [];

	return (me && list.find((r) => r.id === me.id)) || null;
}

// The console speaks the account's language (its `language` in
// beacon.conf), else the browser's (i18n.js pickLanguage).
function wanted() {
	const r = account();

	return pickLanguage(r && r.language);
}

function speak() {
	setLanguage(wanted());
}

// The account's role, in its language when the library names it so.
function roleLabel(a) {
	const r = account();
	const l = r && r.labels && r.labels[language()];

	return l || a.label || a.role;
}

function start() {
	const as = new URLSearchParams(location.search).get('as');

	if (as !== null && validId(as)) {
		me = { id: as, username: as, password: '', signedIn: true };
	} else {
		me = load('console', null);
	}
	if (me && me.signedIn && validId(me.id)) {
		$('#who').textContent = me.id;
		connect();
	} else {
		showLogin();
	}
	status();
}

// Where the time of a load goes (performance marks "console:...", read by
// the load test).
function mark(what) {
	if (performance.mark)
		performance.mark(`console:${what}`);
}

function main() {
	mark('script');
	setLanguage(pickLanguage());
	$('#login-form').addEventListener('submit', signIn);
	$('#sign-out').addEventListener('click', signOut);
	$('#sound-hint').addEventListener('click', () => {
		unlock();
		setTimeout(status, 100);
	});
	for (const ev of ['pointerdown', 'keydown'])
		document.addEventListener(ev, () => {
			unlock();
			setTimeout(status, 100);
		});
	window.addEventListener('hashchange', show);
	window.addEventListener('pagehide', () => conn && conn.close());
	start();
}

main();
