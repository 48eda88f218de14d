/** Messages between the benchmark driver and its server processes. */
export type ParentMessage =
  | { type: 'start'; options: unknown }
  | { type: 'memory'; id: number; gc?: boolean }
  | { type: 'stop' }
  /** Starts the V8 CPU profiler (what `--cpu-prof` runs) in the server's main thread. */
  | { type: 'profile-start'; id: number }
  /** Stops it and writes the `.cpuprofile` to `file`. */
  | { type: 'profile-stop'; id: number; file: string }

export type ChildMessage =
  | { type: 'ready'; url: string; info: unknown }
  | { type: 'failed'; error: string }
  | { type: 'memory'; id: number; rss: number; heapUsed: number; external: number; arrayBuffers: number }
  | { type: 'done'; id: number; error?: string }
