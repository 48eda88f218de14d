/**
 * A gateway as it names itself in the store: the holder of sync leases, webhook delivery
 * claims and idempotency keys. Host and pid say where it runs; the random part keeps a
 * restarted process with a reused pid from passing for its predecessor, and tells apart
 * gateways built in one process (tests run a deployment's gateways side by side).
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

export function newHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
}
