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

/**
 * A string that is one of `values`, as one JSON Schema `enum` rather than an `anyOf` of one-value
 * constants (what `Type.Union` of `Type.Literal`s gives): generated clients get an enum, and a
 * validation error lists the allowed values.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number]; examples?: T[number][] } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * `nextCursor` of a list that always comes in one page. Every list answers `{ data, nextCursor }`,
 * so a client pages them all the same way.
 */
export const wholeListCursor = () =>
  Nullable(Type.String({ description: 'Always null: the whole list is in this page.' }))
