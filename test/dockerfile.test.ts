/**
 * No container engine runs here, so the Dockerfile's steps are replayed on the machine
 * (scripts/replay-dockerfile.ts): both stages build, the runtime stage holds no sources,
 * and the started result passes its HEALTHCHECK.
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
    expect(dockerfile.replace(/\\\n/g, " ")).toMatch(/^HEALTHCHECK .*\/healthz/m)
    expect(dockerfile).not.toMatch(/TOKEN|API_KEY|SECRET|PASSWORD/i)
  })

  it('replays its build steps and the result passes its HEALTHCHECK', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/replay-dockerfile.ts'], { cwd: root, encoding: 'utf8', timeout: 300_000 })
    expect(output).toContain('replay: HEALTHCHECK passed')
  }, 300_000)
})
