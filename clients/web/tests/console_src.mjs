// The console's modules for a test under node, with their catalogs
// (console_hooks.mjs): import { board, replay } from './console_src.mjs'.
import { register } from 'node:module';

register('./console_hooks.mjs', import.meta.url);

export const board = await import('../src/console_board.js');
export const replay = await import('../src/console_replay.js');
export const i18n = await import('../src/i18n.js');
