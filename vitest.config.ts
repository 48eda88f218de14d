import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Simulators and gateways bind loopback ports; forks keep each file's servers apart.
    pool: 'forks',
    // Most of the suite's time is spent waiting on the documented upstream limits (1 request/s,
    // 200/min), not on the CPU: two files at a time even on two cores (vitest's default would
    // be one there, and the suite would take twice as long).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
