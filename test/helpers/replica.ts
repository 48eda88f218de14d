/** Helpers for tests of the synced replica over real HTTP. */
import type { Message } from '../../src/schemas/message.js'
import type { Source } from '../../src/schemas/source.js'
import { type Answer, call } from './messages.js'
import { type Clock, realClock } from '../../src/clock.js'
import { clockOf } from './gateway.js'

type SyncStatus = NonNullable<Source['sync']>

/** Polls `/v1/sources` until the connection's sync status satisfies `done`; returns it. */
export async function waitForSync(
  url: string,
  connection: string,
  done: (status: SyncStatus) => boolean,
  timeoutMs: number,
): Promise<SyncStatus> {
  const time = clockOf(url) ?? realClock
  const deadline = time.now() + timeoutMs
  for (;;) {
    const sources = await call<{ data: Source[] }>('GET', `${url}/v1/sources`)
    const status = sources.body.data.find((s) => s.name === connection)?.sync
    if (status != null && done(status)) return status
    if (time.now() > deadline) throw new Error(`sync of ${connection} not done: ${JSON.stringify(status)}`)
    await time.sleep(250)
  }
}

/** Every message of a list, following `nextCursor` to the end. */
export async function walkMessages(url: string, path: string, cursor?: string): Promise<Message[]> {
  const all: Message[] = []
  const withCursor = (c: string) => `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(c)}`
  let next: string | null = cursor === undefined ? path : withCursor(cursor)
  while (next !== null) {
    const page: Answer<{ data: Message[]; nextCursor: string | null }> = await call('GET', `${url}${next}`)
    if (page.status !== 200) throw new Error(`${next}: ${page.status} ${JSON.stringify(page.body)}`)
    all.push(...page.body.data)
    const nextCursor: string | null = page.body.nextCursor
    next = nextCursor === null ? null : withCursor(nextCursor)
  }
  return all
}

/**
 * Waits until `check` holds, polling; fails naming `what` after `withinMs` of the clock's time
 * (a gateway's virtual clock, when it runs on one).
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  withinMs: number,
  what: string,
  clock: Clock | null = null,
): Promise<void> {
  const time = clock ?? realClock
  const deadline = time.now() + withinMs
  while (!(await check())) {
    if (time.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`)
    await time.sleep(200)
  }
}
