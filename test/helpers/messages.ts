/** Small helpers for message route tests over real HTTP. */
import { request } from 'undici'
import type { Message } from '../../src/schemas/message.js'
import { TEST_KEY } from './gateway.js'

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
  const res = await request(url, {
    method: method as 'GET',
    headers: {
      authorization: `Bearer ${TEST_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.body.text()
  return { status: res.statusCode, headers: res.headers, body: (text === '' ? undefined : JSON.parse(text)) as T }
}

export type MessageAnswer = Answer<Message & { code?: string; detail?: string }>
