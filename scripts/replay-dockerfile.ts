/**
 * Replays the Dockerfile's steps on this machine (no container engine needed): each stage
 * gets its own directory standing in for its WORKDIR; COPY copies from the build context or
 * from an earlier stage, RUN runs there with the stage's ENV. The last stage's CMD is then
 * started and its HEALTHCHECK polled until it passes. Prints the result; exits 1 on failure.
 *
 *   npm run docker:replay        (used by test/dockerfile.test.ts)
 */
import { execSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
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
      stages.push({ name, dir: join(root, name), workdir: '/', env: {} })
      mkdirSync(join(root, name), { recursive: true })
      console.log(`== stage ${name} (from ${rest[0]})`)
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
        const dest = target.endsWith('/') || parts.length > 1 ? join(inStage(stage!, target), part.split('/').filter(Boolean).pop() as string) : inStage(stage!, target)
        cpSync(src, dest, { recursive: true })
      }
      break
    }
    case 'RUN':
      console.log(`$ ${args}`)
      execSync(args, { cwd: inStage(stage!, '.'), stdio: 'inherit', env: { ...process.env, ...stage!.env } })
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
const env = { PATH: process.env.PATH ?? '', ...final.env, PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'warn', SWITCHBOARD_SANDBOX: 'true' }
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
child.kill('SIGTERM')
await new Promise((r) => child.once('exit', r))
rmSync(root, { recursive: true, force: true })
console.log(healthy ? 'replay: HEALTHCHECK passed' : 'replay: HEALTHCHECK failed')
process.exit(healthy ? 0 : 1)
