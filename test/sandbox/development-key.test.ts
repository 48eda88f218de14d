/** Sandbox mode's development key is kept in the data directory across starts, unless reset. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { developmentKey } from '../../src/sandbox/index.js'

describe('the development key', () => {
  const dirs: string[] = []
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-key-'))
    dirs.push(dir)
    return path.join(dir, 'data')
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('is the same on the next start, kept readable by this user only', () => {
    const dir = dataDir()
    const first = developmentKey(dir)
    expect(first.secret).toMatch(/^sk_dev_[A-Za-z0-9_-]{24}$/)
    expect(developmentKey(dir)).toEqual(first)
    expect(statSync(path.join(dir, 'sandbox-api-key')).mode & 0o777).toBe(0o600)
  })

  it('is new when reset, and the new one is kept', () => {
    const dir = dataDir()
    const first = developmentKey(dir)
    const reset = developmentKey(dir, true)
    expect(reset.secret).not.toBe(first.secret)
    expect(developmentKey(dir)).toEqual(reset)
  })

  it('is new when the kept one is not a development key', () => {
    const dir = dataDir()
    developmentKey(dir)
    writeFileSync(path.join(dir, 'sandbox-api-key'), 'not a key')
    const next = developmentKey(dir)
    expect(next.secret).toMatch(/^sk_dev_/)
    expect(readFileSync(path.join(dir, 'sandbox-api-key'), 'utf8').trim()).toBe(next.secret)
  })
})
