/**
 * Request validation with two Ajv configurations: query strings, path parameters and headers
 * arrive as text and are coerced to their schema's types (`?limit=5` is a number, a repeated
 * parameter an array), while JSON bodies are taken as sent: `"tags": "vip"` is not a list and
 * `"5"` is not a number there.
 */
import AjvCompiler from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

type ValidatorFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>
type ExternalSchemas = Parameters<AjvCompiler.BuildCompilerFromPool>[0]
interface AjvServerOptions {
  customOptions?: Record<string, unknown>
  plugins?: unknown[]
}

const COMMON = { useDefaults: true, removeAdditional: false, discriminator: true } as const

function buildValidator(externalSchemas: ExternalSchemas, ajvOptions?: AjvServerOptions) {
  const factory = AjvCompiler()
  const custom = ajvOptions?.customOptions ?? {}
  const plugins = (ajvOptions?.plugins ?? []) as never
  const textual = factory(externalSchemas, { customOptions: { ...custom, ...COMMON, coerceTypes: 'array' }, plugins })
  const json = factory(externalSchemas, { customOptions: { ...custom, ...COMMON, coerceTypes: false }, plugins })
  // Fastify calls the compiler with the route's schema and the part of the request it is for.
  return (route: AjvCompiler.RouteDefinition) => (route.httpPart === 'body' ? json : textual)(route as never)
}

export const schemaController: NonNullable<FastifyServerOptions['schemaController']> = {
  // The factory's declared type describes Fastify's default compiler; ours keeps its contract.
  compilersFactory: { buildValidator: buildValidator as unknown as ValidatorFactory },
}
