/**
 * Completes the responses of the OpenAPI document for generated clients:
 *
 * - every problem response becomes a `$ref` to one shared response per status under
 *   `components/responses` (`BadRequest`, `TooManyRequests`, ...), generated from the code
 *   table (src/schemas/responses.ts), with an example body of each of its codes;
 * - the 202 `Accepted` answer of the writes (`WriteAccepted` or a queued `Operation`) is shared the same way;
 * - the headers the gateway's plugins send are declared, as shared `components/headers`:
 *   `X-Request-Id` on every answer, `Location` on a 201, `ETag` on a GET's 200 (a JSON or text
 *   body), `Retry-After` on 429 and 503, `Allow` on 405, `Idempotent-Replayed` where an
 *   `Idempotency-Key` is taken, and the `X-RateLimit-*`, `RateLimit-Policy`, `RateLimit` and
 *   `X-Cache` headers wherever an answer may follow upstream calls.
 *
 * Routes keep declaring their problem statuses through `problemResponses`: Fastify serializes
 * problems with those schemas; only the document is rewritten here.
 */
import { followsUpstreamCalls, problemDescription, problemExamples, statusName } from '../schemas/responses.js'

type Json = Record<string, unknown>

const RATE_HEADER_NOTE =
  'Sent when the request used an upstream connection; when it used several, for the one with the least budget left.'

/** The shared headers, by component name, with the header name they stand for. */
const HEADERS = {
  XRequestId: {
    name: 'X-Request-Id',
    header: {
      description:
        'The request id: the caller’s own `X-Request-Id` when it is safe to echo, otherwise one made here. Quote it when reporting a problem.',
      required: true,
      schema: { type: 'string', examples: ['req-5f0c2a'] },
    },
  },
  Location: {
    name: 'Location',
    header: {
      description: 'The path of the created resource.',
      required: true,
      schema: { type: 'string', examples: ['/v1/messages/msg_WyJiYXRjaGJvb2siLCJiYXRjaGJvb2siLCI2OTUyMiJd'] },
    },
  },
  ETag: {
    name: 'ETag',
    header: {
      description:
        'A strong validator of this answer (with `Cache-Control: private`). Send it back as `If-None-Match` to get `304 Not Modified` while the answer is unchanged.',
      required: true,
      schema: { type: 'string', examples: ['"2jmj7l5rSw0yVb_vlWAYkK_YBwk"'] },
    },
  },
  XDataAge: {
    name: 'X-Data-Age',
    header: {
      description:
        'Seconds since the data of this answer was last known to match the upstream: the synced replica’s lag, or 0 when it was read from the upstream just now.',
      required: true,
      schema: { type: 'integer', minimum: 0, examples: [4] },
    },
  },
  AcceptedLocation: {
    name: 'Location',
    header: {
      description:
        'For a queued write, its operation (`/v1/operations/{id}`); for an accepted write still under way, where its record will be, when known.',
      schema: { type: 'string', examples: ['/v1/operations/op_Qm1v3q2Xb9Lr0aTq'] },
    },
  },
  PreferenceApplied: {
    name: 'Preference-Applied',
    header: {
      description:
        'The `Prefer` preference the answer applied (RFC 7240): `respond-async`, or `wait=N` when a wait ran out.',
      schema: { type: 'string', examples: ['respond-async'] },
    },
  },
  RetryAfter: {
    name: 'Retry-After',
    header: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1, examples: [2] } },
  },
  Allow: {
    name: 'Allow',
    header: {
      description: 'The methods the resource supports (for this source), comma-separated; empty when none.',
      required: true,
      schema: { type: 'string', examples: ['GET, HEAD, POST'] },
    },
  },
  XRateLimitLimit: {
    name: 'X-RateLimit-Limit',
    header: {
      description: `Upstream requests the connection allows per window. ${RATE_HEADER_NOTE}`,
      schema: { type: 'integer', minimum: 0, examples: [200] },
    },
  },
  XRateLimitRemaining: {
    name: 'X-RateLimit-Remaining',
    header: {
      description: `Upstream requests left in the current window. ${RATE_HEADER_NOTE}`,
      schema: { type: 'integer', minimum: 0, examples: [187] },
    },
  },
  XRateLimitReset: {
    name: 'X-RateLimit-Reset',
    header: {
      description: `When a request taken now is back in the budget, in epoch seconds. ${RATE_HEADER_NOTE}`,
      schema: { type: 'integer', minimum: 0, examples: [1767225600] },
    },
  },
  XRateLimitResource: {
    name: 'X-RateLimit-Resource',
    header: {
      description: `The connection the other \`X-RateLimit-*\` headers are for. ${RATE_HEADER_NOTE}`,
      schema: { type: 'string', examples: ['snappy'] },
    },
  },
  RateLimitPolicy: {
    name: 'RateLimit-Policy',
    header: {
      description:
        'The rate limit of each upstream connection the request used, one policy per connection named after it, as draft-ietf-httpapi-ratelimit-headers says: `q` calls per window of `w` seconds.',
      schema: { type: 'string', examples: ['"batchbook";q=1;w=1, "snappy";q=200;w=60'] },
    },
  },
  RateLimit: {
    name: 'RateLimit',
    header: {
      description:
        'For each policy of `RateLimit-Policy`: `r` calls left in the current window and `t` seconds until the budget is back (draft-ietf-httpapi-ratelimit-headers).',
      schema: { type: 'string', examples: ['"batchbook";r=0;t=1, "snappy";r=187;t=12'] },
    },
  },
  XCache: {
    name: 'X-Cache',
    header: {
      description:
        'How the answer’s upstream reads were served: `HIT` (all from the read cache), `MISS` (from the upstream), `STALE` (a cached answer past its freshness, the upstream failing). The worst of them when there were several.',
      schema: { type: 'string', enum: ['HIT', 'MISS', 'STALE'] },
    },
  },
  IdempotentReplayed: {
    name: 'Idempotent-Replayed',
    header: {
      description:
        '`true` when this is the kept answer of an earlier request with the same `Idempotency-Key`: nothing was written again.',
      schema: { type: 'string', enum: ['true'] },
    },
  },
} as const

