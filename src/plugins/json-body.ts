/**
 * JSON request bodies are read as UTF-8, the only encoding JSON is exchanged in (RFC 8259):
 * a body that declares another charset (`application/json; charset=utf-16`) is refused with
 * `415` rather than read as if it were UTF-8. Parsing itself stays Fastify's own (prototype
 * poisoning refused).
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { unsupportedMediaType } from '../errors.js'

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i
const UTF8 = /^utf-?8$/i

async function jsonBody(app: FastifyInstance): Promise<void> {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]
    if (charset !== undefined && !UTF8.test(charset)) {
      done(
        unsupportedMediaType(
          `A JSON body is read as UTF-8; this one says charset=${charset.slice(0, 40)}: send it as UTF-8`,
        ),
        undefined,
      )
      return
    }
    parse(request, body as string, done)
  })
}

export default fp(jsonBody, { name: 'json-body' })
