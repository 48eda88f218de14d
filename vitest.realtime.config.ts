import { defineConfig } from 'vitest/config'
import { REALTIME_TESTS } from './test/tiers.js'

// The realtime tier (`npm run test:realtime`): what needs real time or real processes.
export default defineConfig({
  test: {
    include: REALTIME_TESTS,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // One file at a time: these tests count every call the upstream simulators see against the
    // documented limits in real time, and a CPU-heavy file beside them (the Dockerfile replay
    // compiles and installs) delays the gateways' sends enough to matter.
    maxWorkers: 1,
  },
})
