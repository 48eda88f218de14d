/**
 * The Grafana dashboard and the Prometheus alert rules in ops/ stay true to the gateway: every
 * metric and label they use is one a gateway with a store exports on /metrics, every alert says
 * how long, how bad and what to do, and the dashboard's panels all query Prometheus.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { type RunningGateway, TEST_KEY, send } from './helpers/gateway.js'
import { startStoreGateway } from './helpers/store-gateway.js'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

interface Rule {
  alert: string
  expr: string
  for?: string
  labels: { severity: string }
  annotations: { summary: string; description: string }
}
const rules = (
  parse(read('ops/prometheus/switchboard-alerts.yml')) as { groups: Array<{ rules: Rule[] }> }
).groups.flatMap((g) => g.rules)
const dashboard = JSON.parse(read('ops/grafana/switchboard.json')) as {
  panels: Array<{ title: string; datasource: { type: string }; targets: Array<{ expr: string }> }>
}

/** Metric names a query uses (a histogram's `_bucket` series is its metric's). */
function metricsOf(expr: string): string[] {
  return [...expr.matchAll(/\bswitchboard_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''))
}

/** Label names a query selects or groups by. */
function labelsOf(expr: string): string[] {
  const selected = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    [...(m[1] as string).matchAll(/(\w+)\s*=/g)].map((l) => l[1] as string),
  )
  const grouped = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => (m[1] as string).split(',').map((s) => s.trim()))
  return [...selected, ...grouped].filter((l) => l !== 'le')
}

let gw: RunningGateway
let exported: Map<string, Set<string>>

beforeAll(async () => {
  gw = await startStoreGateway()
  // Some traffic, so that the counters and histograms have series.
  await send(`${gw.url}/v1/messages?limit=2`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
  const text = (await send(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).text
  exported = new Map()
  for (const line of text.split('\n')) {
    const help = /^# HELP (switchboard_[a-z_]+) /.exec(line)
    if (help !== null) exported.set(help[1] as string, exported.get(help[1] as string) ?? new Set())
    const series = /^(switchboard_[a-z_]+?)(?:_bucket|_sum|_count)?\{([^}]*)\}/.exec(line)
    if (series !== null) {
      const labels = exported.get(series[1] as string) ?? new Set<string>()
      for (const l of (series[2] as string).matchAll(/(\w+)="/g)) labels.add(l[1] as string)
      exported.set(series[1] as string, labels)
    }
  }
})
afterAll(async () => gw.close())

describe('the alert rules', () => {
  it('cover sync failing and lag, upstream limit answers, disabled endpoints and queue age', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'SwitchboardSyncFailing',
        'SwitchboardSyncLagging',
        'SwitchboardUpstreamRateLimited',
        'SwitchboardWebhookEndpointDisabled',
        'SwitchboardOperationsWaiting',
      ]),
    )
  })

  it.each(rules.map((r) => [r.alert, r] as const))('%s uses metrics and labels the gateway exports', (_name, rule) => {
    expect(['warning', 'critical']).toContain(rule.labels.severity)
    expect(rule.annotations.summary.length).toBeGreaterThan(10)
    expect(rule.annotations.description.length).toBeGreaterThan(20)
    for (const metric of metricsOf(rule.expr)) {
      expect(exported.has(metric), `${metric} in ${rule.expr}`).toBe(true)
      for (const label of labelsOf(rule.expr))
        expect(exported.get(metric)?.has(label) ?? false, `${metric} has label ${label}`).toBe(true)
    }
  })
})

describe('the Grafana dashboard', () => {
  it('queries only metrics and labels the gateway exports, from Prometheus', () => {
    expect(dashboard.panels.length).toBeGreaterThan(8)
    for (const panel of dashboard.panels) {
      expect(panel.datasource.type).toBe('prometheus')
      for (const target of panel.targets) {
        const metrics = metricsOf(target.expr)
        expect(metrics.length, panel.title).toBeGreaterThan(0)
        for (const metric of metrics) {
          expect(exported.has(metric), `${panel.title}: ${metric}`).toBe(true)
          for (const label of labelsOf(target.expr))
            expect(exported.get(metric)?.has(label) ?? false, `${panel.title}: ${metric} has label ${label}`).toBe(true)
        }
      }
    }
  })
})
