/** Turns the query string of `GET /service/communications.xml` into a store query. */
import type { FastifyRequest } from 'fastify'
import { BATCHBOOK_PAGE_SIZE, parseBatchBookTime } from '../../upstreams/batchbook/wire.js'
import { unprocessable } from './errors.js'
import { queryValue } from './http.js'
import { normalizeCtype } from './model.js'
import type { CommunicationQuery } from './store.js'

/** Documented defaults: offset 0, limit BATCHBOOK_PAGE_SIZE. No maximum is documented, so any limit asked for is honoured. */
const DEFAULT_OFFSET = 0

const TIME_FILTERS = [
  ['updated_since', 'updatedSince', 'Updated since'],
  ['updated_before', 'updatedBefore', 'Updated before'],
  ['created_since', 'createdSince', 'Created since'],
  ['created_before', 'createdBefore', 'Created before'],
] as const

/**
 * Reads paging and search parameters; every invalid one is reported (422) rather than
 * silently ignored, so a client that sends a wrong date form notices. Empty values count as
 * absent, as Rails' `params[:x].blank?` checks treat them.
 */
export function communicationQuery(request: FastifyRequest): CommunicationQuery {
  const errors: string[] = []
  const value = (name: string) => {
    const text = queryValue(request, name)?.trim()
    return text === '' ? undefined : text
  }
  const count = (name: string, fallback: number) => {
    const text = value(name)
    if (text === undefined) return fallback
    if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text)
    errors.push(`${name[0]?.toUpperCase()}${name.slice(1)} must be a non-negative integer`)
    return fallback
  }

  const query: CommunicationQuery = {
    offset: count('offset', DEFAULT_OFFSET),
    limit: count('limit', BATCHBOOK_PAGE_SIZE),
  }

  const ctype = value('ctype')
  if (ctype !== undefined) {
    const normalized = normalizeCtype(ctype)
    if (normalized === null) errors.push('Ctype is not included in the list (email, note, phone, chat)')
    else query.ctype = normalized
  }

  const contactId = value('contact_id')
  if (contactId !== undefined) {
    if (/^\d+$/.test(contactId)) query.contactId = Number(contactId)
    else errors.push('Contact id must be an integer')
  }

  for (const [param, key, label] of TIME_FILTERS) {
    const text = value(param)
    if (text === undefined) continue
    const time = parseBatchBookTime(text)
    if (time === null) errors.push(`${label} is not a valid time (expected e.g. Jul 01 13:37:38 UTC 2010)`)
    else query[key] = time
  }

  if (errors.length > 0) throw unprocessable(...errors)
  return query
}
