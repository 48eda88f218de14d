/**
 * BatchBook paths, built only from ids that are checked to be decimal numbers, so nothing a
 * client sends can change which upstream path or host a call goes to.
 */
import { ProblemError } from '../../errors.js'

const NUMERIC = /^[1-9]\d{0,17}$/

/** Checks an upstream id taken from an opaque id; a malformed one is a 400 before any call. */
export function numericId(value: string | undefined, what: string): string {
  if (value === undefined || !NUMERIC.test(value)) throw new ProblemError('invalid_id', `The ${what} id is not a BatchBook id`)
  return value
}

export const paths = {
  communications: '/service/communications.xml',
  communication: (id: string) => `/service/communications/${id}.xml`,
  participants: (id: string) => `/service/communications/${id}/participants.xml`,
  addParticipant: (id: string) => `/service/communications/${id}/add_participant.xml`,
  removeParticipant: (id: string) => `/service/communications/${id}/remove_participant.xml`,
  addTag: (id: string) => `/service/communications/${id}/add_tag.xml`,
  removeTag: (id: string) => `/service/communications/${id}/remove_tag.xml`,
  comments: (id: string) => `/service/communications/${id}/comments.xml`,
  comment: (commentId: string) => `/service/comments/${commentId}.xml`,
}

const CREATED_COMMUNICATION = /\/service\/communications\/([1-9]\d{0,17})\.xml$/
const CREATED_COMMENT = /\/service\/comments\/([1-9]\d{0,17})\.xml$/

/**
 * The id of a created record, read from the `Location` of a 201. Only the path's id is used:
 * the record is read back from our configured origin, never from wherever Location points.
 */
export function createdId(location: string | string[] | undefined, kind: 'communication' | 'comment'): string | null {
  const value = Array.isArray(location) ? location[0] : location
  if (value === undefined) return null
  let path: string
  try {
    path = new URL(value, 'http://relative.invalid').pathname
  } catch {
    return null
  }
  return (kind === 'communication' ? CREATED_COMMUNICATION : CREATED_COMMENT).exec(path)?.[1] ?? null
}
