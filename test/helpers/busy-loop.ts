// Loaded into a gateway process with `--import` by the event-loop lag test (test/scale/lag.test.ts):
// every second or so it blocks the event loop for up to a second, as a CPU-heavy request or a
// long garbage collection would.
const MAX_BLOCK_MS = Number(process.env.BUSY_LOOP_MAX_MS ?? 1000)

function block(): void {
  const until = Date.now() + Math.random() * MAX_BLOCK_MS
  while (Date.now() < until);
  setTimeout(block, 500 + Math.random() * 1000).unref()
}

setTimeout(block, 3000).unref()
