/**
 * The servers of a benchmark run as production runs the gateway (the Dockerfile's
 * `node dist/server.js`): compiled by tsc to plain JavaScript, not through tsx, whose
 * on-the-fly transform adds a `__name()` call to every closure it creates and a loader thread
 * to every process. This compiles `src/` and `bench/servers/` of a checkout into a temporary
 * directory that shares the checkout's node_modules.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './processes.js'

export interface Build {
  /** Holds `src/` and `bench/` compiled, as `.js` beside each other. */
  dir: string
  remove(): void
}

/**
 * `modules` is the node_modules the compiled servers load (default: the checkout's); a build
 * for another Node needs one installed by that Node, for the native modules (see runtimes.ts).
 */
export function compileServers(checkout: string = ROOT, modules = path.join(checkout, 'node_modules')): Build {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'))
  try {
    const config = {
      extends: path.join(checkout, 'tsconfig.json'),
      compilerOptions: { noEmit: false, rootDir: checkout, outDir: dir, sourceMap: false },
      include: ['src', 'bench/servers', 'bench/lib/child.ts', 'bench/lib/protocol.ts'].map((p) =>
        path.join(checkout, p),
      ),
      exclude: [],
    }
    // First, so that tsc finds the checkout's type packages from the project's own directory.
    symlinkSync(path.join(checkout, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
    const project = path.join(dir, 'tsconfig.json')
    writeFileSync(project, JSON.stringify(config))
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
    if (modules !== path.join(checkout, 'node_modules')) {
      rmSync(path.join(dir, 'node_modules'))
      symlinkSync(modules, path.join(dir, 'node_modules'), 'dir')
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    const output = (err as { stdout?: Buffer }).stdout?.toString() ?? ''
    throw new Error(`could not compile the benchmark servers of ${checkout}: ${output || (err as Error).message}`)
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
