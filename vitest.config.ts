import { defineConfig } from 'vitest/config'
import { REALTIME_TESTS } from './test/tiers.js'

// The default tier: every test that runs on virtual time (see test/helpers/virtual-clock.ts),
// so it asserts limits exactly however busy the machine is, and files run side by side.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...REALTIME_TESTS],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Simulators and gateways bind loopback ports; forks keep each file's servers apart.
    pool: 'forks',
  },
})
