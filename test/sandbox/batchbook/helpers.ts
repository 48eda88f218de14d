/** Starting a BatchBook simulator on loopback, calling it over real HTTP and reading its XML. */
import { XMLParser } from 'fast-xml-parser'
import { request } from 'undici'
import { afterEach } from 'vitest'
import {
  type BatchBookSimulator,
  type BatchBookSimulatorOptions,
  createBatchBookSimulator,
} from '../../../src/sandbox/batchbook/index.js'
import { basicAuthHeader } from '../../../src/sandbox/frame/basic-auth.js'
import { listenOnLoopback } from '../../../src/sandbox/frame/server.js'

export const TOKEN = 'tok_first'
export const OTHER_TOKEN = 'tok_second'

const running: BatchBookSimulator[] = []

afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.app.close()))
})

export interface Started {
  sim: BatchBookSimulator
  origin: string
}

/** Seeded and unlimited unless told otherwise; closed after each test. */
export async function startSimulator(options: Partial<BatchBookSimulatorOptions> = {}): Promise<Started> {
  const sim = createBatchBookSimulator({ tokens: [TOKEN, OTHER_TOKEN], limit: false, ...options })
  running.push(sim)
  return { sim, origin: await listenOnLoopback(sim.app) }
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

export interface CallOptions {
  body?: string
  contentType?: string
  /** Basic credentials as [user, password]; null sends none. */
  credentials?: [string, string] | null
}

export async function call(origin: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {}
  const credentials: [string, string] | null = options.credentials === undefined ? [TOKEN, 'x'] : options.credentials
  if (credentials !== null) headers.authorization = basicAuthHeader(credentials[0], credentials[1])
  if (options.contentType !== undefined) headers['content-type'] = options.contentType
  const res = await request(`${origin}${path}`, {
    method: method as 'GET',
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

export const xmlBody = (body: string): CallOptions => ({ body, contentType: 'application/xml' })
export const formBody = (body: string): CallOptions => ({ body, contentType: 'application/x-www-form-urlencoded' })

/** A value written with a `type` attribute. */
export interface Typed {
  '#text': string
  '@_type': string
}

interface TagXml {
  id: Typed
  name: string
  supertag: Typed
}

export interface CommentXml {
  id: Typed
  comment: string
  user: string
  created_at: Typed
  record_id: Typed
}

export interface CommunicationXml {
  id: Typed
  subject: string
  body: string
  date: string
  ctype: string
  tags: { '@_type': string; tag?: TagXml[] }
  mega_comments: { '@_type': string; mega_comment?: CommentXml[] }
  created_at: string
  updated_at: string
}

export interface ParticipantXml {
  name: string
  contact_id: Typed
  role: string
}

const REPEATED = new Set(['communication', 'tag', 'mega_comment', 'participant', 'error'])
const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  // Arrays (`type="array"`) always parse to lists, even with one member.
  isArray: (name, jPath) => REPEATED.has(name) && String(jPath).includes('.'),
})

export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text, true) as Record<string, unknown>
}

export const num = (value: Typed): number => Number(value['#text'])

export function communicationOf(text: string): CommunicationXml {
  return parseXml(text).communication as CommunicationXml
}

export function communicationsOf(text: string): CommunicationXml[] {
  const root = parseXml(text).communications as { communication?: CommunicationXml[] }
  return root.communication ?? []
}

export function participantsOf(text: string): ParticipantXml[] {
  const root = parseXml(text).participants as { participant?: ParticipantXml[] }
  return root.participant ?? []
}

export function commentsOf(text: string): CommentXml[] {
  const root = parseXml(text).mega_comments as { mega_comment?: CommentXml[] }
  return root.mega_comment ?? []
}

export function errorsOf(text: string): string[] {
  const root = parseXml(text).errors as { error?: string[] }
  return root.error ?? []
}

export const idsOf = (list: CommunicationXml[]): number[] => list.map((c) => num(c.id))

/** The path of a Location header, after checking it points at the simulator itself. */
export function locationPath(origin: string, answer: Answer): string {
  const location = String(answer.headers.location)
  if (!location.startsWith(`${origin}/`)) throw new Error(`Location ${location} is not under ${origin}`)
  return location.slice(origin.length)
}
