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
      // apps -> libs/server -> libs/media, never back; media code never sees Nest, TypeORM or the database.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
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
            {
              sourceTag: 'scope:test',
              onlyDependOnLibsWithTags: ['scope:server', 'scope:media', 'scope:app', 'scope:contracts'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
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
    files: ['**/*.spec.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
];
