/**
 * Replays the Dockerfile's steps on this machine (no container engine needed): each stage
 * gets its own directory standing in for its WORKDIR; COPY copies from the build context or
 * from an earlier stage, RUN runs there with the stage's ENV. The last stage's CMD is then
 * started and its HEALTHCHECK polled until it passes. Prints the result; exits 1 on failure.
 *
 * Every step runs on the Node of the image's base (node:24), not on the Node running this
 * script: scripts/node24.sh fetches it from the npm registry (once, into .cache/node24/) and its
 * bin/ goes first on PATH for RUN, CMD and HEALTHCHECK, with its headers as npm's nodedir so
 * native modules compile for it. The started gateway's own report of its version is printed.
 *
 *   npm run docker:replay        (used by test/dockerfile.test.ts)
 */
import { execFileSync, execSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface Stage {
  name: string
  dir: string
  workdir: string
  env: Record<string, string>
}

const context = fileURLToPath(new URL('..', import.meta.url))
const root = mkdtempSync(join(tmpdir(), 'switchboard-docker-'))
const stages: Stage[] = []
let cmd: string[] = []
let healthcheck: string[] = []

// The Node every step runs on, fetched by the helper .ci/run uses too.
const nodeMajor = '24'
const nodeHome = execFileSync('bash', [join(context, 'scripts', 'node24.sh')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}).trim()
const nodeBin = join(nodeHome, 'bin')
const nodePath = `${nodeBin}:${process.env.PATH ?? ''}`
// Under `npm run`, npm exports its own Node's path and nodedir (NODE, npm_node_execpath,
// npm_config_nodedir): point them at the replay's Node as well.
const nodeEnv = {
  PATH: nodePath,
  NODE: join(nodeBin, 'node'),
  npm_node_execpath: join(nodeBin, 'node'),
  npm_config_nodedir: nodeHome,
}

/** Joins continuation lines and drops comments. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

function inStage(stage: Stage, path: string): string {
  const absolute = path.startsWith('/') ? path : join(stage.workdir, path)
  return join(stage.dir, absolute)
}

function json(args: string): string[] {
  return JSON.parse(args) as string[]
}

for (const line of instructions(readFileSync(join(context, 'Dockerfile'), 'utf8'))) {
  const [keyword = '', ...rest] = line.split(/\s+/)
  const args = line.slice(keyword.length).trim()
  const stage = stages.at(-1)
  switch (keyword.toUpperCase()) {
    case 'FROM': {
      const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.length}`
      const image = rest[0] ?? ''
      const major = /^node:(\d+)/.exec(image)?.[1]
      if (major !== nodeMajor)
        throw new Error(`stage ${name} is from ${image}: the replay has Node ${nodeMajor} only (scripts/node24.sh)`)
      stages.push({ name, dir: join(root, name), workdir: '/', env: {} })
      mkdirSync(join(root, name), { recursive: true })
      const version = execFileSync('node', ['-p', 'process.version'], {
        encoding: 'utf8',
        env: { ...process.env, ...nodeEnv },
      }).trim()
      console.log(`== stage ${name} (from ${image}) on node ${version}`)
      break
    }
    case 'WORKDIR':
      stage!.workdir = args
      mkdirSync(inStage(stage!, '.'), { recursive: true })
      break
    case 'ENV':
      for (const [, k, v] of args.matchAll(/(\w+)=(\S+)/g)) stage!.env[k as string] = v as string
      break
    case 'COPY': {
      const from = /^--from=(\S+)\s+/.exec(args)
      const parts = (from === null ? args : args.slice(from[0].length)).split(/\s+/)
      const target = parts.pop() as string
      const source = from === null ? context : stages.find((s) => s.name === from[1])
      if (source === undefined) throw new Error(`unknown stage ${from?.[1]}`)
      for (const part of parts) {
        const src = typeof source === 'string' ? join(source, part) : inStage(source, part)
        const dest =
          target.endsWith('/') || parts.length > 1
            ? join(inStage(stage!, target), part.split('/').filter(Boolean).pop() as string)
            : inStage(stage!, target)
        cpSync(src, dest, { recursive: true })
      }
      break
    }
    case 'RUN':
      console.log(`$ ${args}`)
      execSync(args, {
        cwd: inStage(stage!, '.'),
        stdio: 'inherit',
        env: { ...process.env, ...nodeEnv, ...stage!.env },
      })
      break
    case 'CMD':
      cmd = json(args)
      break
    case 'HEALTHCHECK':
      healthcheck = json(args.slice(args.indexOf('CMD') + 3).trim())
      break
    case 'USER':
    case 'EXPOSE':
      // A user switch needs the image's account; the port is the app's PORT.
      console.log(`(${keyword} ${args}: not replayed)`)
      break
    default:
      throw new Error(`unsupported instruction: ${keyword}`)
  }
}

const final = stages.at(-1)!
const cwd = inStage(final, '.')
if (existsSync(join(cwd, 'src')) || existsSync(join(cwd, 'test'))) throw new Error('the runtime stage holds sources')
const port = String(40000 + Math.floor(Math.random() * 10000))
// The image runs with NODE_ENV=production, where the gateway starts without upstream
// credentials only when the sandbox is asked for, as `docker run -e SWITCHBOARD_SANDBOX=true` would.
const env = {
  PATH: nodePath,
  ...final.env,
  PORT: port,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  SWITCHBOARD_SANDBOX: 'true',
  // The image's DATA_DIR is the node user's home; here a folder of the replay's, as a mounted volume would be.
  DATA_DIR: join(root, 'data'),
}
console.log(`== starting ${cmd.join(' ')} on port ${port}`)
const child = spawn(cmd[0] as string, cmd.slice(1), { cwd, env, stdio: 'inherit' })
let healthy = false
for (let i = 0; i < 60 && !healthy && child.exitCode === null; i++) {
  await new Promise((r) => setTimeout(r, 500))
  try {
    execSync(healthcheck.map((a) => JSON.stringify(a)).join(' '), { cwd, env, stdio: 'ignore' })
    healthy = true
  } catch {
    // not up yet
  }
}
if (healthy) console.log(`replay: the gateway runs on Node ${await gatewayNodeVersion()}`)
child.kill('SIGTERM')
await new Promise((r) => child.once('exit', r))
rmSync(root, { recursive: true, force: true })
console.log(healthy ? 'replay: HEALTHCHECK passed' : 'replay: HEALTHCHECK failed')
process.exit(healthy ? 0 : 1)

/**
 * The started gateway's own report of its Node version: `nodejs_version_info` of its /metrics
 * (prom-client's default metrics), or else the version of the binary its process runs.
 */
async function gatewayNodeVersion(): Promise<string> {
  try {
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const version = /^nodejs_version_info\{[^}]*\bversion="(v[^"]+)"/m.exec(metrics)?.[1]
    if (version !== undefined) return `${version} (its /metrics)`
  } catch {
    // fall back to the binary
  }
  const exe = readlinkSync(`/proc/${child.pid}/exe`)
  return `${execFileSync(exe, ['-p', 'process.version'], { encoding: 'utf8' }).trim()} (its binary ${exe})`
}
