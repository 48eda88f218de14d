/**
 * What a person reads when a request does not validate: each offending field, as a path into
 * the request (`body/kind`) and an RFC 6901 JSON pointer (`/body/kind`), with a plain sentence
 * and, for a field with a closed set of values, every value it takes. Ajv reports every
 * problem (`allErrors`), with the schema it checked (`verbose`); its own words ("must match
 * pattern …", "tag \"source\" must be string") stay out of the answer.
 */
import type { FieldError } from './errors.js'

/** The most field errors one answer lists; a body can break many rules at once. */
const MAX_ERRORS = 20
/** The most allowed values (or fields) one error lists. */
const MAX_ALLOWED = 50

/** An Ajv error, with `verbose`: the schema and the parent schema it was checked against. */
export interface AjvError {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
  schema?: unknown
  parentSchema?: Record<string, unknown>
}

/** Finds a shared schema by its `$ref` (`MessageInput#`), for a discriminator's members. */
export type SchemaLookup = (ref: string) => unknown

type Schema = Record<string, unknown>

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
}

const FORMAT_WORDS: Record<string, string> = {
  'date-time': 'a date and time in ISO 8601 with a zone (2026-11-27T10:15:02Z)',
  date: 'a date (2026-11-27)',
  uri: 'an absolute URL',
  email: 'an email address',
}

function joinPath(base: string, instancePath: string, child?: string): string {
  const inner = instancePath === '' ? [] : instancePath.slice(1).split('/').map(unescapePointer)
  return [base, ...inner, ...(child === undefined ? [] : [child])].join('/')
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~')
}

function bounded(values: unknown[]): string[] {
  return values.slice(0, MAX_ALLOWED).map(String)
}

function listed(values: string[]): string {
  return values.join(', ')
}

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type]
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ')
}

/** The values a discriminator's tag takes: each member's `const` (or `enum`) for it. */
function tagValues(schema: Schema | undefined, tag: string, lookup: SchemaLookup): string[] {
  const members = (schema?.oneOf ?? schema?.anyOf) as Schema[] | undefined
  const values: string[] = []
  for (const member of members ?? []) {
    const resolved = (typeof member.$ref === 'string' ? lookup(member.$ref) : member) as Schema | undefined
    const property = (resolved?.properties as Record<string, Schema> | undefined)?.[tag]
    if (property?.const !== undefined) values.push(String(property.const))
    else if (Array.isArray(property?.enum)) values.push(...property.enum.map(String))
  }
  return values
}

function described(schema: Schema | undefined): string {
  const description = typeof schema?.description === 'string' ? schema.description.trim() : ''
  return description === '' ? '' : ` (${description.replace(/\.$/, '')})`
}

/** One Ajv error in plain words, or null for one that only repeats others (`anyOf`, `if`). */
function fieldError(base: string, error: AjvError, lookup: SchemaLookup): FieldError | null {
  const { params, parentSchema } = error
  const at = (child?: string) => joinPath(base, error.instancePath, child)
  switch (error.keyword) {
    case 'required':
      return { path: at(String(params.missingProperty)), message: 'is required' }
    case 'additionalProperties': {
      const known = Object.keys((parentSchema?.properties as Schema | undefined) ?? {})
      return {
        path: at(String(params.additionalProperty)),
        message:
          known.length > 0 ? `is not a field here; the fields are ${listed(bounded(known))}` : 'is not a field here',
        allowed: bounded(known),
      }
    }
    case 'enum': {
      const allowed = bounded((params.allowedValues as unknown[] | undefined) ?? [])
      return { path: at(), message: `must be one of ${listed(allowed)}`, allowed }
    }
    case 'const':
      return { path: at(), message: `must be ${String(params.allowedValue)}`, allowed: bounded([params.allowedValue]) }
    case 'type':
      return { path: at(), message: `must be ${typeWords(params.type)}` }
    case 'discriminator': {
      const tag = String(params.tag)
      const allowed = bounded(tagValues(parentSchema, tag, lookup))
      const which = allowed.length > 0 ? `: ${listed(allowed)}` : ''
      return params.error === 'mapping'
        ? { path: at(tag), message: `must be one of the kinds this takes${which}`, allowed }
        : { path: at(tag), message: `is required, to say which kind this is${which}`, allowed }
    }
    case 'pattern':
      return { path: at(), message: `does not have the form this field takes${described(parentSchema)}` }
    case 'format':
      return {
        path: at(),
        message: `must be ${FORMAT_WORDS[String(params.format)] ?? `a valid ${String(params.format)}`}`,
      }
    case 'minLength':
      return { path: at(), message: `must be at least ${String(params.limit)} characters long` }
    case 'maxLength':
      return { path: at(), message: `must be at most ${String(params.limit)} characters long` }
    case 'minimum':
      return { path: at(), message: `must be ${String(params.limit)} or more` }
    case 'maximum':
      return { path: at(), message: `must be ${String(params.limit)} or less` }
    case 'exclusiveMinimum':
      return { path: at(), message: `must be more than ${String(params.limit)}` }
    case 'exclusiveMaximum':
      return { path: at(), message: `must be less than ${String(params.limit)}` }
    case 'minItems':
      return { path: at(), message: `must have at least ${String(params.limit)} items` }
    case 'maxItems':
      return { path: at(), message: `must have at most ${String(params.limit)} items` }
    case 'minProperties':
      return { path: at(), message: `must have at least ${String(params.limit)} fields` }
    case 'uniqueItems':
      return { path: at(), message: 'must not repeat an item' }
    case 'anyOf':
    case 'oneOf':
      return { path: at(), message: 'does not match any of the forms this field takes' }
    case 'if':
    case 'not':
      return null
    default:
      return { path: at(), message: error.message ?? 'is not valid' }
  }
}

/**
 * Each offending field of a request part (`body`, `querystring`, `params`, `headers`), in the
 * order Ajv found them, each path once, at most `MAX_ERRORS`. A wrapper's error (`anyOf`) is
 * left out where a field inside it says more.
 */
export function fieldErrors(part: string, errors: readonly AjvError[], lookup: SchemaLookup): FieldError[] {
  const out: FieldError[] = []
  const seen = new Set<string>()
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
  for (const error of errors) {
    if ((error.keyword === 'anyOf' || error.keyword === 'oneOf') && specific.length > 0) continue
    const field = fieldError(part, error, lookup)
    if (field === null) continue
    const key = `${field.path}\n${field.message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(field)
    if (out.length === MAX_ERRORS) break
  }
  return out
}