type HeaderName = keyof typeof HEADERS

const RATE_HEADERS: HeaderName[] = [
  'XRateLimitLimit',
  'XRateLimitRemaining',
  'XRateLimitReset',
  'XRateLimitResource',
  'RateLimitPolicy',
  'RateLimit',
  'XCache',
]
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
const PROBLEM_MEDIA = 'application/problem+json'
const ACCEPTED = 'Accepted'

function headerRefs(names: HeaderName[], used: Set<HeaderName>): Json {
  const out: Json = {}
  for (const name of names) {
    used.add(name)
    out[HEADERS[name].name] = { $ref: `#/components/headers/${name}` }
  }
  return out
}

/** The shared problem response of one status. */
function problemResponse(status: number, used: Set<HeaderName>): Json {
  const names: HeaderName[] = ['XRequestId']
  if (status === 405) names.push('Allow')
  if (status === 429 || status === 503) names.push('RetryAfter')
  if (followsUpstreamCalls(status)) names.push(...RATE_HEADERS)
  return {
    description: problemDescription(status),
    headers: headerRefs(names, used),
    content: {
      [PROBLEM_MEDIA]: { schema: { $ref: '#/components/schemas/Problem' }, examples: problemExamples(status) },
    },
  }
}

function isProblem(response: Json): boolean {
  return typeof response.content === 'object' && response.content !== null && PROBLEM_MEDIA in response.content
}

function isWriteAccepted(status: string, response: Json): boolean {
  const schema = (response.content as Record<string, { schema?: { $ref?: string } }> | undefined)?.['application/json']
    ?.schema
  return status === '202' && schema?.$ref === `#/components/schemas/${ACCEPTED}`
}

/** The reads the synced replica may answer: they say how fresh they are (src/records/). */
const REPLICA_READS = new Set([
  'listMessages',
  'getMessage',
  'listConversations',
  'getConversation',
  'listConversationMessages',
  'listAccounts',
  'listMailboxes',
  'listStaff',
])

/** The headers of a non-problem answer. */
function successHeaders(
  status: string,
  method: string,
  response: Json,
  callsUpstream: boolean,
  operationId: unknown,
  idempotent: boolean,
): HeaderName[] {
  const names: HeaderName[] = ['XRequestId']
  if (status === '200' && REPLICA_READS.has(operationId as string)) names.push('XDataAge')
  if (status === '201') names.push('Location')
  const media = Object.keys((response.content as Json | undefined) ?? {})
  // Streamed bodies (files) carry no ETag: only a body the gateway holds whole is hashed.
  if (method === 'get' && status === '200' && media.some((m) => m === 'application/json' || m === 'text/plain'))
    names.push('ETag')
  if (callsUpstream) names.push(...RATE_HEADERS)
  if (idempotent) names.push('IdempotentReplayed')
  return names
}

/** Whether an operation takes an `Idempotency-Key` (then a repeat's answer says it was replayed). */
function takesIdempotencyKey(operation: Json): boolean {
  const parameters = (operation.parameters ?? []) as Array<{ in?: string; name?: string }>
  return parameters.some((p) => p.in === 'header' && p.name?.toLowerCase() === 'idempotency-key')
}

export function shareResponses<T extends Json>(document: T): T {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>
  const used = new Set<HeaderName>()
  const problems = new Map<number, Json>()
  let writeAccepted: Json | undefined
  for (const item of Object.values(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue
      const responses = (operation.responses ?? {}) as Record<string, Json>
      // An operation that can answer an upstream failure makes upstream calls.
      const callsUpstream = '502' in responses || '504' in responses
      for (const [status, response] of Object.entries(responses)) {
        const code = Number(status)
        // Already shared (the document is completed once; this keeps a second pass harmless).
        if ('$ref' in response) continue
        if (code >= 400 && isProblem(response)) {
          if (!problems.has(code)) problems.set(code, problemResponse(code, used))
          responses[status] = { $ref: `#/components/responses/${statusName(code)}` }
        } else if (isWriteAccepted(status, response)) {
          writeAccepted ??= {
            ...response,
            headers: headerRefs(
              ['XRequestId', 'AcceptedLocation', 'PreferenceApplied', 'IdempotentReplayed', ...RATE_HEADERS],
              used,
            ),
          }
          responses[status] = { $ref: `#/components/responses/${ACCEPTED}` }
        } else {
          response.headers = {
            ...headerRefs(
              successHeaders(
                status,
                method,
                response,
                callsUpstream,
                operation.operationId,
                takesIdempotencyKey(operation),
              ),
              used,
            ),
            ...(response.headers as Json | undefined),
          }
        }
      }
    }
  }

  const components = ((document as Json).components ??= {}) as Json
  const shared: Json = { ...(components.responses as Json | undefined) }
  for (const status of [...problems.keys()].sort((a, b) => a - b)) shared[statusName(status)] = problems.get(status)
  if (writeAccepted !== undefined) shared[ACCEPTED] = writeAccepted
  components.responses = shared
  const headers: Json = { ...(components.headers as Json | undefined) }
  for (const name of Object.keys(HEADERS) as HeaderName[]) if (used.has(name)) headers[name] = HEADERS[name].header
  components.headers = headers
  return document
}
