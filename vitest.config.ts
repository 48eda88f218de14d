import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Simulators and gateways bind loopback ports; forks keep each file's servers apart.
    pool: 'forks',
  },
})
