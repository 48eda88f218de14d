/**
 * Reads configuration, starts the sandbox when no upstream credentials are set, listens,
 * and shuts down gracefully on SIGTERM/SIGINT.
 */
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { developmentKey, startSandbox, type Sandbox } from './sandbox/index.js'
import { SNAPPY_API_PREFIX } from './upstreams/snappy/wire.js'

function readConfig(): Config {
  try {
    return loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
}

const config = readConfig()
let sandbox: Sandbox | undefined
let printedKey: string | undefined
if (config.sandbox) {
  const volume = Object.keys(config.sandboxVolume).length > 0 ? { volume: config.sandboxVolume } : {}
  sandbox = await startSandbox({ timeoutMs: config.upstream.timeoutMs, ...volume })
  config.connections = sandbox.connections
  if (config.apiKeys.length === 0) {
    const key = developmentKey(config.store.dataDir, config.sandboxReset)
    config.apiKeys = [{ ...key, connections: null }]
    printedKey = key.secret
  }
}

const app = await buildApp({
  config,
  ...(sandbox === undefined ? {} : { sandboxConnections: new Set(sandbox.connections.map((c) => c.name)) }),
})

/** close-with-grace's bound: past it the process exits with 1 whatever is left. */
const SHUTDOWN_BOUND_MS = 10_000

closeWithGrace({ delay: SHUTDOWN_BOUND_MS }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
  else app.log.info({ signal }, 'shutting down')
  // Stop accepting and let the kept-alive connections drain first: closing them at once
  // loses the requests clients are writing on them at that moment.
  await app.drainConnections({ periodMs: config.shutdownDrainMs })
  await app.close()
  await sandbox?.close()
})

const address = await app.listen({ host: config.host, port: config.port })

if (sandbox !== undefined) {
  const lines = [
    '',
    'Switchboard is running in sandbox mode: no upstream credentials are set, so built-in simulators answer.',
    `  API:         ${address}/v1/messages`,
    `  Reference:   ${address}/docs`,
    `  OpenAPI:     ${address}/openapi.json`,
    `  BatchBook simulator: ${sandbox.batchbook.origin}`,
    `  Snappy simulator:    ${sandbox.snappy.origin}${SNAPPY_API_PREFIX}`,
    printedKey === undefined
      ? '  API key:     one of API_KEYS'
      : `  API key:     ${printedKey}   (development only, kept for the next start; SANDBOX_RESET=true makes a new one, API_KEYS sets your own)`,
    printedKey === undefined
      ? ''
      : `  Try:         curl -H 'Authorization: Bearer ${printedKey}' '${address}/v1/messages?limit=5'`,
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}
