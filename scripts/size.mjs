#!/usr/bin/env node
// Measures the browser entry as a bundler ships it: src/browser.ts bundled for the browser with esbuild, minified,
// then gzipped (level 9). Also measures the core alone (`createWxWith` and the shared exports, no transport), so the
// share of the native transport and the entry is known. Prints the sizes and exits 1 when the browser entry is over
// the budget (12 KB gzipped).
// Usage: node scripts/size.mjs [--json]
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/**
 * The budget for the browser entry, minified and gzipped: 8 KB for the socket API, plus 4 KB since the
 * field conditions (contract §8: the app lifecycle, the network status and the phone's control) are part of every
 * `wx` object, in browsers by default (§8.4). They measured about 3 KB gzipped when they came. The core's guards
 * around custom transports and derived promises (§0.5, §0.8, §9.1) and the refusal of unknown option keys came later
 * (about 330 B and 460 B) and were paid for inside these 12 KB: docs/browser.md says how.
 */
export const BUDGET = 12 * 1024;

const root = fileURLToPath(new URL('..', import.meta.url));

async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'size-entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const modules = Object.keys(result.metafile.inputs).filter((path) => path !== 'size-entry.ts');
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, modules };
}

/**
 * `{browser, core, budget}`: each `{minified, gzipped, modules}` in bytes. `browser` is everything `src/browser.ts`
 * exports; `core` what every entry shares (createWxWith, installWxWith, public.ts), without a transport.
 */
export async function measure() {
  const [browser, core] = await Promise.all([
    bundle("export * from './src/browser.ts';"),
    bundle(
      "export { createWxWith } from './src/wx.ts'; export { installWxWith } from './src/install-wx.ts'; export * from './src/public.ts';",
    ),
  ]);
  return { browser, core, budget: BUDGET };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await measure();
  if (process.argv.includes('--json')) console.log(JSON.stringify(size));
  else {
    const { browser, core, budget } = size;
    console.log(
      `browser entry (src/browser.ts, bundled, minified): ${browser.minified} B, gzipped ${browser.gzipped} B`,
    );
    console.log(
      `  the core alone: ${core.minified} B, gzipped ${core.gzipped} B; native transport and entry: +${browser.gzipped - core.gzipped} B gzipped`,
    );
    console.log(`  budget: ${budget} B gzipped, ${((browser.gzipped / budget) * 100).toFixed(1)}% used`);
    console.log(`  modules: ${browser.modules.join(', ')}`);
  }
  if (size.browser.gzipped > size.budget) {
    console.error(`browser entry over budget by ${size.browser.gzipped - size.budget} B gzipped`);
    process.exit(1);
  }
}
