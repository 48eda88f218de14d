import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'openapi/', 'test/artifacts/', 'coverage/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Layers point down only: routes → records → store, sync, events, webhooks → upstreams
    // (engine, one folder per upstream) → transport. The upstream layer knows nothing of HTTP
    // serving, plugins, routes, records, the store or the sandbox; schemas reach it as types only.
    files: ['src/upstreams/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', 'fastify-plugin', '@fastify/*'],
              message: 'src/upstreams/ does not know Fastify: keep HTTP serving in plugins and routes.',
            },
            {
              group: [
                '**/plugins/*',
                '**/routes/*',
                '**/routes/**',
                '**/records/*',
                '**/store/*',
                '**/sync/*',
                '**/sandbox/*',
                '**/sandbox/**',
                '**/app.js',
                '**/server.js',
              ],
              message: 'src/upstreams/ sits below plugins, routes, records, the store, the sync and the sandbox.',
            },
            {
              group: ['**/schemas/*'],
              allowTypeImports: true,
              message: 'src/upstreams/ takes schema types only, never schema values.',
            },
          ],
        },
      ],
    },
  },
  {
    // Routes shape HTTP answers; what answers them is the records layer's to decide (store or
    // upstream, write-through, events). They reach upstreams through the connections plugin and
    // the records, and take upstream types only.
    files: ['src/routes/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/store/*',
                '**/store/**',
                '**/sync/*',
                '**/sync/**',
                // src/events/ and src/webhooks/ (not the route folders of the same names).
                '../events/*',
                '../../events/*',
                '../webhooks/*',
                '../../webhooks/*',
                '../operations/*',
                '../../operations/*',
                '**/sandbox/**',
                '**/app.js',
                '**/server.js',
              ],
              message: 'Routes reach the store, the sync, the change feed and webhooks through src/records/ only.',
            },
            {
              group: ['**/upstreams/*', '**/upstreams/**'],
              allowTypeImports: true,
              message: 'Routes take upstream types only: calls go through src/records/ or a resolved adapter.',
            },
          ],
        },
      ],
    },
  },
  {
    // The records layer sits below plugins and routes, above the store, the sync and the upstreams.
    files: ['src/records/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/routes/*', '**/routes/**', '**/plugins/*', '**/sandbox/**', '**/app.js'],
              message: 'src/records/ sits below plugins and routes.',
            },
            {
              group: ['fastify', 'fastify-plugin'],
              allowTypeImports: true,
              message: 'src/records/ does not serve HTTP: the routes and the records plugin do.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sync, the change feed, webhooks and the operation queues work on the store, below
    // what serves HTTP (a queued write's run reaches its route through the app it is given).
    files: ['src/sync/**/*.ts', 'src/events/**/*.ts', 'src/webhooks/**/*.ts', 'src/operations/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/routes/*', '**/routes/**', '**/plugins/*', '**/records/*', '**/sandbox/**', '**/app.js'],
              message:
                'The store, the sync, events, webhooks and operations sit below the records, plugins and routes.',
            },
          ],
        },
      ],
    },
  },
  {
    // The store keeps records, events and leases; it knows nothing of who reads or syncs them.
    files: ['src/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/routes/*', '**/routes/**', '**/plugins/*', '**/records/*', '**/sandbox/**', '**/app.js'],
              message: 'The store sits below the records, plugins and routes.',
            },
            {
              group: ['**/sync/*', '**/webhooks/*', '**/events/*', '**/operations/*'],
              message: 'The store sits below the sync, events, webhooks and operations that use it.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sandbox stands beside the clients: it may read their wire rules, nothing may read it
    // but the server entry point and the tests.
    files: ['src/**/*.ts'],
    ignores: ['src/sandbox/**', 'src/server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sandbox/*', '**/sandbox/**', '**/sandbox.js'],
              message: 'Only src/server.ts starts the sandbox.',
            },
          ],
        },
      ],
    },
  },
)
