import { availableParallelism } from 'node:os'
import { BaseSequencer, type TestSpecification } from 'vitest/node'
import { defineConfig } from 'vitest/config'
import { REALTIME_TESTS } from './test/tiers.js'

/** The files that take minutes (a week of virtual time): started first, so the others fill the other worker. */
const LONGEST = ['test/sync/week.test.ts']

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const long = (file: TestSpecification) => LONGEST.some((name) => file.moduleId.endsWith(name))
    return [...sorted.filter(long), ...sorted.filter((file) => !long(file))]
  }
}

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
    // One worker per core (vitest's own default leaves one core free).
    maxWorkers: availableParallelism(),
    sequence: { sequencer: LongestFirst },
  },
})
