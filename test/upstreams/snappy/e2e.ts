/** Calling a sandboxed gateway's Snappy routes over real HTTP, for the route tests. */
import type { Config } from '../../../src/config.js'
import { encodeId, type IdKind } from '../../../src/ids.js'
import { TEST_KEY, send, startGateway, testConfig, type RunningGateway } from '../../helpers/gateway.js'

/** A key limited to the BatchBook connection: every Snappy record is off limits to it. */
export const CRM_KEY = 'sk_crm_only_0123456789abcdef'

export interface Answer<T = Record<string, unknown>> {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: T
}

export interface CallOptions {
  json?: unknown
  key?: string
  headers?: Record<string, string>
}

/** A gateway on fresh sandbox simulators, with the usual test keys plus `CRM_KEY`. */
export async function startSnappyGateway(overrides: Partial<Config> = {}): Promise<RunningGateway> {
  const base = testConfig()
  return startGateway({
    withSandbox: true,
    config: testConfig({
      apiKeys: [...base.apiKeys, { name: 'crm', secret: CRM_KEY, connections: ['batchbook'] }],
      ...overrides,
    }),
  })
}

export async function call<T = Record<string, unknown>>(
  gw: RunningGateway,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.key ?? TEST_KEY}`, ...options.headers }
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  }
  const res = await send(`${gw.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
  return { status: res.status, headers: res.headers, body: (res.text === '' ? undefined : JSON.parse(res.text)) as T }
}

export const snappyId = (kind: IdKind, ...parts: string[]) =>
  encodeId(kind, { source: 'snappy', connection: 'snappy', parts })
export const batchbookId = (kind: IdKind, ...parts: string[]) =>
  encodeId(kind, { source: 'batchbook', connection: 'batchbook', parts })

/** The seeded accounts: Western Cape Labs (3249, with mailboxes 3642 and 3643) and 3088. */
export const WCL = snappyId('account', '3249')
export const PRAEKELT = snappyId('account', '3088')
export const WCL_MAILBOX = snappyId('mailbox', '3249', '3642')

/** Names of fields and values that must never appear in an answer. */
const SECRET_MARKERS = [
  'remember_token',
  'apple_device_token',
  'verification_token',
  'sms_number',
  'mobile',
  'XXXXX',
  'trial_ends_at',
  'is_paid',
  'smtp',
  'storage_key',
]

export function secretsIn(value: unknown): string[] {
  const json = JSON.stringify(value)
  return SECRET_MARKERS.filter((s) => json.includes(s))
}
