/**
 * One response serializer per distinct response schema. Fastify compiles a serializer per
 * route, status and media type, and each compilation re-reads every shared schema; with dozens
 * of routes answering the same `Problem` and list schemas, start-up went to compiling identical
 * serializers over and over (seconds of a blocked event loop). Same schema, same serializer.
 */
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { FastifyInstance } from 'fastify'

type Serializer = SerializerSelector.Serializer

const factory = SerializerSelector()

/** Call on the root instance once the shared schemas are added and before any route. */
export function shareSerializers(app: FastifyInstance): void {
  let compile: SerializerSelector.SerializerCompiler | undefined
  const bySchema = new Map<string, Serializer>()
  app.setSerializerCompiler((route) => {
    // Compiled on first use, when every shared schema is known.
    compile ??= factory(app.getSchemas())
    const key = JSON.stringify(route.schema)
    let serializer = bySchema.get(key)
    if (serializer === undefined) {
      serializer = compile({
        method: route.method,
        url: route.url,
        httpStatus: route.httpStatus ?? '',
        schema: route.schema,
      })
      bySchema.set(key, serializer)
    }
    return serializer
  })
}
