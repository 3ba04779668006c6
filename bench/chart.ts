import type { RunResults } from './results.js';
export function ratiosChart(_results: RunResults): string { return ''; }
