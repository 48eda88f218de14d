/**
 * `--against=<git ref>`: a detached worktree of another commit, sharing this checkout's
 * node_modules, so that its gateway can run next to this one in the same run. A change's gain
 * is then measured side by side rather than across runs, whose figures drift by ±10% or more.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROOT } from './processes.js'

export interface Baseline {
  /** The commit checked out (short form). */
  revision: string
  /** The worktree (compile its servers with build.ts). */
  root: string
  remove(): void
}

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

export function checkoutBaseline(ref: string): Baseline {
  // rev-parse refuses anything that is not a commit, so `ref` never reaches a shell or a path unchecked.
  const sha = git('rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`)
  const revision = sha.slice(0, 7)
  const root = path.join(os.tmpdir(), `switchboard-baseline-${sha.slice(0, 12)}`)
  if (!existsSync(root)) git('worktree', 'add', '--detach', root, sha)
  const modules = path.join(root, 'node_modules')
  if (!existsSync(modules)) symlinkSync(path.join(ROOT, 'node_modules'), modules, 'dir')
  return {
    revision,
    root,
    remove: () => {
      git('worktree', 'remove', '--force', root)
    },
  }
}
