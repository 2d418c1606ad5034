// Reports (#reports): the board report for a range of days and a branch,
// opened in a new tab. beacond answers `report_link` with a link to its
// http listener; the tab is opened inside the click (so that popup
// blockers let it) and sent there once the answer is in.
import { t } from './i18n.js';
import { el } from './util.js';

const DAY_MS = 24 * 3600 * 1000;

let section = null;
let ctx = null;
let form = null;
let msg = null;

function day(t, b) {
	return ctx.localInput(t, b).slice(0, 10);
}

// The next day of "YYYY-MM-DD", the same way.
function nextDay(d) {
	const t = Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1,
	    Number(d.slice(8, 10))) + DAY_MS;

	return new Date(t).toISOString().slice(0, 10);
}

function say(ok, text) {
	msg.className = `msg ${ok ? 'good' : 'bad'}`;
	msg.textContent = text;
}

// Dates are days at the chosen branch (the first branch for all of them).
function range() {
	const b = form.branch.value || (ctx.info.branches[0] || {}).branch;
	const since = form.since.value;
	const until = form.until.value;

	if (!since || !until || until < since)
		return null;
	return { since: ctx.localToIso(since, b),
	    until: ctx.localToIso(nextDay(until), b) };
}

async function open(e) {
	const r = range();

	e.preventDefault();
	if (!r) {
		say(false, t('console.reports.bad_range'));
		return;
	}
	// Now, inside the click: a tab opened after the answer would be
	// taken for a popup and blocked.
	const tab = window.open('', '_blank');
	if (tab) {
		tab.opener = null;	/* the report has no hold on this page */
		tab.document.title = t('console.reports.tab');
	}
	say(true, t('console.reports.asking'));
	const fields = { ...r };
	if (form.branch.value)
		fields.branch = form.branch.value;
	let a;
	try {
		a = await ctx.request('report_link', fields);
	} catch (err) {
		a = { ok: false, error: err.message };
	}
	opened(tab, a);
}

// The tab goes to the link, or closes when there is none.
function opened(tab, a) {
	if (!a.ok || !(a.url || a.path)) {
		if (tab)
			tab.close();
		say(false, t('console.reports.none',
		    { error: a.error || t('console.reports.no_link') }));
		return;
	}
	const href = a.url || new URL(a.path, location.href).href;
	if (tab)
		tab.location.href = href;
	else
		window.open(href, '_blank');
	section.dataset.link = href;
	say(true, '');
	msg.replaceChildren(t('console.reports.open'), ' ',
	    el('a', { href, target: '_blank', rel: 'noopener' },
		t('console.reports.again')),
	    a.expires ? t('console.reports.expires', { when: new Date(a.expires)
		.toISOString().slice(0, 16).replace('T', ' ') }) : '', '.');
}

function draw() {
	const first = (ctx.info.branches[0] || {}).branch;
	const now = ctx.now();
	const ok = ctx.info.report !== false;

	msg = el('p', { class: 'msg', role: 'status', id: 'report-msg' });
	form = el('form', { class: 'report-form', onsubmit: open },
	    el('div', { class: 'fields-row' },
		el('label', { class: 'field-s' }, t('console.reports.since'),
		    el('input', { type: 'date', name: 'since', required: true,
		    value: day(now - 30 * DAY_MS, first) })),
		el('label', { class: 'field-s' }, t('console.reports.until'),
		    el('input', { type: 'date', name: 'until', required: true,
		    value: day(now, first) })),
		el('label', { class: 'field-s' }, t('console.filter.branch'),
		    el('select', { name: 'branch' },
		    el('option', { value: '' }, t('console.reports.all')),
		    (ctx.info.branches || []).map((b) => el('option',
		    { value: b.branch }, b.name || b.branch))))),
	    el('p', { class: 'muted' }, t('console.reports.days')),
	    el('button', { type: 'submit', class: 'btn', id: 'open-report',
		disabled: !ok }, t('console.reports.submit')),
	    msg);
	section.replaceChildren(...[el('div', { class: 'view-head' },
	    el('h2', null, t('console.nav.reports'))),
	    el('p', null, t('console.reports.intro')),
	    !ok && el('p', { class: 'msg bad', id: 'no-report' },
		t('console.reports.no_http'), ' ',
		el('code', null, 'beacon report-html'), ' ',
		t('console.reports.no_http_cli')),
	    form].filter(Boolean));
}

export function mount(s, c) {
	section = s;
	ctx = c;
}

export function show() {
	if (!form)
		draw();
}
