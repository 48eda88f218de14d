import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'undici'
import { getJson, startGateway, testConfig, type RunningGateway } from '../helpers/gateway.js'
import { buildInfo } from '../../src/plugins/metrics.js'

let gw: RunningGateway
let text: string

beforeAll(async () => {
  const config = testConfig()
  gw = await startGateway({
    withSandbox: true,
    config: { ...config, breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
  })
  await getJson(`${gw.url}/v1/messages?source=batchbook&limit=3`)
  await getJson(`${gw.url}/v1/messages?source=batchbook&limit=3`)
  await getJson(`${gw.url}/v1/nothing`)
  gw.sandbox!.snappy.simulator.faults.inject({ type: 'status', status: 500 })
  await gw.app.upstreams
    .get('snappy')!
    .engine.read({ method: 'GET', path: '/accounts' }, { kind: 'list', tags: [], decode: () => 1 })
    .catch(() => undefined)
  const res = await request(`${gw.url}/metrics`)
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
  text = await res.body.text()
})
afterAll(async () => gw.close())

const line = (pattern: RegExp) => text.split('\n').find((l) => pattern.test(l))

describe('GET /metrics after traffic', () => {
  it('has request durations per route and status', () => {
    expect(
      line(
        /^switchboard_http_request_duration_seconds_count\{method="GET",route="\/v1\/messages",status_code="200"\} 2$/,
      ),
    ).toBeDefined()
    expect(
      line(/^switchboard_http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1$/),
    ).toBeDefined()
  })

  it('has upstream calls per connection, status and outcome, with durations', () => {
    expect(
      line(
        /^switchboard_upstream_requests_total\{connection="batchbook",source="batchbook",method="GET",status_code="200",outcome="ok"\} 1$/,
      ),
    ).toBeDefined()
    expect(
      line(
        /^switchboard_upstream_requests_total\{connection="snappy",source="snappy",method="GET",status_code="500",outcome="error"\} 1$/,
      ),
    ).toBeDefined()
    expect(
      line(/^switchboard_upstream_request_duration_seconds_count\{connection="batchbook",outcome="ok"\} 1$/),
    ).toBeDefined()
  })

  it('has cache results and size', () => {
    expect(line(/^switchboard_cache_results_total\{connection="batchbook",result="miss"\} 1$/)).toBeDefined()
    expect(line(/^switchboard_cache_results_total\{connection="batchbook",result="hit"\} 1$/)).toBeDefined()
    expect(Number(line(/^switchboard_cache_bytes /)?.split(' ')[1])).toBeGreaterThan(0)
    expect(Number(line(/^switchboard_cache_entries /)?.split(' ')[1])).toBeGreaterThan(0)
  })

  it('has the rate budget and the queue wait', () => {
    expect(line(/^switchboard_rate_budget_remaining\{connection="batchbook"\} [01]$/)).toBeDefined()
    expect(line(/^switchboard_rate_budget_queued\{connection="snappy",lane="committed",party="-"\} 0$/)).toBeDefined()
    expect(
      line(/^switchboard_rate_queue_wait_seconds_count\{connection="batchbook",lane="client",granted="true"\} 1$/),
    ).toBeDefined()
    expect(
      line(/^switchboard_rate_grants_total\{connection="batchbook",lane="client",party="tester",granted="true"\} 1$/),
    ).toBeDefined()
  })

  it('has the breaker state and its transitions', () => {
    expect(line(/^switchboard_circuit_state\{connection="snappy"\} 2$/)).toBeDefined()
    expect(line(/^switchboard_circuit_state\{connection="batchbook"\} 0$/)).toBeDefined()
    expect(line(/^switchboard_circuit_transitions_total\{connection="snappy",to="open"\} 1$/)).toBeDefined()
  })

  it('labels an HTTP status status_code in every metric', () => {
    const labelled = text.split('\n').filter((l) => !l.startsWith('#') && /[{,]status(_code)?="/.test(l))
    expect(labelled.length).toBeGreaterThan(3)
    for (const l of labelled) expect(l, l).not.toMatch(/[{,]status="/)
  })

  it('has the build info', () => {
    const version = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version
    const info = line(/^switchboard_build_info\{/)
    expect(info).toBe(
      `switchboard_build_info{version="${version}",node_version="${process.version}",commit="${process.env.SWITCHBOARD_COMMIT?.trim() || 'unknown'}"} 1`,
    )
    expect(buildInfo({ SWITCHBOARD_COMMIT: ' 56d3bdf ' })).toEqual({
      version,
      node_version: process.version,
      commit: '56d3bdf',
    })
    expect(buildInfo({ SWITCHBOARD_COMMIT: '' }).commit).toBe('unknown')
    expect(buildInfo({}).commit).toBe('unknown')
  })

  it('has the process defaults', () => {
    expect(line(/^process_resident_memory_bytes /)).toBeDefined()
  })
})
