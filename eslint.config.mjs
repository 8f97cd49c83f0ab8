import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/** Node built-ins that do I/O or keep time: not allowed in pure media code (libs/media/*). */
const IO_MODULES = [
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'fs',
  'fs/promises',
  'child_process',
  'timers',
  'worker_threads',
];

/** apps -> libs/server -> libs/media, never back; media code never sees Nest, TypeORM or the database. */
const DEP_CONSTRAINTS = [
  {
    sourceTag: 'scope:media',
    onlyDependOnLibsWithTags: ['scope:media'],
    bannedExternalImports: [
      '@nestjs/*',
      'typeorm',
      'typeorm-*',
      'pg',
      '@electric-sql/*',
      'fastify',
      '@fastify/*',
      'prom-client',
      'pino',
      '@google-cloud/*',
    ],
  },
  { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:media'] },
  { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:server', 'scope:media', 'scope:contracts'] },
  // The API contract is generated from the server and shared with the dashboard; it depends on nothing.
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [] },
  // e2e, bench and their shared helpers (@rapidrtmp/test-support).
  {
    sourceTag: 'scope:test',
    onlyDependOnLibsWithTags: ['scope:server', 'scope:media', 'scope:app', 'scope:contracts', 'scope:test'],
  },
];

/** Server specs and their fixtures may use the shared test helpers; the code they test may not. */
const SERVER_TEST_DEP_CONSTRAINTS = DEP_CONSTRAINTS.map((c) =>
  c.sourceTag === 'scope:server'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'scope:test'] }
    : c,
);

function moduleBoundaries(depConstraints) {
  return { enforceBuildableLibDependency: false, allow: [], depConstraints };
}

export default [
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/fixtures/**',
      'test-artifacts/**',
      '**/.next/**',
      '**/out/**',
      '.nx/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(DEP_CONSTRAINTS)],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/server/**/*.spec.ts', 'libs/server/*/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries(SERVER_TEST_DEP_CONSTRAINTS)] },
  },
  {
    // Pure media code: Buffers in, Buffers out; no sockets, files, processes or timers (specs may read fixtures).
    files: ['libs/media/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: IO_MODULES.flatMap((m) => [m, `node:${m}`]).map((name) => ({
            name,
            message: 'libs/media is pure: no I/O here.',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'libs/media is pure: the caller owns time.' },
        { name: 'setInterval', message: 'libs/media is pure: the caller owns time.' },
        { name: 'process', message: 'libs/media is pure: configuration is passed in.' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'libs/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
];
