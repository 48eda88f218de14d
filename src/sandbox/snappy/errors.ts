/**
 * Error answers in the style of the PHP (Laravel) service: HTML pages for missing records
 * and routes, and for validation failures a 422 JSON object mapping each field to its
 * messages (`{"mailbox_id": ["The mailbox id field is required."]}`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'

export class NotFoundError extends Error {
  constructor(what = 'record') {
    super(`${what} not found`)
  }
}

export class ValidationError extends Error {
  readonly fields: Record<string, string[]>

  constructor(fields: Record<string, string[]>) {
    super(`invalid ${Object.keys(fields).join(', ')}`)
    this.fields = fields
  }

  static single(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] })
  }
}

export const HTML = 'text/html; charset=UTF-8'

function page(title: string, message: string): string {
  return (
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="UTF-8">\n' +
    `<title>${title}</title>\n</head>\n<body>\n<div class="container">\n` +
    `<div class="title">${message}</div>\n</div>\n</body>\n</html>\n`
  )
}

function sendNotFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type(HTML).send(page('Not Found', 'Sorry, the page you are looking for could not be found.'))
}

export function sendUnauthorized(reply: FastifyReply): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Basic').type(HTML).send('Invalid credentials.')
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => sendNotFound(reply))
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof NotFoundError) return sendNotFound(reply)
    if (error instanceof ValidationError) return reply.code(422).type('application/json').send(error.fields)
    const status = (error as { statusCode?: unknown }).statusCode
    // A body that cannot be parsed reads, to a Laravel app, as a body missing its fields.
    if (status === 400 && String((error as { code?: unknown }).code).startsWith('FST_ERR_CTP')) {
      return reply
        .code(422)
        .type('application/json')
        .send({ body: ['The request body could not be parsed.'] })
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply
        .code(status)
        .type(HTML)
        .send(page('Error', error instanceof Error ? escape(error.message) : 'Error'))
    }
    return reply.code(500).type(HTML).send(page('Error', 'Whoops, looks like something went wrong.'))
  })
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
