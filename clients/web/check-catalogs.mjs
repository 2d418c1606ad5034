// The pages' catalogs against English (docs/translation.md):
//
//   node check-catalogs.mjs
//
// fails (exit 1) when a language lacks a key English has, has a key
// English lacks, or a text's {placeholders} differ from English's; it
// names each problem as "i18n/<lang>/<file>: key: what".
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'i18n');

async function load(lang) {
	const keys = new Map();	// key -> { file, text }

	for (const f of (await readdir(join(dir, lang))).sort()) {
		if (!f.endsWith('.json'))
			continue;
		const obj = JSON.parse(await readFile(join(dir, lang, f), 'utf8'));
		for (const [k, v] of Object.entries(obj)) {
			if (keys.has(k))
				problems.push(`i18n/${lang}/${f}: ${k}: also in ` +
				    `${keys.get(k).file}`);
			if (typeof v !== 'string' || v === '')
				problems.push(`i18n/${lang}/${f}: ${k}: not a text`);
			keys.set(k, { file: f, text: String(v) });
		}
	}
	return keys;
}

const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    .join(',');
const problems = [];
const en = await load('en');
const langs = (await readdir(dir)).filter((l) => l !== 'en');

for (const lang of langs) {
	const cat = await load(lang);
	for (const [k, v] of en) {
		const o = cat.get(k);
		if (!o)
			problems.push(`i18n/${lang}/${v.file}: ${k}: missing ` +
			    `(English: "${v.text}")`);
		else if (holes(o.text) !== holes(v.text))
			problems.push(`i18n/${lang}/${o.file}: ${k}: placeholders ` +
			    `{${holes(o.text)}} differ from English's {${holes(v.text)}}`);
	}
	for (const [k, o] of cat)
		if (!en.has(k))
			problems.push(`i18n/${lang}/${o.file}: ${k}: not in English`);
}
for (const p of problems)
	console.error(p);
console.log(`catalogs: ${en.size} keys; ${['en', ...langs].join(', ')}: ` +
    `${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
