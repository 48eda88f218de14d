/**
 * What a records read gives a route: the record or page, and how old its data is. A read the
 * store served may come as the JSON it keeps (see `StoredMessage`): sent as it is, never parsed
 * and serialized again on the hot path.
 */
export interface Valued<T> {
  value: T
  /** Seconds since the data was last known to match the upstream (0: read just now). */
  dataAge: number
}

export type Answer<T> = Valued<T> | { json: string; dataAge: number }

/** An answer read from the upstream just now. */
export function upstreamAnswer<T>(value: T): Valued<T> {
  return { value, dataAge: 0 }
}
