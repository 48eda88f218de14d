/**
 * `npm run bench:replica`: the synced replica's backfill at the documented limits alone
 * (`npm run bench` runs it too), written into docs/benchmarks.md.
 *
 * Options (after `npm run bench:replica --`): --communications=N (default 2000),
 * --tickets=N (default 300), --store=sqlite|postgres|both (default both, one after the other;
 * postgres uses DATABASE_URL or the local server), --dashboard=S (seconds, default 30), --no-doc.
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { readDoc, withBlock, writeDoc } from './lib/doc.js'
import { describeMachine, gitRevision, machineLines } from './lib/machine.js'
import { ROOT } from './lib/processes.js'
import type { StoreKind } from './replica/store.js'
import { measureSync } from './replica/sync.js'

const { values: args } = parseArgs({
  options: {
    communications: { type: 'string', default: '2000' },
    tickets: { type: 'string', default: '300' },
    store: { type: 'string', default: 'both' },
    dashboard: { type: 'string', default: '30' },
    'no-doc': { type: 'boolean', default: false },
  },
})

const stores: StoreKind[] =
  args.store === 'both' ? ['sqlite', 'postgres'] : [args.store === 'postgres' ? 'postgres' : 'sqlite']
const heading = `Written by \`npm run bench:replica\` at ${gitRevision(ROOT)}, Node ${process.version}, load average ${(os.loadavg()[0] ?? 0).toFixed(2)} at the start.`
const text = await measureSync(
  {
    communications: Number(args.communications),
    tickets: Number(args.tickets),
    stores,
    dashboardS: Number(args.dashboard),
  },
  [heading, '', ...machineLines(describeMachine()), ''].join('\n'),
)
process.stdout.write(`${text}\n`)
if (args['no-doc'] !== true) await writeDoc(withBlock(await readDoc(), 'replica', text))
process.exit(0)
