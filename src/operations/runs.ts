/**
 * The queued operations this process runs now. A run is the write's own route, called
 * in-process (`app.inject`) with a token in `OPERATION_RUN_HEADER` instead of an API key: the
 * auth plugin finds the run by its token and acts as the key that queued it. Tokens are
 * random, live only while their run does, and never leave the process.
 */
import { randomBytes } from 'node:crypto'

export const OPERATION_RUN_HEADER = 'x-switchboard-operation-run'

export interface OperationRun {
  operationId: string
  keyName: string
  /** Filled as the run's request goes: whether an upstream write left, and the calls made. */
  wrote: boolean
  calls: number
}

export class OperationRuns {
  readonly #runs = new Map<string, OperationRun>()

  open(operationId: string, keyName: string): { token: string; run: OperationRun } {
    const token = randomBytes(32).toString('base64url')
    const run: OperationRun = { operationId, keyName, wrote: false, calls: 0 }
    this.#runs.set(token, run)
    return { token, run }
  }

  find(token: string): OperationRun | undefined {
    return this.#runs.get(token)
  }

  close(token: string): void {
    this.#runs.delete(token)
  }
}
