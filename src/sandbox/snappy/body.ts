/**
 * Reading request fields the way a Laravel controller does: JSON and form bodies look the
 * same, numbers may arrive as strings, and list fields may arrive as a real list or as a
 * JSON-encoded string (the PHP SDK sends `tags` that way). Failures collect per field and
 * end as one 422 with Laravel's messages.
 */
import type { FastifyRequest } from 'fastify'
import { ValidationError } from './errors.js'

export type Body = Record<string, unknown>

export function bodyOf(request: FastifyRequest): Body {
  const body = request.body
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {}
}

/** "mailbox_id" → "mailbox id", as Laravel names attributes in messages. */
function label(field: string): string {
  return field.replace(/_/g, ' ')
}

export class Fields {
  readonly errors: Record<string, string[]> = {}
  readonly #body: Body

  constructor(body: Body) {
    this.#body = body
  }

  has(field: string): boolean {
    const value = this.#body[field]
    return value !== undefined && value !== null && value !== ''
  }

  raw(field: string): unknown {
    return this.#body[field]
  }

  fail(field: string, message: string): void {
    ;(this.errors[field] ??= []).push(message)
  }

  required(field: string): void {
    this.fail(field, `The ${label(field)} field is required.`)
  }

  invalid(field: string): void {
    this.fail(field, `The selected ${label(field)} is invalid.`)
  }

  string(field: string, options: { required?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    const value = this.#body[field]
    if (
      value === undefined ||
      value === null ||
      (options.nonEmpty === true && typeof value === 'string' && value.trim() === '')
    ) {
      if (options.required === true) this.required(field)
      return undefined
    }
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    this.fail(field, `The ${label(field)} must be a string.`)
    return undefined
  }

  integer(field: string, options: { required?: boolean } = {}): number | undefined {
    const value = this.#body[field]
    if (value === undefined || value === null || value === '') {
      if (options.required === true) this.required(field)
      return undefined
    }
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
    if (Number.isSafeInteger(number)) return number
    this.fail(field, `The ${label(field)} must be an integer.`)
    return undefined
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.string(field, { required: fallback === undefined, nonEmpty: true })
    if (value === undefined) return fallback
    if ((allowed as readonly string[]).includes(value)) return value as T
    this.invalid(field)
    return undefined
  }

  /** A list, or a string holding a JSON-encoded list. */
  list(field: string, options: { required?: boolean } = {}): unknown[] | undefined {
    let value = this.#body[field]
    if (value === undefined || value === null || value === '') {
      if (options.required === true) this.required(field)
      return undefined
    }
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value)
      } catch {
        value = undefined
      }
    }
    if (Array.isArray(value)) return value
    this.fail(field, `The ${label(field)} must be an array.`)
    return undefined
  }

  /** A list of non-empty strings (trimmed, duplicates dropped, order kept). */
  stringList(field: string, options: { required?: boolean } = {}): string[] | undefined {
    const list = this.list(field, options)
    if (list === undefined) return undefined
    if (!list.every((item) => typeof item === 'string' || typeof item === 'number')) {
      this.fail(field, `The ${label(field)} must be a list of strings.`)
      return undefined
    }
    return [...new Set(list.map((item) => String(item).trim()).filter((item) => item !== ''))]
  }

  /** Throws the collected failures as one 422. */
  check(): void {
    if (Object.keys(this.errors).length > 0) throw new ValidationError(this.errors)
  }
}
