import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Simulators and gateways bind loopback ports; forks keep each file's servers apart.
    pool: 'forks',
    // One file at a time: the scale and flow tests count every call the upstream simulators see
    // against the documented limits, and a CPU-heavy file beside them (the Dockerfile replay
    // compiles and installs) delays the gateways' sends enough to put two BatchBook calls under
    // a second apart. Measured: two files at a time took the suite from 18 to 11 minutes, and a
    // replica of the Redis-cut test then counted one violation.
    maxWorkers: 1,
  },
})
