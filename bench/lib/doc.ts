/**
 * docs/benchmarks.md is written by the runs themselves. `npm run bench` writes the whole
 * file but carries over the blocks it does not own (the soak's results and the hand-written
 * notes); `npm run soak` and `npm run bench:replica` replace only their own blocks.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { ROOT } from './processes.js'

export const DOC_PATH = path.join(ROOT, 'docs', 'benchmarks.md')

export type BlockName = 'notes' | 'soak' | 'replica' | 'replica-hot-path'

const start = (name: BlockName) => `<!-- ${name}:start -->`
const end = (name: BlockName) => `<!-- ${name}:end -->`

export async function readDoc(): Promise<string> {
  try {
    return await readFile(DOC_PATH, 'utf8')
  } catch {
    return ''
  }
}

/** The block's content as it stands in the document, or undefined. */
export function blockOf(doc: string, name: BlockName): string | undefined {
  const from = doc.indexOf(start(name))
  const to = doc.indexOf(end(name))
  if (from === -1 || to === -1 || to < from) return undefined
  return doc
    .slice(from + start(name).length, to)
    .replace(/^\n/, '')
    .replace(/\n$/, '')
}

export function block(name: BlockName, content: string): string {
  return `${start(name)}\n${content.trim()}\n${end(name)}`
}

/** Replaces a block in place, or appends it when the document has none. */
export function withBlock(doc: string, name: BlockName, content: string): string {
  const from = doc.indexOf(start(name))
  const to = doc.indexOf(end(name))
  if (from === -1 || to === -1 || to < from) return `${doc.trimEnd()}\n\n${block(name, content)}\n`
  return `${doc.slice(0, from)}${block(name, content)}${doc.slice(to + end(name).length)}`
}

export async function writeDoc(doc: string): Promise<void> {
  await mkdir(path.dirname(DOC_PATH), { recursive: true })
  await writeFile(DOC_PATH, doc.endsWith('\n') ? doc : `${doc}\n`)
}

export function mib(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1)
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}
