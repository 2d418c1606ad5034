// Sound and vibration. Browsers start audio only after a tap on the page,
// so unlock() is called from every tap; until then `ready` is false and the
// pages say so.

let ctx = null;

export function unlock() {
	const AC = window.AudioContext || window.webkitAudioContext;

	if (!AC)
		return;
	if (!ctx)
		ctx = new AC();
	if (ctx.state === 'suspended')
		ctx.resume().catch(() => {});
}

export function soundReady() {
	return !!ctx && ctx.state === 'running';
}

// One tone: frequency (Hz), start offset and length (s), loudness 0-1.
function tone(freq, at, len, gain) {
	const o = ctx.createOscillator();
	const g = ctx.createGain();
	const t = ctx.currentTime + at;

	o.type = 'square';
	o.frequency.value = freq;
	g.gain.setValueAtTime(0, t);
	g.gain.linearRampToValueAtTime(gain, t + 0.02);
	g.gain.setValueAtTime(gain, t + len - 0.04);
	g.gain.linearRampToValueAtTime(0, t + len);
	o.connect(g).connect(ctx.destination);
	o.start(t);
	o.stop(t + len + 0.05);
}

// The alarm: a two-tone beep and a vibration every 2 s until stop().
export class Alarm {
	constructor() {
		this.timer = null;
	}

	get ringing() {
		return this.timer !== null;
	}

	start() {
		if (this.timer)
			return;
		this.beep();
		this.timer = setInterval(() => this.beep(), 2000);
	}

	beep() {
		if (soundReady()) {
			tone(988, 0, 0.22, 0.35);
			tone(740, 0.26, 0.22, 0.35);
			tone(988, 0.52, 0.22, 0.35);
		}
		if (navigator.vibrate)
			navigator.vibrate([400, 150, 400]);
	}

	stop() {
		clearInterval(this.timer);
		this.timer = null;
		if (navigator.vibrate)
			navigator.vibrate(0);
	}
}

// A short, soft confirmation for the report page ("received", "on the
// way"); never in silent mode.
export function chime() {
	if (!soundReady())
		return;
	const o = ctx.createOscillator();
	const g = ctx.createGain();
	const t = ctx.currentTime;

	o.type = 'sine';
	o.frequency.setValueAtTime(660, t);
	o.frequency.setValueAtTime(880, t + 0.12);
	g.gain.setValueAtTime(0.0001, t);
	g.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
	g.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
	o.connect(g).connect(ctx.destination);
	o.start(t);
	o.stop(t + 0.4);
}
