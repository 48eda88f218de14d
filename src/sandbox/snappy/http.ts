/**
 * Request and response plumbing that makes Fastify answer like the PHP service: lenient body
 * parsing (an empty JSON body is no body; form bodies use PHP's bracket syntax; unknown
 * content types are ignored rather than refused) and `application/json` without a charset.
 */
import type { FastifyInstance } from 'fastify'
import { parsePhpForm } from './form.js'

export function installBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim()
    if (text === '') return done(null, {})
    try {
      done(null, JSON.parse(text))
    } catch {
      done(
        Object.assign(new Error('Body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }),
        undefined,
      )
    }
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parsePhpForm(body as string))
  })
  // Laravel reads what it understands and ignores the rest; a body it cannot read is no body.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined))
}

/** The live service sends `Content-Type: application/json` with no charset parameter. */
export function installJsonContentType(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config.simControl === true) return payload
    const type = reply.getHeader('content-type')
    if (typeof type === 'string' && type.startsWith('application/json'))
      reply.header('content-type', 'application/json')
    return payload
  })
}
