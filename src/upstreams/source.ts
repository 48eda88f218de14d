/** The upstream systems Switchboard speaks to. */
export const SOURCE_KINDS = ['batchbook', 'snappy'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]
