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
    // Layers point down only: routes → services → upstreams (engine, one folder per upstream) →
    // transport. The upstream layer knows nothing of HTTP serving, plugins, routes, services or
    // the sandbox; schemas reach it as types only.
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
                '**/services/*',
                '**/sandbox/*',
                '**/sandbox/**',
                '**/app.js',
                '**/server.js',
              ],
              message: 'src/upstreams/ sits below plugins, routes, services and the sandbox.',
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
    files: ['src/services/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/routes/*', '**/routes/**', '**/plugins/*', '**/sandbox/**'],
              message: 'src/services/ sits below plugins and routes.',
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
