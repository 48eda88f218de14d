/**
 * An upstream path defined once, as a route pattern in Fastify's (find-my-way) syntax:
 * `:name` parameters, optionally constrained as `:name(regex)`. The sandbox's simulators
 * register `pattern`; the gateway's clients call `path()` with the parameters filled in.
 * Each upstream's table of them lives in its `wire.ts`.
 */

/** The names of a pattern's parameters: `'/a/:id(^\\d+)/b/:cid.xml'` → `'id' | 'cid'`. */
type PatternParams<P extends string> = P extends `${string}:${infer Rest}`
  ? ParamName<Rest> | PatternParams<Rest>
  : never
type ParamName<S extends string> = S extends `${infer Name}/${string}` ? NameOnly<Name> : NameOnly<S>
type NameOnly<S extends string> = S extends `${infer Name}(${string}`
  ? Name
  : S extends `${infer Name}.${string}`
    ? Name
    : S

type PathArgs<P extends string> = [PatternParams<P>] extends [never]
  ? []
  : [params: Readonly<Record<PatternParams<P>, string | number>>]

export interface UpstreamRoute<P extends string> {
  readonly pattern: P
  /**
   * The path with every parameter replaced by its value as given: callers pass ids they have
   * checked (and encoded where needed), as the values are not checked here.
   */
  path(...params: PathArgs<P>): string
}

const PARAM = /:([A-Za-z_]\w*)(?:\([^)]*\))?/g

export function route<P extends string>(pattern: P): UpstreamRoute<P> {
  const path = (params?: Readonly<Record<string, string | number>>): string =>
    pattern.replace(PARAM, (_param, name: string) => {
      const value = params?.[name]
      if (value === undefined) throw new RangeError(`the path ${pattern} needs :${name}`)
      return String(value)
    })
  return Object.freeze({ pattern, path }) as UpstreamRoute<P>
}
