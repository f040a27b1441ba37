// ESLint flat config: `npm run lint`. Type-aware for TypeScript (one program, test/tsconfig.json, which
// covers src/, test/ and vitest.config.ts); plain recommended rules for the JavaScript in bench/, scripts/, bin/.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }];

export default defineConfig(
  // examples/ are separate projects (own dependencies); their TypeScript tests are outside the type-aware program.
  // action/dist/ is generated (npm run build:action).
  { ignores: ['dist/', 'action/dist/', '.bench/', 'node_modules/', 'coverage/', '.cache/', 'examples/**/*.ts'] },
  js.configs.recommended,
  {
    rules: {
      // Tests match fixed-width table output, where two literal spaces read better than ` {2}`.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': unusedVars },
  },
  {
    // The inspector's page runs in the browser (src/inspect/page/app.js), served or inlined as it is.
    files: ['src/inspect/page/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { project: ['./test/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      // A CLI that spawns children and serves HTTP: a promise nobody awaits is a lost error or a hung exit.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // Casts hide type errors; the style guide asks for types that flow.
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
);
