import { Type, type Static, type TSchema } from 'typebox'

/**
 * A `$ref` to a schema registered with `addSchema`, typed as the schema itself, so routes
 * get inference while the OpenAPI document shows one named component.
 */
export function ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: string }).$id
  if (id === undefined) throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` })
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
