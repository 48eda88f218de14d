/** Small helpers for message route tests (over HTTP, or inject on virtual time: see `send`). */
import type { Message } from '../../src/schemas/message.js'
import { TEST_KEY, send } from './gateway.js'

export interface Answer<T = Record<string, unknown>> {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: T
}

export async function call<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await send(url, {
    method,
    headers: {
      authorization: `Bearer ${TEST_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, headers: res.headers, body: (res.text === '' ? undefined : JSON.parse(res.text)) as T }
}

export type MessageAnswer = Answer<Message & { code?: string; detail?: string }>
