// The console's modules under node (tests that call their pure functions):
// "beacon-catalogs", which build.mjs gives the bundles, is made here from
// i18n/<lang>/*.json the same way. Registered by console_src.mjs.
import { readdir, readFile } from 'node:fs/promises';

const dir = new URL('../i18n/', import.meta.url);

async function catalogs() {
	const all = {};
	const langs = (await readdir(dir)).sort((a, b) =>
	    (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));

	for (const lang of langs) {
		all[lang] = {};
		const sub = new URL(`${lang}/`, dir);
		for (const f of (await readdir(sub)).sort())
			if (f.endsWith('.json'))
				Object.assign(all[lang], JSON.parse(await readFile(
				    new URL(f, sub), 'utf8')));
	}
	return all;
}

export async function resolve(spec, context, next) {
	if (spec === 'beacon-catalogs')
		return { url: 'beacon:catalogs', shortCircuit: true };
	return next(spec, context);
}

export async function load(url, context, next) {
	if (url === 'beacon:catalogs')
		return { format: 'module', shortCircuit: true, source:
		    `export default ${JSON.stringify(await catalogs())};` };
	return next(url, context);
}
