import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { generateOpenApi } from '../src/openapi-document.js'

describe('committed OpenAPI document', () => {
  it('matches what the code generates (run `npm run openapi` after changing routes)', async () => {
    const committed = await readFile(new URL('../openapi/openapi.json', import.meta.url), 'utf8')
    const { json } = await generateOpenApi()
    expect(JSON.parse(committed)).toEqual(JSON.parse(json))
  })
})
