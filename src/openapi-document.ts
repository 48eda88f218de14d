/** Generates the OpenAPI document from the route schemas, without upstreams or a listener. */
import { buildApp } from './app.js'
import { loadConfig } from './config.js'

export async function generateOpenApi(): Promise<{ json: string; yaml: string }> {
  const app = await buildApp({
    logger: false,
    // Routes do not depend on connections: the defaults describe every operation.
    config: { ...loadConfig({}), sandbox: false },
  })
  try {
    return { json: `${JSON.stringify(app.swagger(), null, 2)}\n`, yaml: app.swagger({ yaml: true }) }
  } finally {
    await app.close()
  }
}
