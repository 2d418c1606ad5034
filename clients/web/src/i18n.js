// The pages' texts, one catalog per language (docs/translation.md). The
// catalogs are built with the pages: build.mjs merges i18n/<lang>/*.json
// into one object per language and gives it to the bundles as the module
// "beacon-catalogs" (and writes i18n/<lang>.json beside the pages).
//
//   t('report.sent')                     the text in the page's language
//   t('report.routed', { n: 3 })         with {n} replaced
//   tn('responder.notified', 3)          "….one" or "….other" by Intl.PluralRules
//
// A key missing in a language falls back to English; a key missing in
// English is shown as the key itself (and `make check` fails on it).
import catalogs from 'beacon-catalogs';

export const LANGUAGES = Object.keys(catalogs);

let lang = 'en';
let zone;	// the branch's time zone (IANA name); undefined: the device's
const listeners = [];

// The first language Beacon speaks of: the setting (a branch's or a
// responder's), else the browser's preferences, else English.
export function pickLanguage(setting) {
	const wanted = [setting, ...(navigator.languages || [navigator.language])];

	for (const w of wanted) {
		const code = typeof w === 'string' ? w.slice(0, 2).toLowerCase() : '';
		if (catalogs[code])
			return code;
	}
	return 'en';
}

export function language() {
	return lang;
}

// Switch the page's language: <html lang>, the marked elements, and
// whoever asked to hear of it (a page redraws what it built by hand).
export function setLanguage(code) {
	const next = catalogs[code] ? code : 'en';

	if (next === lang && document.documentElement.lang === langTag())
		return;
	lang = next;
	document.documentElement.lang = langTag();
	translateDom(document);
	for (const f of listeners)
		f(lang);
}

export function onLanguage(f) {
	listeners.push(f);
}

// The time zone times are shown in (the branch's).
export function setZone(tz) {
	zone = tz || undefined;
}

export function langTag() {
	return lang === 'fr' ? 'fr-CA' : 'en-CA';
}

export function has(key) {
	return catalogs[lang][key] !== undefined || catalogs.en[key] !== undefined;
}

export function t(key, vars) {
	let s = catalogs[lang][key];

	if (s === undefined)
		s = catalogs.en[key];
	if (s === undefined)
		return key;
	return vars ? s.replace(/\{(\w+)\}/g, (m, k) =>
	    vars[k] !== undefined ? String(vars[k]) : m) : s;
}

const rules = {};

// The plural form of key for n ("key.one", "key.other"), {n} filled.
export function tn(key, n, vars) {
	const pr = rules[lang] || (rules[lang] = new Intl.PluralRules(langTag()));
	const form = pr.select(n) === 'one' ? 'one' : 'other';

	return t(`${key}.${form}`, { n: num(n), ...vars });
}

export function num(n) {
	return new Intl.NumberFormat(langTag()).format(n);
}

const fmts = {};

function fmt(kind, opts) {
	const k = `${lang}|${zone}|${kind}`;

	if (!fmts[k]) {
		try {
			fmts[k] = new Intl.DateTimeFormat(langTag(),
			    { ...opts, timeZone: zone });
		} catch {	/* an unknown zone: the device's */
			fmts[k] = new Intl.DateTimeFormat(langTag(), opts);
		}
	}
	return fmts[k];
}

// 24-hour times in the branch's zone, as the command line and the
// timeline write them: "14:05" in English, "14 h 05" in French; with
// seconds, "14:05:09" in both (a timeline's column, where « 14 h 05 min
// 09 s » would not fit).
export function fmtTime(ts, seconds = false) {
	const d = ts instanceof Date ? ts : new Date(ts || Date.now());
	const opts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

	if (!seconds)
		return fmt('t', opts).format(d);
	const parts = fmt('ts', { ...opts, second: '2-digit' }).formatToParts(d);
	const part = (t) => (parts.find((p) => p.type === t) || {}).value || '';
	return `${part('hour')}:${part('minute')}:${part('second')}`;
}

export function fmtDate(ts, opts = { dateStyle: 'medium' }) {
	const d = ts instanceof Date ? ts : new Date(ts);

	return fmt(`d${JSON.stringify(opts)}`, opts).format(d);
}

export function fmtDateTime(ts) {
	const d = ts instanceof Date ? ts : new Date(ts);

	return fmt('dt', { dateStyle: 'medium', timeStyle: 'short',
	    hourCycle: 'h23' }).format(d);
}

// Elements marked in the HTML: data-i18n="key" sets the text;
// data-i18n-attr="placeholder:key;aria-label:key" sets attributes.
export function translateDom(root) {
	for (const e of root.querySelectorAll('[data-i18n]'))
		e.textContent = t(e.dataset.i18n);
	for (const e of root.querySelectorAll('[data-i18n-attr]')) {
		for (const pair of e.dataset.i18nAttr.split(';')) {
			const [attr, key] = pair.split(':').map((x) => x.trim());
			if (attr && key)
				e.setAttribute(attr, t(key));
		}
	}
	if (root === document && document.documentElement.dataset.i18nTitle)
		document.title = t(document.documentElement.dataset.i18nTitle);
}
