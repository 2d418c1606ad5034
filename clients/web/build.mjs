// Build Beacon's pages into one directory that the broker serves (http_dir):
//
//   node build.mjs OUTDIR
//
// esbuild bundles each page's script with the mqtt package from npm into one
// classic script (mosquitto sends no Content-Type, and browsers refuse
// module scripts without one), the static files are copied, the PNG icons
// that phones want are drawn, and the service worker learns the list of
// files to keep. OUTDIR is emptied first; a file "stamp" is written last.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawIcon } from './icon.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, '../../build/web'));
// Old enough browsers for the phones and desk PCs branches keep.
const target = ['es2020', 'chrome90', 'firefox90', 'safari15'];

// The catalogs: i18n/<lang>/*.json merged into one object per language
// (src/i18n.js imports them as "beacon-catalogs"). English first.
async function catalogs() {
	const all = {};
	const langs = (await readdir(join(here, 'i18n'))).sort((a, b) =>
	    (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));

	for (const lang of langs) {
		all[lang] = {};
		for (const f of (await readdir(join(here, 'i18n', lang))).sort())
			if (f.endsWith('.json'))
				Object.assign(all[lang], JSON.parse(await readFile(
				    join(here, 'i18n', lang, f), 'utf8')));
	}
	return all;
}
const texts = await catalogs();
const catalogPlugin = {
	name: 'beacon-catalogs',
	setup(b) {
		b.onResolve({ filter: /^beacon-catalogs$/ }, () =>
		    ({ path: 'beacon-catalogs', namespace: 'beacon' }));
		b.onLoad({ filter: /.*/, namespace: 'beacon' }, () =>
		    ({ contents: JSON.stringify(texts), loader: 'json' }));
	},
};

async function bundle(entries, extra = {}) {
	await esbuild.build({
		plugins: [catalogPlugin],
		entryPoints: entries,
		outdir: out,
		bundle: true,
		format: 'iife',
		target,
		minify: true,
		sourcemap: 'linked',
		legalComments: 'linked',
		logLevel: 'warning',
		...extra,
	});
}

async function files(dir, base = dir) {
	const all = [];

	for (const e of await readdir(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		if (e.isDirectory())
			all.push(...(await files(p, base)));
		else
			all.push(p.slice(base.length + 1));
	}
	return all.sort();
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await bundle({ report: join(here, 'src/report.js'),
	responder: join(here, 'src/responder.js'),
	console: join(here, 'src/console.js') });
await cp(join(here, 'static'), out, { recursive: true });
await mkdir(join(out, 'i18n'));
for (const [lang, cat] of Object.entries(texts))
	await writeFile(join(out, 'i18n', `${lang}.json`),
	    JSON.stringify(cat, null, '\t') + '\n');
for (const size of [192, 512])
	await writeFile(join(out, `icon-${size}.png`), drawIcon(size));
await writeFile(join(out, 'apple-touch-icon.png'), drawIcon(180, false));

// The service worker keeps the app shell: every file but maps and itself.
// Its cache is named after the files' contents, so a new build replaces it.
const shell = (await files(out)).filter((f) => !f.endsWith('.map'));
const hash = createHash('sha256');
for (const f of shell)
	hash.update(f).update(await readFile(join(out, f)));
await bundle({ sw: join(here, 'src/sw.js') }, {
	define: {
		BEACON_SHELL: JSON.stringify(['./', ...shell]),
		BEACON_CACHE: JSON.stringify('beacon-' +
		    hash.digest('hex').slice(0, 12)),
	},
});
await writeFile(join(out, 'stamp'), new Date().toISOString() + '\n');
console.log(`web: ${shell.length + 1} files in ${out}`);
