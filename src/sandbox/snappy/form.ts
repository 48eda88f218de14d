/**
 * Parses an `application/x-www-form-urlencoded` body the way PHP does, so a client sending
 * `from[0][name]=John&from[0][address]=j@x.org&tags[]=a` gets the same structure as its
 * JSON equivalent. Sequential integer keys become arrays, as PHP's json_encode would show.
 */
type Node = Record<string, unknown>

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export function parsePhpForm(text: string): Node {
  const root: Node = {}
  for (const [name, value] of new URLSearchParams(text)) {
    const path = keyPath(name)
    if (path === null || path.some((k) => UNSAFE_KEYS.has(k))) continue
    assign(root, path, value)
  }
  return finalize(root) as Node
}

/** `a[b][]` → ['a', 'b', '']; null for a name with no base. */
function keyPath(name: string): string[] | null {
  const open = name.indexOf('[')
  if (open === -1) return name === '' ? null : [name]
  const base = name.slice(0, open)
  if (base === '') return null
  const path = [base]
  const rest = /\[([^\]]*)\]/g
  let match: RegExpExecArray | null
  let consumed = open
  while ((match = rest.exec(name)) !== null && match.index === consumed) {
    path.push(match[1] ?? '')
    consumed = match.index + match[0].length
  }
  // PHP keeps a malformed tail as part of the last key; treating it as absent is close enough.
  return path
}

function assign(node: Node, path: string[], value: string): void {
  let current = node
  for (let i = 0; i < path.length; i++) {
    const last = i === path.length - 1
    let key = path[i] as string
    if (key === '') key = String(nextIndex(current))
    if (last) {
      current[key] = value
      return
    }
    const child = current[key]
    if (typeof child === 'object' && child !== null) {
      current = child as Node
    } else {
      const created: Node = {}
      current[key] = created
      current = created
    }
  }
}

function nextIndex(node: Node): number {
  let next = 0
  for (const key of Object.keys(node)) if (/^\d+$/.test(key)) next = Math.max(next, Number(key) + 1)
  return next
}

function finalize(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const node = value as Node
  const keys = Object.keys(node)
  const entries = keys.map((k) => [k, finalize(node[k])] as const)
  const sequential = keys.length > 0 && keys.every((k, i) => k === String(i))
  return sequential ? entries.map(([, v]) => v) : Object.fromEntries(entries)
}
