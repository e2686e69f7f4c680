// ESLint flat config for the web page's modules (api-service/src/main/resources/static/js), used by
// scripts/lint-web.sh from the repository root (paths below are relative to it). A small rule set: ESLint's
// recommended rules (undefined names, unreachable code, duplicate keys, misplaced awaits, ...) and four that catch
// what those let through in a page of plain ES modules. Formatting is Prettier's business, not ESLint's.
import js from '@eslint/js';
import globals from 'globals';

const PAGE = 'api-service/src/main/resources/static/js';

export default [
  {
    files: [`${PAGE}/**/*.js`],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      ...js.configs.recommended.rules,
      // An unused import, variable or argument is dead code or a forgotten call. `_`-prefixed arguments mark a
      // signature kept on purpose; `catch (e)` without using e is allowed (the page often ignores why a call failed).
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The page compares ids, codes, states and numbers that come over the network: == would coerce them.
      eqeqeq: ['error', 'always'],
      // Block-scoped bindings only; a binding never reassigned is const, so a reassignment stands out.
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // The uplink's AudioWorklet runs in the audio rendering thread: its globals, not a window's.
    files: [`${PAGE}/worklets/**/*.js`],
    languageOptions: { globals: { ...globals.audioWorklet } },
  },
];
