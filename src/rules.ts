/**
 * The patterns and limits several layers check, each defined once: connection names, upstream
 * numeric ids, Snappy ticket nonces, page sizes.
 */

/** A connection name (configuration, ids, cursors, query fields). */
export const CONNECTION_NAME_SOURCE = '^[a-z][a-z0-9_-]{0,31}$'
/** A comma-separated list of up to twenty event types (`message.created,conversation.updated`). */
export const EVENT_TYPES_SOURCE = '^[a-z_]+\\.[a-z_]+(,[a-z_]+\\.[a-z_]+){0,19}$'
export const CONNECTION_NAME = new RegExp(CONNECTION_NAME_SOURCE)

/** An upstream numeric id: digits only, short enough to stay a safe integer on either side. */
const NUMERIC_ID_SOURCE = '^\\d{1,18}$'
export const NUMERIC_ID = new RegExp(NUMERIC_ID_SOURCE)

/** A Snappy ticket nonce: 16 lower-case letters and digits (recorded traffic). */
export const NONCE_SOURCE = '^[a-z0-9]{16}$'
export const NONCE = new RegExp(NONCE_SOURCE)

/** Items per page when a list's `limit` is not given. */
export const DEFAULT_PAGE_SIZE = 25

/** The HTTP methods that write: what the write deadline and the `Prefer` preferences apply to. */
export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
