// ESLint (flat config). Layout is Prettier's (`prettier --check .`, 120 columns); ESLint checks what Prettier cannot:
// unused code, `any`, promises nobody awaits or voids (type-aware, for the TypeScript files), and comments wider than
// the 120 columns Prettier keeps the code to.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'dist/',
    'coverage/',
    '.tmp/',
    '**/node_modules/',
    // Deliberately wrong code: the type tests check that the compiler rejects each line.
    'test/types/negative/',
  ]),
  {
    files: ['**/*.{js,mjs,cjs,ts}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Code lines are Prettier's; this catches the comments, which Prettier leaves as written.
      'max-len': [
        'error',
        {
          code: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
        },
      ],
      // A `let` read by a closure made before its one assignment stays a `let` (a `const` there would be a TDZ trap).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // The types shipped beside a package's plain JS (packages/*) are in no tsconfig: a default project reads them.
        projectService: { allowDefaultProject: ['packages/*/*.d.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test reports a failing test itself, and its test()/describe() promises never reject: a top-level
      // call needs no await. Subtests (t.test) are another matter: the parent must await them, and this rule says so.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // User callbacks are known only as `typeof value === 'function'`, which TypeScript types as `Function`, and are
      // called through one guarded place (invokeSafely); a signature type there would only add casts.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Compiled, never run: code as mini-program projects write it against the official typings, unchanged.
    files: ['test/types/official-typings.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  {
    // Mini-program code: `wx` is the platform's global (installed by the test setup).
    files: ['examples/node-test/chat.cjs', 'test/compat/fixtures/legacy-sdk.cjs'],
    languageOptions: { globals: { wx: 'readonly' } },
  },
  {
    files: ['examples/browser/page.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['examples/jest/**/*.{js,cjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
);
