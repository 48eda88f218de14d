/**
 * Work of several upstream calls that identical requests in flight together share: the first
 * does it, the others wait for its result and spend no budget of their own (the engine shares
 * single calls the same way; this is for reads made of more than one call).
 */
export class InFlight<T> {
  readonly #pending = new Map<string, Promise<T>>()

  share(key: string, work: () => Promise<T>): Promise<T> {
    const joined = this.#pending.get(key)
    if (joined !== undefined) return joined
    const started = work().finally(() => this.#pending.delete(key))
    this.#pending.set(key, started)
    return started
  }
}
