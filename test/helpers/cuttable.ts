/** A store behind a link a test can cut, as Redis's is: every method then fails as Redis's would. */
export function cuttable<T extends object>(target: T) {
  let up = true
  const store = new Proxy(target, {
    get(object, name) {
      const value = Reflect.get(object, name) as unknown
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        up
          ? (value as (...a: unknown[]) => unknown).apply(object, args)
          : Promise.reject(new Error('Connection is closed.'))
    },
  })
  return { store, cut: () => (up = false), restore: () => (up = true) }
}
