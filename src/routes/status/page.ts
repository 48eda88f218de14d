/**
 * The operator page's three files, served by the gateway itself (no CDN): the page, its
 * script and its style. The script asks for an API key once (kept in this tab's
 * sessionStorage), then reads `/v1/sources` every few seconds and draws each connection's
 * sync, progress, lag, rate budget, operation queue, circuit and last error. No inline script
 * or style, so the page runs under a strict CSP. The script runs in the operator's browser, on
 * the browser's own clock (its `Date` and `setTimeout` are not the gateway's time).
 */

export const STATUS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchboard status</title>
    <link rel="icon" type="image/svg+xml" href="/status/icon.svg" />
    <link rel="stylesheet" href="/status/status.css" />
    <script src="/status/status.js" defer></script>
  </head>
  <body>
    <header>
      <h1>Switchboard status</h1>
      <p id="updated">Not loaded yet</p>
    </header>
    <form id="key-form" hidden>
      <label>API key <input id="key" type="password" autocomplete="off" required /></label>
      <button type="submit">Show</button>
    </form>
    <p id="problem" role="alert" hidden></p>
    <table id="connections" hidden>
      <thead>
        <tr>
          <th>Connection</th>
          <th>Sync</th>
          <th>Progress</th>
          <th>Lag</th>
          <th>Rate budget</th>
          <th>Waiting calls</th>
          <th>Operations</th>
          <th>Circuit</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody></tbody>
    </table>
  </body>
</html>
`

export const STATUS_CSS = `body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b2733; }
header { display: flex; align-items: baseline; gap: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; color: #1f4f82; }
#updated { color: #5b6b7a; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #dde3ea; vertical-align: top; }
th { font-size: 0.85rem; color: #5b6b7a; font-weight: 600; }
.state-live, .state-closed { color: #1d7a3a; }
.state-backfilling, .state-pending, .state-half-open { color: #a06a00; }
.state-failing, .state-open { color: #b3261e; font-weight: 600; }
#problem { color: #b3261e; }
form { margin-bottom: 1rem; }
`

export const STATUS_JS = `'use strict'
;(() => {
  const REFRESH_MS = 5000
  const keyName = 'switchboard-status-key'
  const $ = (id) => document.getElementById(id)
  const cell = (text, className) => {
    const td = document.createElement('td')
    td.textContent = text
    if (className) td.className = className
    return td
  }
  const seconds = (s) => (s === null || s === undefined ? '–' : s < 90 ? s + ' s' : s < 5400 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h')
  const progressOf = (sync) => {
    if (!sync) return 'store off'
    const p = sync.progress
    if (p.phase === 'done') return 'done'
    if (p.total === null) return p.phase + ': ' + (p.done ?? 0) + ' records'
    return p.phase + ': ' + p.percent + '% (' + p.done + ' of ' + p.total + ', ' + seconds(p.etaSeconds) + ' left)'
  }
  const row = (source) => {
    const tr = document.createElement('tr')
    tr.dataset.connection = source.name
    const sync = source.sync
    const ops = source.operations
    tr.append(
      cell(source.name + ' (' + source.source + (source.sandbox ? ', sandbox' : '') + ')'),
      cell(sync ? sync.state : 'off', sync ? 'state-' + sync.state : ''),
      cell(progressOf(sync)),
      cell(sync ? seconds(sync.lagSeconds) : '–'),
      cell(source.rateLimit.remaining + ' of ' + source.rateLimit.limit + ' per ' + source.rateLimit.windowSeconds + ' s'),
      cell(String(source.rateLimit.queued)),
      cell(ops ? ops.queued + ' queued, ' + ops.running + ' running' + (ops.oldestQueuedSeconds === null ? '' : ', oldest ' + seconds(ops.oldestQueuedSeconds)) : '–'),
      cell(source.circuit.state, 'state-' + source.circuit.state),
      cell(sync && sync.lastError ? sync.lastError + (sync.failingSince ? ' (since ' + sync.failingSince + ')' : '') : '–'),
    )
    return tr
  }
  const show = (problem) => {
    $('problem').textContent = problem
    $('problem').hidden = problem === ''
  }
  const load = async () => {
    const key = sessionStorage.getItem(keyName)
    if (!key) {
      $('key-form').hidden = false
      return
    }
    try {
      const res = await fetch('/v1/sources', { headers: { authorization: 'Bearer ' + key } })
      if (res.status === 401) {
        sessionStorage.removeItem(keyName)
        $('key-form').hidden = false
        show('That API key is not valid.')
        return
      }
      const body = await res.json()
      if (!res.ok) throw new Error(body.detail || 'HTTP ' + res.status)
      $('connections').querySelector('tbody').replaceChildren(...body.data.map(row))
      $('connections').hidden = false
      $('updated').textContent = 'Updated ' + new Date().toLocaleTimeString()
      show('')
    } catch (err) {
      show('Could not read /v1/sources: ' + err.message)
    }
    setTimeout(load, REFRESH_MS)
  }
  document.addEventListener('DOMContentLoaded', () => {
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault()
      sessionStorage.setItem(keyName, $('key').value)
      $('key-form').hidden = true
      load()
    })
    load()
  })
})()
`
