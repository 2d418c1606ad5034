// The #branches view.
let section = null;
let ctx = null;

export function mount(s, c) {
	section = s;
	ctx = c;
}

export function show(params) {
	section.textContent = `${params.view}: ${ctx.as}`;
}
