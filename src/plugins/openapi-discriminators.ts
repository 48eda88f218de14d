/**
 * Completes `discriminator` objects in the OpenAPI document with their `mapping`. Request
 * validation (Ajv) reads the discriminating values from each member's literal and refuses a
 * `mapping`; client generators need the mapping, or they take each member's schema name as
 * its value. So the document alone gets it, derived from the same literals.
 */
type Json = Record<string, unknown>

const REF_PREFIX = '#/components/schemas/'

export function addDiscriminatorMappings<T extends Json>(document: T): T {
  const schemas = ((document.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return
    if (Array.isArray(node)) {
      node.forEach(visit)
      return
    }
    const object = node as Json
    const discriminator = object.discriminator as
      { propertyName?: string; mapping?: Record<string, string> } | undefined
    const members = (object.oneOf ?? object.anyOf) as Array<{ $ref?: string }> | undefined
    if (discriminator?.propertyName !== undefined && discriminator.mapping === undefined && Array.isArray(members)) {
      const mapping: Record<string, string> = {}
      let mapped = 0
      for (const member of members) {
        const name = member.$ref?.startsWith(REF_PREFIX) === true ? member.$ref.slice(REF_PREFIX.length) : undefined
        const property: Json | undefined =
          name === undefined
            ? undefined
            : (schemas[name]?.properties as Record<string, Json> | undefined)?.[discriminator.propertyName]
        // The document generator writes a TypeBox literal's `const` as a one-value `enum`; a
        // member may also stand for several values (an event kind's `type`s).
        const values =
          property?.const !== undefined ? [property.const] : Array.isArray(property?.enum) ? property.enum : []
        for (const value of values)
          if (typeof value === 'string' && member.$ref !== undefined) mapping[value] = member.$ref
        if (values.length > 0) mapped++
      }
      if (mapped === members.length) discriminator.mapping = mapping
    }
    for (const value of Object.values(object)) visit(value)
  }
  visit(document)
  return document
}
