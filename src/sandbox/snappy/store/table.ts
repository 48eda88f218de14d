/**
 * One in-memory table keyed by numeric id. Ids are handed out from a starting point that
 * resembles the live service's ranges; rows inserted with an explicit id push the counter
 * past it so later rows never collide.
 */
export class Table<T extends { id: number }> {
  readonly #rows = new Map<number, T>()
  #next: number

  constructor(firstId: number) {
    this.#next = firstId
  }

  /** The id the next row gets unless it brings its own. */
  takeId(explicit?: number): number {
    if (explicit === undefined) return this.#next++
    if (!Number.isSafeInteger(explicit) || explicit < 1) throw new RangeError(`invalid id ${explicit}`)
    if (this.#rows.has(explicit)) throw new Error(`id ${explicit} already exists`)
    if (explicit >= this.#next) this.#next = explicit + 1
    return explicit
  }

  insert(row: T): T {
    if (this.#rows.has(row.id)) throw new Error(`id ${row.id} already exists`)
    if (row.id >= this.#next) this.#next = row.id + 1
    this.#rows.set(row.id, row)
    return row
  }

  get(id: number): T | undefined {
    return this.#rows.get(id)
  }

  delete(id: number): boolean {
    return this.#rows.delete(id)
  }

  /** Rows in insertion order. */
  all(): T[] {
    return [...this.#rows.values()]
  }

  filter(predicate: (row: T) => boolean): T[] {
    const out: T[] = []
    for (const row of this.#rows.values()) if (predicate(row)) out.push(row)
    return out
  }

  find(predicate: (row: T) => boolean): T | undefined {
    for (const row of this.#rows.values()) if (predicate(row)) return row
    return undefined
  }

  get size(): number {
    return this.#rows.size
  }
}
