#!/usr/bin/env node
// Runs a benchmark on Node 24 (scripts/node24.mjs) rather than on the Node that runs npm. Node 24's V8 has a middle
// tier, Maglev, between its baseline code and TurboFan, and the same code costs differently there
// (docs/benchmarks.md, "A seventh pass"). The benchmark's own processes (drivers, echo server) run on Node 24 too: they
// are started with the binary that runs the benchmark.
// Usage: node scripts/bench-node24.mjs <run|cold|instructions> [that benchmark's options]
//   e.g. npm run bench:node24 -- cold --out cold-1000-node24
import { runOnNode24 } from './node24.mjs';

const BENCHMARKS = ['run', 'cold', 'instructions'];
const [benchmark, ...options] = process.argv.slice(2);
if (!BENCHMARKS.includes(benchmark)) {
  console.error(`bench-node24: which benchmark? one of ${BENCHMARKS.join(', ')} (bench/<name>.ts), then its options`);
  process.exit(2);
}
runOnNode24('bench-node24', `bench/${benchmark}.ts`, ['--import', 'tsx', `bench/${benchmark}.ts`, ...options]);
