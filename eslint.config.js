// Lint rules for the API, tests, scripts and the SPA. Formatting is Prettier's (eslint-config-prettier
// turns off the rules that would fight it). typescript-eslint reads code through TypeScript 5.9's
// parser API, which TypeScript 7 (the `typescript-native` package that `npm run typecheck` uses)
// no longer ships; the rules here are syntactic, so type-checking stays with tsc.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'src/generated/', 'web/src/gql/', 'tests/gql/', 'web/dist/', 'bench/results/', '.data/', 'scratch/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Layers: services own the rules and are called by the schema, the server and jobs, never the
    // other way round (the outbox carries effects out of services; src/services/ports.ts names what
    // they need).
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/schema/*', '**/server/*'], message: 'Services must not depend on the GraphQL or HTTP layer.' },
            { group: ['**/jobs/*'], message: 'Jobs call services, never the reverse: write an outbox row instead.' },
          ],
        },
      ],
    },
  },
  {
    // Tests and the bench read GraphQL responses as untyped JSON on purpose (hostile inputs,
    // documents outside codegen); `any` there is a reading of the wire, not a hole in the product.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  prettier,
);
