/**
 * Runs a queued operation the way the client would have: its route, called in-process with
 * the body it was queued with, as the key that queued it (a run token stands in for the API
 * key, see runs.ts). Whatever the route answers is the operation's outcome.
 */
import type { FastifyInstance } from 'fastify'
import type { StoredOperation } from '../store/operations.js'
import { OPERATION_RUN_HEADER, type OperationRuns } from './runs.js'
import type { RunAnswer } from './worker.js'

function parsed(body: string): unknown {
  if (body === '') return null
  try {
    return JSON.parse(body) as unknown
  } catch {
    return body
  }
}

export function runInProcess(
  app: Pick<FastifyInstance, 'inject'>,
  runs: OperationRuns,
): (operation: StoredOperation) => Promise<RunAnswer> {
  return async (operation) => {
    const { token, run } = runs.open(operation.id, operation.keyName)
    try {
      const headers: Record<string, string> = { [OPERATION_RUN_HEADER]: token }
      if (operation.traceparent !== null) headers.traceparent = operation.traceparent
      if (operation.body !== null) headers['content-type'] = 'application/json'
      const response = await app.inject({
        method: operation.method as 'POST',
        url: operation.path,
        headers,
        ...(operation.body === null ? {} : { payload: JSON.stringify(operation.body) }),
      })
      const location = response.headers.location
      return {
        status: response.statusCode,
        result: parsed(response.body),
        location: typeof location === 'string' ? location : null,
        calls: run.calls,
        wrote: run.wrote,
      }
    } finally {
      runs.close(token)
    }
  }
}
