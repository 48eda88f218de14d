/**
 * The gateway's version: the package's, read once from package.json (beside `src/` and
 * `dist/` alike). The OpenAPI document's `info.version` and the start-up line say it.
 */
import { readFileSync } from 'node:fs'

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

export const VERSION = manifest.version
