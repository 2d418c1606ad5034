// Small helpers both pages share: settings kept on the device, ids, time,
// severity names and the DOM. Their words come from the catalogs (i18n.js),
// in the page's language.
import { fmtTime, has, t } from './i18n.js';

const KEY = 'beacon.';

// A value kept in this browser (localStorage), JSON; def when absent or
// unreadable (private mode, a full disk).
export function load(name, def) {
	try {
		const v = localStorage.getItem(KEY + name);
		return v === null ? def : JSON.parse(v);
	} catch {
		return def;
	}
}

export function save(name, value) {
	try {
		localStorage.setItem(KEY + name, JSON.stringify(value));
	} catch {
		/* Not kept: the page still works for this visit. */
	}
}

export function randomHex(bytes) {
	const b = new Uint8Array(bytes);

	crypto.getRandomValues(b);
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Ids are topic levels: 1-64 of A-Za-z0-9._:- (docs/protocol.md).
export function validId(s) {
	return typeof s === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(s);
}

// The query string's value for name, else the one kept, else def; a value
// given in the address is kept for the next visit.
export function setting(name, def) {
	const v = new URLSearchParams(location.search).get(name);

	if (v !== null && v !== '') {
		save(name, v);
		return v;
	}
	return load(name, def);
}

export function nowIso() {
	return new Date().toISOString();
}

// "just now", "40 s ago", "2 min ago", "1 h 5 min ago" (in French
// « à l'instant », « il y a 2 min »).
export function ago(ts, now = Date.now()) {
	const s = Math.max(0, Math.round((now - Date.parse(ts)) / 1000));

	if (!Number.isFinite(s))
		return '';
	if (s < 10)
		return t('common.ago.now');
	if (s < 60)
		return t('common.ago.s', { n: s });
	if (s < 3600)
		return t('common.ago.min', { n: Math.floor(s / 60) });
	if (s < 86400) {
		const m = Math.floor(s / 60) % 60;
		return m ? t('common.ago.h_min', { h: Math.floor(s / 3600), m }) :
		    t('common.ago.h', { h: Math.floor(s / 3600) });
	}
	return t('common.ago.d', { n: Math.floor(s / 86400) });
}

// The time of day with seconds, in the page's language and zone.
export function clock(ts) {
	return fmtTime(ts ? new Date(ts) : new Date(), true);
}

// As the board report names them.
export const SEVERITY = {
	1: 'threat to life',
	2: 'urgent',
	3: 'needs care',
	4: 'record only',
};

export function severityName(n) {
	return SEVERITY[n] ? t(`common.severity.${n}`) :
	    t('common.severity.unknown');
}

// el('button', {class: 'x', onclick: f}, 'text', child...): an element.
export function el(tag, attrs, ...children) {
	const e = document.createElement(tag);

	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on'))
			e.addEventListener(k.slice(2), v);
		else if (k === 'class')
			e.className = v;
		else
			e.setAttribute(k, v === true ? '' : v);
	}
	for (const c of children.flat()) {
		if (c !== undefined && c !== null && c !== false)
			e.append(c instanceof Node ? c : String(c));
	}
	return e;
}

export function $(sel) {
	return document.querySelector(sel);
}

// A payload as an object, or null for an empty payload (a retained message
// being cleared) or anything that is not a JSON object.
export function parse(payload) {
	const s = typeof payload === 'string' ? payload :
	    new TextDecoder().decode(payload);

	if (s === '')
		return null;
	try {
		const v = JSON.parse(s);
		return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
	} catch {
		return null;
	}
}

// The service worker keeps the page for when the network is down. It
// needs a server that names JavaScript as such, and mosquitto's http_dir
// sends no Content-Type: there the registration fails, and the page works
// as before (docs/web.md).
export function registerWorker() {
	if (!('serviceWorker' in navigator) || !window.isSecureContext)
		return;
	navigator.serviceWorker.register('sw.js').catch((e) => {
		console.info('beacon: no service worker:', e.message);
	});
}

// The service worker speaks the page's language in the texts of its own
// (sw.js): told each time the language is chosen, it keeps it.
export function tellWorker(lang) {
	if (!('serviceWorker' in navigator) || !window.isSecureContext)
		return;
	navigator.serviceWorker.ready.then((reg) => {
		if (reg.active)
			reg.active.postMessage({ lang });
	}).catch(() => {});
}

// The sign-in form (#login in the responder app and the console), shown
// with the account this browser kept, if any.
export function loginShow(me) {
	const f = $('#login-form');

	$('#login').hidden = false;
	if (me) {
		f.responder.value = me.id;
		f.username.value = me.username || '';
	}
}

// How a page names the id it asks for, as loginRead is given it: a
// catalog key, or one of these English names.
const WHAT = {
	'A responder id': 'common.login.what_responder',
	'An id': 'common.login.what_id',
};

// The account the sign-in form gives, or null, with why in #login-error
// (what: how the page names the id, "A responder id", or a catalog key).
export function loginRead(what) {
	const f = $('#login-form');
	const id = f.responder.value.trim();
	const name = WHAT[what] ? t(WHAT[what]) : has(what) ? t(what) : what;

	if (!validId(id)) {
		$('#login-error').textContent = t('common.login.bad_id',
		    { what: name });
		return null;
	}
	$('#login-error').textContent = '';
	return { id, username: f.username.value.trim(),
	    password: f.password.value, signedIn: true };
}
