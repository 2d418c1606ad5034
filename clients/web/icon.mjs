// Beacon's icon as PNG, drawn from the same shapes as static/icon.svg:
// phones want raster icons on the home screen (iOS takes no SVG there),
// and mosquitto's http_dir sends no Content-Type, without which browsers
// do not show an SVG at all, so the pages use these.
// A rounded navy square, two white rings and a red light in the middle,
// every shape inside the circle that Android's masks keep.
import { deflateSync } from 'node:zlib';

const NAVY = [0x1d, 0x4f, 0x7c];
const WHITE = [0xff, 0xff, 0xff];
const RED = [0xe5, 0x48, 0x3a];

// On a 512 grid, as in icon.svg: [kind, radius, width, colour, opacity].
const SHAPES = [
	['ring', 176, 28, WHITE, 0.55],
	['ring', 116, 28, WHITE, 1],
	['disc', 64, 0, RED, 1],
];
const CORNER = 112;

function inRoundedSquare(x, y) {
	const cx = Math.min(Math.max(x, CORNER), 512 - CORNER);
	const cy = Math.min(Math.max(y, CORNER), 512 - CORNER);

	return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER ** 2;
}

// The colour at a point of the 512 grid, or null outside the icon.
function paint(x, y, rounded) {
	const d = Math.hypot(x - 256, y - 256);
	let c;

	if (rounded && !inRoundedSquare(x, y))
		return null;
	c = NAVY;
	for (const [kind, r, w, colour, a] of SHAPES) {
		const hit = kind === 'disc' ? d <= r : Math.abs(d - r) <= w / 2;
		if (hit)
			c = c.map((v, i) => v + (colour[i] - v) * a);
	}
	return c;
}

const CRC = Array.from({ length: 256 }, (_, n) => {
	let c = n;

	for (let k = 0; k < 8; k++)
		c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xffffffff;

	for (const b of buf)
		c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const head = Buffer.alloc(8);
	const tail = Buffer.alloc(4);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);

	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	tail.writeUInt32BE(crc32(body), 0);
	return Buffer.concat([head, data, tail]);
}

// A size x size RGBA PNG, each pixel the average of 4 x 4 samples. iOS
// rounds the corners itself and shows transparent ones black: square.
export function drawIcon(size, rounded = true) {
	const N = 4;
	const row = size * 4 + 1;
	const raw = Buffer.alloc(row * size);
	const ihdr = Buffer.alloc(13);

	for (let py = 0; py < size; py++) {
		for (let px = 0; px < size; px++) {
			const acc = [0, 0, 0, 0];
			for (let s = 0; s < N * N; s++) {
				const x = (px + ((s % N) + 0.5) / N) * 512 / size;
				const y = (py + (Math.floor(s / N) + 0.5) / N) *
				    512 / size;
				const c = paint(x, y, rounded);
				if (!c)
					continue;
				c.forEach((v, i) => { acc[i] += v; });
				acc[3]++;
			}
			const o = py * row + 1 + px * 4;
			for (let i = 0; i < 3; i++)
				raw[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
			raw[o + 3] = Math.round(acc[3] * 255 / (N * N));
		}
	}
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr.set([8, 6, 0, 0, 0], 8);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr),
		chunk('IDAT', deflateSync(raw, { level: 9 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}
