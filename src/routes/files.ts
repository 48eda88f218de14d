/**
 * Hands a streamed upstream answer to the client with Snappy's content type, length and
 * file name. The bytes are piped, never gathered; if the client goes away, Fastify destroys
 * the stream and with it the upstream request.
 */
import type { FastifyReply } from 'fastify'
import type { StreamedResponse } from '../upstreams/transport.js'

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"\r\n]*"|[\w.+-]+))*$/

export function sendUpstreamFile(reply: FastifyReply, res: StreamedResponse): FastifyReply {
  const type = single(res.headers['content-type'])
  reply.type(type !== undefined && MEDIA_TYPE.test(type) ? type : 'application/octet-stream')
  const length = single(res.headers['content-length'])
  if (length !== undefined && /^\d{1,15}$/.test(length)) reply.header('content-length', length)
  const disposition = single(res.headers['content-disposition'])
  // Passed on only when it cannot smuggle anything into our headers.
  if (disposition !== undefined && /^[\x20-\x7e]{1,1000}$/.test(disposition))
    reply.header('content-disposition', disposition)
  reply.header('cache-control', 'private')
  reply.header('x-content-type-options', 'nosniff')
  return reply.send(res.body)
}
