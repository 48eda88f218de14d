/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) into the few figures that say
 * where the time went: self time per function, self time per file or package, and the time
 * spent inside each of the gateway's own functions (callees included).
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

interface ProfileRow {
  name: string
  where: string
  ms: number
  percent: number
}

export interface ProfileSummary {
  totalMs: number
  /** Time the process was idle (waiting for I/O). */
  idleMs: number
  gcMs: number
  selfByFunction: ProfileRow[]
  selfByModule: ProfileRow[]
  /** Inclusive time of the gateway's own functions (src/), busy time only. */
  inclusiveSrc: ProfileRow[]
}

/**
 * `src/upstreams/client.ts`, `fastify`, `node:internal/...` — short enough for a table. Files
 * under `root` are named relative to it, compiled `.js` by their `.ts` source.
 */
function moduleOf(url: string, root: string): string {
  if (url === '') return '(native)'
  let file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url
  const nm = file.lastIndexOf('/node_modules/')
  if (nm !== -1) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1]}` : (rest[0] ?? file)
  }
  if (file.startsWith(root)) {
    file = path.relative(root, file)
    if (file.endsWith('.js')) file = `${file.slice(0, -3)}.ts`
  }
  if (file.startsWith('node:')) return file.split('/').slice(0, 2).join('/')
  return file
}

const sources = new Map<string, string[]>()

/**
 * Where a function of the gateway is defined (1-based), looked up by name in its TypeScript
 * source: the profiled code is compiled, whose positions are not the source's.
 */
function definitionLine(root: string, module: string, name: string): number | null {
  if (name === '(anonymous)') return null
  let lines = sources.get(module)
  if (lines === undefined) {
    try {
      lines = readFileSync(path.join(root, module), 'utf8').split('\n')
    } catch {
      lines = []
    }
    sources.set(module, lines)
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const definition = new RegExp(
    `(?:function\\*?\\s+${escaped}\\s*[(<]|^\\s*(?:(?:public|private|protected|static|async|get|set|readonly)\\s+)*${escaped}\\s*[(<].*[{(]\\s*$|(?:const|let|var)\\s+${escaped}\\s*=|^\\s*(?:readonly\\s+)?${escaped}\\s*=)`,
  )
  const index = lines.findIndex((line) => definition.test(line))
  return index === -1 ? null : index + 1
}

function place(root: string, module: string, url: string, name: string, lineNumber: number): string {
  if (url === '') return module
  if (module.startsWith('src/')) {
    const line = definitionLine(root, module, name)
    return line === null ? module : `${module}:${line}`
  }
  return `${module}:${lineNumber + 1}`
}

/** `sourceRoot` holds the TypeScript sources; `runRoot` the files the profiled process ran (compiled or not). */
export async function summarizeProfile(
  file: string,
  sourceRoot: string,
  runRoot = sourceRoot,
  top = 15,
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))

  let totalUs = 0
  let idleUs = 0
  let gcUs = 0
  const fnSelf = new Map<string, { name: string; where: string; us: number }>()
  const modSelf = new Map<string, number>()
  const srcInclusive = new Map<string, { name: string; where: string; us: number }>()

  // The driver's own command that started the profiler is not the gateway's work.
  const isHarness = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)?.callFrame.url.includes('/bench/lib/') === true) return true
    }
    return false
  }
  for (const [id, us] of self) {
    const node = byId.get(id)
    if (node === undefined || isHarness(id)) continue
    totalUs += us
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') {
      idleUs += us
      continue
    }
    if (functionName === '(garbage collector)') gcUs += us
    const where = moduleOf(url, runRoot)
    const name = functionName === '' ? '(anonymous)' : functionName
    const key = `${name}|${url}|${lineNumber}`
    const entry = fnSelf.get(key) ?? { name, where: place(sourceRoot, where, url, name, lineNumber), us: 0 }
    entry.us += us
    fnSelf.set(key, entry)
    modSelf.set(where, (modSelf.get(where) ?? 0) + us)

    // Every gateway function on this sample's stack gets its time once.
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame
      if (frame === undefined) break
      const module = moduleOf(frame.url, runRoot)
      if (!module.startsWith('src/')) continue
      const fname = frame.functionName === '' ? '(anonymous)' : frame.functionName
      const fkey = `${fname}|${frame.url}|${frame.lineNumber}`
      if (seen.has(fkey)) continue
      seen.add(fkey)
      const e = srcInclusive.get(fkey) ?? {
        name: fname,
        where: place(sourceRoot, module, frame.url, fname, frame.lineNumber),
        us: 0,
      }
      e.us += us
      srcInclusive.set(fkey, e)
    }
  }
  const busyUs = totalUs - idleUs
  const rows = (entries: Iterable<{ name: string; where: string; us: number }>, base: number) =>
    [...entries]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, percent: (100 * e.us) / base }))
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    gcMs: gcUs / 1000,
    selfByFunction: rows(fnSelf.values(), busyUs),
    selfByModule: rows(
      [...modSelf].map(([where, us]) => ({ name: where, where, us })),
      busyUs,
    ),
    inclusiveSrc: rows(srcInclusive.values(), busyUs),
  }
}
