// Placeholder for the #duty view(s): replaced by the real module.
let section = null;
export function mount(s, ctx) { section = s; void ctx; }
export function show(params) { section = document.getElementById(`view-${params.view}`) || section; section.textContent = `${params.view}: not written yet`; }
