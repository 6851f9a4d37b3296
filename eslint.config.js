// Lint rules, including the import direction of DESIGN.md:
// bin -> api -> actors | projections | store -> domain; actors -> data-plane -> wire -> domain;
// agent -> data-plane | wire -> domain; bin -> relay-server -> data-plane (the relay process: no
// store, no read models, no hub API, no actors). data-plane/ moves bytes: it needs no runtime or store.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => `^(\\.\\.?/)+(\\.\\./)*${name}(/|$)`;
const forbid = (...layers) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: layers.map((name) => ({
        regex: layer(name),
        message: `this layer must not import ${name}/ (see DESIGN.md, "Layers")`,
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', '.ci/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!io-ts|fp-ts|xstate|\\.)',
              message: 'domain/ is pure: it imports io-ts, fp-ts and xstate only (no I/O, no Node APIs)',
            },
            ...['store', 'actors', 'projections', 'api', 'agent', 'bin', 'wire', 'relay-server', 'data-plane'].map((name) => ({
              regex: layer(name),
              message: `domain/ must not import ${name}/`,
            })),
          ],
        },
      ],
    },
  },
  { files: ['store/**/*.ts'], rules: forbid('actors', 'projections', 'api', 'agent', 'relay-server', 'bin', 'data-plane') },
  { files: ['wire/**/*.ts'], rules: forbid('store', 'actors', 'projections', 'api', 'agent', 'relay-server', 'bin', 'data-plane') },
  { files: ['data-plane/**/*.ts'], rules: forbid('store', 'actors', 'projections', 'api', 'agent', 'relay-server', 'bin') },
  { files: ['actors/**/*.ts'], rules: forbid('store', 'projections', 'api', 'agent', 'relay-server', 'bin') },
  { files: ['projections/**/*.ts'], rules: forbid('store', 'actors', 'api', 'agent', 'relay-server', 'bin', 'data-plane') },
  { files: ['api/**/*.ts'], rules: forbid('agent', 'relay-server', 'bin') },
  { files: ['agent/**/*.ts'], rules: forbid('store', 'actors', 'projections', 'api', 'relay-server', 'bin') },
  { files: ['relay-server/**/*.ts'], rules: forbid('store', 'projections', 'api', 'agent', 'bin', 'actors') },
  {
    files: ['eslint.config.js', 'vitest.config.ts', 'web/build.mjs', 'tools/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
