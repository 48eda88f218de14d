/**
 * Request validation with two Ajv configurations: query strings, path parameters and headers
 * arrive as text and are coerced to their schema's types (`?limit=5` is a number, a repeated
 * parameter an array), while JSON bodies are taken as sent: `"tags": "vip"` is not a list and
 * `"5"` is not a number there.
 *
 * Ajv coerces text to a number as JavaScript's `+text` does, which also takes `1e3`, `0x10`,
 * ` 5`, `5.0` and `1e309` (Infinity, which then passes `integer` and `maximum`). An integer
 * in text is therefore first checked to be plain decimal digits.
 */
import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>
type ExternalSchemas = Parameters<AjvCompiler.BuildCompilerFromPool>[0]
interface AjvServerOptions {
  customOptions?: Record<string, unknown>
  plugins?: unknown[]
}

// `allErrors` and `verbose`: every problem of a request, with the schema it broke, so that each
// field can be named in plain words (validation-messages.ts). They cost only on a failure.
const COMMON = {
  useDefaults: true,
  removeAdditional: false,
  discriminator: true,
  allErrors: true,
  verbose: true,
} as const

function buildValidator(externalSchemas: ExternalSchemas, ajvOptions?: AjvServerOptions) {
  const factory = AjvCompiler()
  const custom = ajvOptions?.customOptions ?? {}
  const plugins = (ajvOptions?.plugins ?? []) as never
  const textual = factory(externalSchemas, { customOptions: { ...custom, ...COMMON, coerceTypes: 'array' }, plugins })
  const json = factory(externalSchemas, { customOptions: { ...custom, ...COMMON, coerceTypes: false }, plugins })
  // Fastify calls the compiler with the route's schema and the part of the request it is for.
  return (route: AjvCompiler.RouteDefinition) => {
    if (route.httpPart === 'body') return json(route as never)
    return digitsFirst(textual(route as never) as unknown as Validator, integerProperties(route.schema))
  }
}

const DIGITS = /^[0-9]+$/

interface ValidationError {
  instancePath: string
  schemaPath: string
  keyword: string
  params: Record<string, unknown>
  message: string
}

interface Validator {
  (data: unknown, context?: unknown): boolean
  errors?: ValidationError[] | null
  schemaEnv?: unknown
}

/** Top-level properties typed `integer`, or lists of them (a repeated parameter). */
function integerProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown; items?: { type?: unknown } }> } | null)
    ?.properties
  if (properties === undefined) return []
  const isInteger = (type: unknown) => type === 'integer' || (Array.isArray(type) && type.includes('integer'))
  return Object.entries(properties)
    .filter(
      ([, property]) => isInteger(property.type) || (property.type === 'array' && isInteger(property.items?.type)),
    )
    .map(([name]) => name)
}

function digitsFirst(validate: Validator, names: string[]): Validator {
  if (names.length === 0) return validate
  const checked: Validator = (data, context) => {
    const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {}
    for (const name of names) {
      const value = record[name]
      const values = Array.isArray(value) ? value : [value]
      if (values.some((v) => typeof v === 'string' && !DIGITS.test(v))) {
        checked.errors = [
          {
            instancePath: `/${name}`,
            schemaPath: `#/properties/${name}/type`,
            keyword: 'type',
            params: { type: 'integer' },
            message: 'must be an integer in decimal digits',
          },
        ]
        return false
      }
    }
    const valid = validate(data, context)
    checked.errors = validate.errors ?? null
    return valid
  }
  // Fastify hands Ajv the request as parent data only when it sees an Ajv validator.
  if (validate.schemaEnv !== undefined) checked.schemaEnv = validate.schemaEnv
  return checked
}

export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  // The factory's declared type describes Fastify's default compiler; ours keeps its contract.
  compilersFactory: { buildValidator: buildValidator as unknown as ValidatorFactory },
}
