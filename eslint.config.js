import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The house's room rule (HOUSE-STYLE.md): shared/ runs everywhere and imports no runtime and no
// other room; electron/ and renderer/ import shared/ and never each other. A wrong import is a
// lint error, and lint is part of `npm test`.
const ROOM = 'room rule';
const runtimes = [
  { group: ['node:*'], message: `${ROOM}: shared/ runs everywhere and may not import Node built-ins.` },
  { group: ['electron', 'electron/*'], message: `${ROOM}: shared/ may not import electron.` },
  { group: ['ws', 'ws/*'], message: `${ROOM}: shared/ may not import ws; take a WebSocket constructor as a parameter.` },
  { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: `${ROOM}: shared/ may not import React.` },
  { group: ['**/electron/**', '../electron', '../../electron'], message: `${ROOM}: shared/ may not import electron/.` },
  { group: ['**/renderer/**', '../renderer', '../../renderer'], message: `${ROOM}: shared/ may not import renderer/.` },
];
// The layer table of the rooms inside electron/ (VS Code's code-layering, HOUSE-STYLE.md): a room
// imports shared/ and the rooms below it, never one above it or beside it. Lowest first.
const LAYERS = [['platform'], ['hub'], ['nodes'], ['engines'], ['store'], ['supervisor'], ['alerts'], ['http'], ['core'], ['serve', 'main'], ['cli']];
// Test support may reach across layers (a hub test serves its hub through the HTTP front).
const TEST_SUPPORT = ['**/*.test.ts', '**/*.test.tsx', '**/test-helpers.ts', '**/test-support/**', '**/fixtures/**', '**/recording-hub.ts', '**/engine-contract.ts'];
const roomsAbove = (level) => LAYERS.flatMap((rooms, i) => (i >= level ? rooms : []));
const layerRules = LAYERS.flatMap((rooms, level) =>
  rooms.map((room) => ({
    files: [`electron/${room}/**/*.{ts,tsx}`],
    ignores: TEST_SUPPORT,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer', '**/renderer/**'], message: `${ROOM}: electron/ never imports renderer/.` },
            ...roomsAbove(level)
              .filter((other) => other !== room)
              .map((other) => ({
                // `../../x` too: a room may have folders of its own (electron/engines/redis/).
                group: [`../${other}`, `../${other}/**`, `../../${other}`, `../../${other}/**`, `**/electron/${other}/**`],
                message: `${ROOM}: electron/${room} may not import electron/${other} (layers, lowest first: ${LAYERS.map((l) => l.join('|')).join(' < ')}).`,
              })),
          ],
        },
      ],
    },
  })),
);
const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'events', 'stream', 'url', 'util', 'buffer', 'process'];
const domOnly = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'requestAnimationFrame'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'bench/results/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node and the browser both: which room may use what is the room rule's business, below.
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.{ts,tsx}'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: runtimes,
          paths: nodeBuiltins.map((name) => ({ name, message: `${ROOM}: shared/ may not import Node built-ins.` })),
        },
      ],
      'no-restricted-globals': [
        'error',
        ...domOnly.map((name) => ({ name, message: `${ROOM}: shared/ may not use the DOM-only global ${name}; take it as a parameter.` })),
        { name: 'process', message: `${ROOM}: shared/ may not use Node's process.` },
        { name: 'Buffer', message: `${ROOM}: shared/ may not use Node's Buffer.` },
      ],
    },
  },
  {
    files: ['electron/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/renderer', '**/renderer/**'], message: `${ROOM}: electron/ never imports renderer/.` }] },
      ],
    },
  },
  ...layerRules,
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: LAYERS.flat().flatMap((room) => [`../${room}`, `../${room}/**`]), message: `${ROOM}: the preload imports only shared/ (and electron).` },
          ],
        },
      ],
    },
  },
  {
    // The command line talks to an instance over the wire (shared/client) like any script: it
    // never reaches into the hub, the supervisor or the core that runs them.
    files: ['electron/cli/**/*.{ts,tsx}'],
    // Tests start real hubs and instances to talk to.
    ignores: ['electron/cli/**/*.test.ts', 'electron/cli/test-io.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/renderer', '**/renderer/**'], message: `${ROOM}: electron/ never imports renderer/.` },
            { group: ['**/hub', '**/hub/**', '**/supervisor', '**/supervisor/**'], message: `${ROOM}: electron/cli/ reaches the hub over the wire (shared/client), never its internals.` },
            { group: ['**/core/switchyard-app', '**/core/definition-source'], message: `${ROOM}: electron/cli/ runs an instance as a child (serve, Electron), never the core in-process.` },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/electron/**', '../electron', '../../electron', '../../../electron'], message: `${ROOM}: renderer/ never imports electron/.` },
            { group: ['electron', 'electron/*', 'node:*'], message: `${ROOM}: renderer/ runs in a sandboxed page: no electron, no Node.` },
          ],
        },
      ],
    },
  },
);
