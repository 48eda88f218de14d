/** What the numbers were measured on. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  os: string
  date: string
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  let cpu = cpus[0]?.model.trim() ?? 'unknown'
  // Some virtual machines report a bare family name; /proc/cpuinfo may say more.
  if (cpu === '' || cpu === 'unknown') {
    try {
      cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu
    } catch {
      // keep what os.cpus() said
    }
  }
  return {
    cpu,
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  }
}

export function machineLines(m: Machine): string[] {
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores available to Node.js`,
    `- Memory: ${m.memoryGiB} GiB`,
    `- Node.js ${m.node} on ${m.os}`,
    `- Run at ${m.date}`,
  ]
}

/** The commit the gateway was measured at, and whether its source differed from it. */
export function gitRevision(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
    return dirty === ''
      ? `commit ${head}`
      : `commit ${head} with uncommitted changes in ${dirty.split('\n').length} file(s) under src/`
  } catch {
    return 'not a git checkout'
  }
}
