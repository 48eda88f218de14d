import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { startSnappy, type Running } from './helpers.js'

let s: Running | undefined
afterEach(async () => {
  await s?.sim.close()
  s = undefined
})

describe('wire format', () => {
  it('answers JSON as `application/json` without a charset, as the live service does', async () => {
    s = await startSnappy()
    expect((await s.api('GET', '/accounts')).headers['content-type']).toBe('application/json')
  })

  it('answers an unknown route with a 404 HTML page', async () => {
    s = await startSnappy()
    const res = await s.api('GET', '/tickets/everything')
    expect(res.status).toBe(404)
    expect(res.type).toBe('text/html; charset=UTF-8')
    expect(res.text).toContain('could not be found')
  })

  it('cuts a connection mid-JSON on a reset fault', async () => {
    s = await startSnappy()
    s.sim.faults.inject({ type: 'reset', pathPrefix: '/api/v1/accounts' })
    const res = await request(`${s.origin}/api/v1/accounts`, {
      headers: { authorization: `Basic ${Buffer.from('0123456789abcdef'.repeat(4) + ':x').toString('base64')}` },
    })
    expect(res.headers['content-type']).toBe('application/json')
    await expect(res.body.text()).rejects.toThrow()
  })
})

describe('storage lifecycle', () => {
  it('removes its own temporary storage on close', async () => {
    s = await startSnappy()
    const dir = s.sim.store.files.dir
    expect(readdirSync(dir).length).toBeGreaterThan(0)
    await s.sim.close()
    s = undefined
    expect(existsSync(dir)).toBe(false)
  })

  it('keeps a storage directory it was given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snappy-given-'))
    try {
      s = await startSnappy({ storageDir: dir })
      await s.sim.close()
      s = undefined
      expect(readdirSync(dir).length).toBeGreaterThan(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
