/**
 * The generated-client proof: TypeScript types are generated with openapi-typescript from the
 * committed openapi/openapi.json, the scenario is type-checked against them (a type error
 * fails the test), then run with openapi-fetch against the sandbox.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAST_LIMITS, TEST_KEY, startGateway, testConfig, type RunningGateway } from '../helpers/gateway.js'
import { testDatabase } from '../helpers/stores.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
let gw: RunningGateway

beforeAll(async () => {
  gw = await startGateway({ withSandbox: true, limits: FAST_LIMITS })
})
afterAll(async () => gw.close())

describe('a client generated from the OpenAPI document', () => {
  it('compiles against the generated types without a single error', async () => {
    const ast = await openapiTS(new URL('../../openapi/openapi.json', import.meta.url))
    mkdirSync(`${here}generated`, { recursive: true })
    writeFileSync(`${here}generated/schema.d.ts`, astToString(ast))
    let output = ''
    try {
      execFileSync(process.execPath, [tsc, '-p', `${here}tsconfig.json`], { encoding: 'utf8' })
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err)
    }
    expect(output).toBe('')
  }, 120_000)

  it('lists, creates, reads, updates and deletes messages of both sources, walks a cursor and replies into a conversation', async () => {
    // Loaded by a computed name, so the project's type-check does not reach the scenario
    // before its types are generated; the first test compiled it against them.
    const scenario = './scenario.js'
    const { runScenario } = (await import(scenario)) as {
      runScenario(baseUrl: string, apiKey: string): Promise<Record<string, unknown>>
    }
    const result = await runScenario(gw.url, TEST_KEY)
    expect(result.walked).toEqual(expect.any(Number))
    expect(result.walked as number).toBeGreaterThan(60)
    expect(result.pages as number).toBeGreaterThan(1)
    expect(result.batchbook).toMatchObject({
      updatedSubject: 'Generated client call (edited)',
      deleted: true,
      goneAfterDelete: 404,
    })
    const snappy = result.snappy as { conversationId: string; replyConversationId: string; editRefusedWith: string }
    expect(snappy.conversationId).toMatch(/^conv_/)
    expect(snappy.replyConversationId).toBe(snappy.conversationId)
    expect(snappy.editRefusedWith).toBe('unsupported_by_source')
  }, 120_000)

  it('sends `Prefer: respond-async`, tells the 202 operation apart and polls it until the write ran', async () => {
    const database = testDatabase('sqlite')
    const queued = await startGateway({
      config: testConfig({ store: database.config }),
      withSandbox: true,
      limits: FAST_LIMITS,
      sync: false,
    })
    try {
      const scenario = './scenario.js'
      const { runOperationScenario } = (await import(scenario)) as {
        runOperationScenario(baseUrl: string, apiKey: string): Promise<Record<string, unknown>>
      }
      const result = await runOperationScenario(queued.url, TEST_KEY)
      expect(result).toMatchObject({ finalState: 'succeeded', createdSubject: 'Queued from a generated client' })
      expect(result.accepted).toMatch(/^op_/)
    } finally {
      await queued.close()
      await database.drop()
    }
  }, 120_000)
})
