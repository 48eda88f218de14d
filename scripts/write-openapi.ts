/** `npm run openapi`: writes openapi/openapi.json and openapi/openapi.yaml from the code. */
import { mkdir, writeFile } from 'node:fs/promises'
import { generateOpenApi } from '../src/openapi-document.js'

const dir = new URL('../openapi/', import.meta.url)
const { json, yaml } = await generateOpenApi()
await mkdir(dir, { recursive: true })
await writeFile(new URL('openapi.json', dir), json)
await writeFile(new URL('openapi.yaml', dir), yaml)
console.log('wrote openapi/openapi.json and openapi/openapi.yaml')
