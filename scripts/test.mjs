#!/usr/bin/env node
// Runs every test file under test/ (Node 20's `--test` does not expand globs, so they are listed here).
// Usage: node scripts/test.mjs [filter]   (filter: a substring of the test file paths to run)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const filter = process.argv[2] ?? '';
const files = find('test')
  .filter((file) => file.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no test file matches "${filter}"`);
  process.exit(2);
}
// A test that hangs fails after two minutes instead of holding the run for ever.
const args = ['--import', 'tsx', '--test', '--test-timeout=120000', ...files];
const { status } = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(status ?? 1);
