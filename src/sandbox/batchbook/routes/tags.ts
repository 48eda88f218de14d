/**
 * Tagging a communication. The body names the tags in one of three documented forms:
 * `<tag>awesome</tag>`, `<tags>a,b</tags>` or `<tags type="array"><tag>a</tag>…</tags>`.
 * Form or query parameters `tag` / `tags` (comma-separated) are read the same way.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BATCHBOOK_PATHS } from '../../../upstreams/batchbook/wire.js'
import { childList, type RequestBody, textOf, type XmlValue } from '../body.js'
import { unprocessable } from '../errors.js'
import { bodyOf, idParam, paramOf, type RouteContext, sendNotFound, sendOk } from '../http.js'

/** One `<tag>`: its text, or (as some pages show) its `name` attribute or `<name>` child. */
function tagName(value: XmlValue): string {
  if (typeof value === 'object' && !Array.isArray(value)) {
    const attr = value['@_name']
    if (typeof attr === 'string') return attr
    if (value.name !== undefined) return textOf(value.name) ?? ''
  }
  return textOf(value) ?? ''
}

const splitList = (text: string) => text.split(',')

function tagNames(request: FastifyRequest, body: RequestBody): string[] {
  let names: string[] = []
  if (body.kind === 'xml') {
    if (body.root === 'tag') names = [tagName(body.content)]
    else if (body.root === 'tags') {
      const items = childList(body.content, 'tag')
      names = items.length > 0 ? items.map(tagName) : splitList(textOf(body.content) ?? '')
    } else throw unprocessable(`Expected a <tag> or <tags> document, got <${body.root}>`)
  } else {
    const single = paramOf(request, body, 'tag')
    const list = paramOf(request, body, 'tags')
    if (single !== undefined) names.push(single)
    if (list !== undefined) names.push(...splitList(list))
  }
  names = names.map((n) => n.trim()).filter((n) => n !== '')
  if (names.length === 0) throw unprocessable("Tag can't be blank")
  return names
}

export function tagRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.put<{ Params: { id: string } }>(BATCHBOOK_PATHS.addTag.pattern, async (request, reply) => {
    const id = idParam(request.params.id)
    if (store.getCommunication(id) === undefined) return sendNotFound(reply)
    store.addTags(id, tagNames(request, bodyOf(request)))
    return sendOk(reply)
  })

  // Removing a tag the record does not carry is a no-op that still answers 200.
  app.delete<{ Params: { id: string } }>(BATCHBOOK_PATHS.removeTag.pattern, async (request, reply) => {
    const id = idParam(request.params.id)
    if (store.getCommunication(id) === undefined) return sendNotFound(reply)
    store.removeTags(id, tagNames(request, bodyOf(request)))
    return sendOk(reply)
  })
}
