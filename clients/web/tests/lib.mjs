// What the browser tests share: Chromium started headless by playwright-core
// with the flags of tests/integration/t_report_html.sh, an empty profile in
// the test's directory, the beacon CLI, and waiting with deadlines.
// The environment comes from web_test in tests/integration/lib.sh.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const env = {
	url: process.env.BEACON_WEB_URL,
	broker: process.env.BEACON_BROKER,
	cli: process.env.BEACON_CLI,
	tmp: process.env.BEACON_TMP,
	chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync',
	'--autoplay-policy=no-user-gesture-required'];

export function say(...args) {
	console.log(new Date().toISOString().slice(11, 23), ...args);
}

export function fail(what) {
	throw new Error(what);
}

// A browser with its own profile under the test's directory; opts are
// playwright's context options (viewport, isMobile, ...).
export async function browser(name, opts) {
	const ctx = await chromium.launchPersistentContext(join(env.tmp, name), {
		executablePath: env.chromium,
		headless: true,
		args: FLAGS,
		env: { ...process.env, HOME: env.tmp },
		...opts,
	});

	ctx.on('page', watch);
	for (const p of ctx.pages())
		watch(p);
	return ctx;
}

// Everything the page says on its console goes to the test's output.
function watch(page) {
	page.on('console', (m) => say(`console.${m.type()}:`, m.text()));
	page.on('pageerror', (e) => say('page error:', e.message));
}

// `beacon ARGS...` against the test's broker; its standard output.
export function cli(...args) {
	say('beacon', args.join(' '));
	return execFileSync(env.cli, [...args, '--broker', env.broker],
	    { encoding: 'utf8', timeout: 30000 });
}

// Wait until fn() returns something true (may be async); fail after ms.
export async function until(what, fn, ms = 5000) {
	const deadline = Date.now() + ms;

	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > deadline)
			fail(`no ${what} within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

export async function text(page, sel) {
	const e = await page.$(sel);

	return e ? (await e.innerText()).replace(/\s+/g, ' ').trim() : '';
}

// The staff report page of a branch, its buttons drawn and connected.
export async function openReport(page, branch) {
	await page.goto(`${env.url}/report.html?branch=${branch}`);
	await until('the buttons', () => page.$('#buttons button[data-type]'),
	    8000);
	await until('the connection', async () =>
	    (await text(page, '#conn')) === 'Connected');
}

// Run main; any failure is printed and the exit status is 1.
export async function run(main) {
	try {
		await main();
	} catch (e) {
		console.error(`FAIL: ${e.message}`);
		process.exitCode = 1;
	}
}
