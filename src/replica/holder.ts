/**
 * This process as it names itself in the store: the holder of sync leases and of webhook
 * delivery claims. Host and pid say where it runs; the random part keeps a restarted process
 * with a reused pid from passing for its predecessor.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

export const PROCESS_HOLDER = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
