/**
 * `/status`: the operator page (see page.ts). The page and its files are public (they hold no
 * data); what they show comes from `/v1/sources` with the operator's API key, so a key sees
 * the connections it may use. Served under a strict Content-Security-Policy: only this
 * gateway's own script, style and API.
 */
import type { FastifyInstance } from 'fastify'
import { ICON_SVG } from '../../brand.js'
import { STATUS_CSS, STATUS_HTML, STATUS_JS } from './page.js'

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const FILES = [
  { path: '/status', type: 'text/html; charset=utf-8', body: STATUS_HTML },
  { path: '/status/status.js', type: 'text/javascript; charset=utf-8', body: STATUS_JS },
  { path: '/status/status.css', type: 'text/css; charset=utf-8', body: STATUS_CSS },
  { path: '/status/icon.svg', type: 'image/svg+xml', body: ICON_SVG },
]

export default async function statusRoutes(app: FastifyInstance): Promise<void> {
  for (const file of FILES) {
    app.get(file.path, { schema: { hide: true }, config: { public: true } }, async (_request, reply) =>
      reply
        .type(file.type)
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-cache')
        .send(file.body),
    )
  }
}
