/** Generates the OpenAPI document from the route schemas, without upstreams or a listener. */
import { buildApp } from './app.js'

export async function generateOpenApi(): Promise<{ json: string; yaml: string }> {
  const app = await buildApp({
    logger: false,
    config: {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      apiKeys: [],
      connections: [],
      sandbox: false,
      redisUrl: null,
      upstream: { timeoutMs: 10_000, maxResponseBytes: 1024, maxQueueWaitMs: 0 },
    },
  })
  try {
    return { json: `${JSON.stringify(app.swagger(), null, 2)}\n`, yaml: app.swagger({ yaml: true }) }
  } finally {
    await app.close()
  }
}
