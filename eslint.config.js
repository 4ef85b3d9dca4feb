// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Layers are folders (STYLE.md §2). These bans make a crossing fail the build:
 * - shared/ is pure TypeScript: no electron, no node:*, no DOM, no database driver, no server framework;
 * - renderer/ reaches data only through the typed API: nothing of Electron, Node, the core or the server;
 * - the client core (electron/main/core, electron/node-host) never imports electron, so plain Node hosts it;
 * - the preload imports only shared/ and electron's renderer-side APIs;
 * - server/ never imports the desktop side.
 */
const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'url',
  'stream',
  'events',
  'util',
  'worker_threads',
];
const drivers = [
  'better-sqlite3',
  'pg',
  '@electric-sql/pglite',
  'drizzle-orm',
  'drizzle-orm/*',
  'fastify',
  '@fastify/*',
];
const banned = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'drizzle/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/artifacts/**',
      '.tidepool/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: banned(
      [
        'electron',
        'electron/*',
        ...nodeBuiltins,
        ...drivers,
        'react',
        'react-dom',
        '**/electron/**',
        '**/server/**',
        '**/renderer/**',
      ],
      'shared/ is pure TypeScript used by client, renderer and server: no electron, Node, DOM, drivers or other layers.',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...banned(
        ['electron', 'electron/*', ...nodeBuiltins, ...drivers, '**/electron/**', '**/server/**'],
        'renderer/ reaches data only through window.api (shared/api): no Electron, Node, core or server imports.',
      ),
    },
  },
  {
    files: ['electron/main/core/**/*.ts', 'electron/node-host/**/*.ts'],
    rules: banned(
      ['electron', 'electron/*', '**/renderer/**', '**/server/**'],
      'The client core is plain Node hosted by Electron, tests and the browser mode alike: no electron, renderer or server imports.',
    ),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: banned(
      [...nodeBuiltins, ...drivers, '**/main/**', '**/renderer/**', '**/server/**'],
      'The preload exposes window.api only: it imports shared/ and electron renderer APIs.',
    ),
  },
  {
    files: ['server/**/*.ts'],
    rules: banned(
      ['electron', 'electron/*', '**/electron/**', '**/renderer/**'],
      'server/ imports shared/ and Node only.',
    ),
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
