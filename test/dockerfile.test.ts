/**
 * No container engine runs here, so the Dockerfile's steps are replayed on the machine
 * (scripts/replay-dockerfile.ts): both stages build, the runtime stage holds no sources,
 * and the started result passes its HEALTHCHECK. The replay runs on the image's Node 24
 * (scripts/node24.sh), whichever Node runs this test.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8')

describe('Dockerfile', () => {
  it('builds in stages on a Node LTS slim image, runs as a non-root user, checks health, and bakes in no secret', () => {
    expect(dockerfile).toMatch(/^FROM node:(22|24)-slim AS build$/m)
    expect(dockerfile).toMatch(/^FROM node:(22|24)-slim AS runtime$/m)
    expect(dockerfile).toMatch(/npm ci --omit=dev/)
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile.replace(/\\\n/g, ' ')).toMatch(/^HEALTHCHECK .*\/healthz/m)
    expect(dockerfile).not.toMatch(/TOKEN|API_KEY|SECRET|PASSWORD/i)
  })

  // The replay always runs on Node 24, whichever Node runs this file: .ci/run's second pass
  // (the suite again on Node 24) sets DOCKER_REPLAY_DONE, as its first pass replayed already.
  it.skipIf(process.env.DOCKER_REPLAY_DONE === '1')(
    'replays its build steps on Node 24 and the result passes its HEALTHCHECK',
    () => {
      const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/replay-dockerfile.ts'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 300_000,
      })
      expect(output).toContain('replay: HEALTHCHECK passed')
      // Every stage's steps ran on Node 24, and so does the started gateway by its own report.
      const stages = [...output.matchAll(/^== stage (\S+) \(from \S+\) on node (\S+)$/gm)].map(([, name, version]) => [
        name,
        version?.split('.')[0],
      ])
      expect(stages).toEqual([
        ['build', 'v24'],
        ['runtime', 'v24'],
      ])
      expect(output).toMatch(/^replay: the gateway runs on Node v24\.\d+\.\d+ /m)
    },
    300_000,
  )
})
