/**
 * The recorded traffic served back over HTTP to the real adapter and engine: the same
 * bodies come out normalized, `POST /note` is answered with its bare nonce and the created
 * message is read back by that nonce, and nothing secret is in any answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeId, encodeId } from '../../../src/ids.js'
import { DEFAULT_SNAPPY_LIMIT } from '../../../src/upstreams/snappy/wire.js'
import { SnappyAdapter } from '../../../src/upstreams/snappy/adapter.js'
import { UpstreamRegistry } from '../../../src/upstreams/registry.js'
import { testConfig } from '../../helpers/gateway.js'
import { SECRETS, recordedInteractions, startReplay, type ReplayServer } from './recorded.js'

let replay: ReplayServer
let registry: UpstreamRegistry
let snappy: SnappyAdapter
const id = (kind: Parameters<typeof encodeId>[0], ...parts: string[]) =>
  encodeId(kind, { source: 'snappy', connection: 'snappy', parts })

beforeAll(async () => {
  replay = await startReplay(recordedInteractions())
  const config = testConfig({
    connections: [
      {
        name: 'snappy',
        source: 'snappy',
        baseUrl: replay.baseUrl,
        credential: 'ab'.repeat(32),
        rateLimit: DEFAULT_SNAPPY_LIMIT,
        timeoutMs: 2_000,
      },
    ],
  })
  registry = new UpstreamRegistry(config)
  const adapter = registry.get('snappy')
  if (!(adapter instanceof SnappyAdapter)) throw new Error('no Snappy adapter')
  snappy = adapter
})
afterAll(async () => {
  await registry.close()
  await replay.close()
})

function expectNoSecrets(value: unknown): void {
  const json = JSON.stringify(value)
  for (const secret of SECRETS) expect(json, `leaks ${secret}`).not.toContain(secret)
}

describe('the Snappy adapter on recorded traffic', () => {
  it('reads accounts, mailboxes and staff', async () => {
    const [accounts, mailboxes, staff] = await Promise.all([
      snappy.directory.accounts(),
      snappy.directory.mailboxes('3249'),
      snappy.directory.staff('3249'),
    ])
    expect(accounts.map((a) => [a.id, a.organization, a.createdAt])).toEqual([
      [id('account', '3249'), 'Western Cape Labs (Test)', '2014-09-16T13:49:36.000Z'],
    ])
    expect(mailboxes.map((m) => [m.id, m.address])).toEqual([
      [id('mailbox', '3249', '3642'), 'hello@wcldemo.besnappy.com'],
    ])
    expect(staff.map((s) => [s.id, s.username, s.owner])).toEqual([
      [id('staff', '58'), 'mike', true],
      [id('staff', '3696'), 'jeremy', false],
    ])
    expectNoSecrets([accounts, mailboxes, staff])
  })

  it('reads every recorded ticket’s notes by nonce, newest first', async () => {
    const nonces = [
      ...new Set(recordedInteractions().flatMap((i) => /^\/ticket\/([a-z0-9]{16})\/notes$/.exec(i.path)?.[1] ?? [])),
    ]
    expect(nonces).toHaveLength(12)
    for (const nonce of nonces) {
      const messages = await snappy.tickets.notes(nonce, { includeRemote: true })
      expect(messages.length).toBeGreaterThan(0)
      const created = messages.map((m) => m.createdAt)
      expect([...created].sort().reverse()).toEqual(created)
      for (const m of messages) {
        expect(decodeId('message', m.id, 2).parts).toEqual([
          decodeId('conversation', m.conversationId!, 1).parts[0],
          m.remoteId,
        ])
        expect(m.sentAt).toMatch(/^2014-09-22T\d{2}:\d{2}:\d{2}\.000Z$/)
        expect(m.participants.map((p) => [p.role, p.address])).toEqual([['from', 'john.smith@gmail.com']])
        // The ticket itself is not recorded: the notes come without tags rather than not at all.
        expect(m.tags).toEqual([])
      }
      expectNoSecrets(messages)
    }
  })

  it('creates a message: posts the note, takes the bare nonce, reads the newest note back by it', async () => {
    const message = await snappy.createMessage(
      {
        source: 'snappy',
        mailboxId: id('mailbox', '3249', '3642'),
        from: [{ name: 'John Smith', address: 'john.smith@gmail.com' }],
        subject: 'Test subject $SUBJECT_UUID$',
        body: 'What are the experiment protocols for subject $SUBJECT_UUID$?',
      },
      { includeRemote: false, expandParticipants: true },
    )
    expect(message).toMatchObject({
      id: id('message', '268323', '472101'),
      conversationId: id('conversation', '268323'),
      kind: 'email',
      visibility: 'public',
      body: { text: 'What are the experiment protocols for subject $SUBJECT_UUID$?', html: null },
      sentAt: '2014-09-22T13:05:20.000Z',
    })
    expect(message.remote).toBeUndefined()
    expect(replay.unmatched).not.toContain('POST /note')
    expect(replay.unmatched.every((u) => /^GET \/ticket\/[a-z0-9]{16}$/.test(u))).toBe(true)
  })

  it('refuses ids of another connection before any upstream call', async () => {
    const other = encodeId('mailbox', { source: 'snappy', connection: 'elsewhere', parts: ['3249', '3642'] })
    await expect(
      snappy.createMessage(
        { source: 'snappy', mailboxId: other, body: 'x', from: [{ address: 'a@b.example' }] },
        { includeRemote: false, expandParticipants: false },
      ),
    ).rejects.toMatchObject({
      code: 'invalid_id',
    })
  })
})
