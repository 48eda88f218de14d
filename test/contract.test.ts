/**
 * The contract policy holds in the document: its version is the package's, the changelog has
 * an entry for it, and the sets that grow are described so that a generated client survives a
 * new value.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../src/errors.js'
import { EVENT_TYPES } from '../src/store/events.js'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const document = JSON.parse(read('openapi/openapi.json')) as {
  info: { version: string }
  components: {
    schemas: Record<
      string,
      {
        properties?: Record<string, Record<string, unknown>>
        discriminator?: { propertyName: string; mapping?: Record<string, string> }
      }
    >
  }
}

describe('the contract policy', () => {
  it('versions the document as the package', () => {
    const manifest = JSON.parse(read('package.json')) as { version: string }
    expect(document.info.version).toBe(manifest.version)
    expect(read('CHANGELOG.md')).toContain(`## ${manifest.version}`)
  })

  it('discriminates the Event union by type, every event type mapped', () => {
    const discriminator = document.components.schemas.Event?.discriminator
    expect(discriminator?.propertyName).toBe('type')
    expect(Object.keys(discriminator?.mapping ?? {}).sort()).toEqual([...EVENT_TYPES].sort())
  })

  it('describes problem codes as an open set, listing every known code', () => {
    const code = document.components.schemas.Problem?.properties?.code
    expect(code?.type).toBe('string')
    expect(code?.enum).toBeUndefined()
    expect(code?.['x-extensible-enum']).toEqual(Object.keys(ERROR_CODES))
  })
})
