/**
 * A TCP proxy on loopback between gateways and a server (PostgreSQL, Redis), for outage tests:
 *
 * - `cut()` plays a crash: every connection reset, new ones refused;
 * - `hold()` a partition that loses what was under way: connections accepted and kept open,
 *   every byte in either direction dropped, so nothing answers and nothing fails;
 * - `pause()` a network that stops delivering without losing anything: every socket paused,
 *   and what was sent arrives once it is restored (TCP keeps order);
 * - `restore()` brings the way back (held connections are dropped, as a healed partition leaves
 *   them broken anyway; paused ones resume).
 */
import { type Socket, connect, createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface TcpProxy {
  port: number
  cut(): void
  hold(): void
  pause(): void
  restore(): void
  close(): Promise<void>
}

interface Pair {
  client: Socket
  server: Socket | null
  held: boolean
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: 'pass' | 'cut' | 'hold' | 'pause' = 'pass'
  const pairs = new Set<Pair>()
  const sockets = (pair: Pair) => (pair.server === null ? [pair.client] : [pair.client, pair.server])
  const server = createServer((client) => {
    client.on('error', () => undefined)
    if (mode === 'cut') {
      client.destroy()
      return
    }
    const pair: Pair = { client, server: null, held: mode === 'hold' }
    pairs.add(pair)
    client.on('close', () => {
      pair.server?.destroy()
      pairs.delete(pair)
    })
    if (pair.held) return
    const upstream = connect(target)
    pair.server = upstream
    upstream.on('error', () => client.destroy())
    upstream.on('close', () => client.destroy())
    client.on('data', (data) => {
      if (!pair.held) upstream.write(data)
    })
    upstream.on('data', (data) => {
      if (!pair.held) client.write(data)
    })
    if (mode === 'pause') for (const socket of sockets(pair)) socket.pause()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dropAll = () => {
    for (const pair of pairs) for (const socket of sockets(pair)) socket.destroy()
    pairs.clear()
  }
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      mode = 'cut'
      dropAll()
    },
    hold() {
      mode = 'hold'
      for (const pair of pairs) pair.held = true
    },
    pause() {
      mode = 'pause'
      for (const pair of pairs) for (const socket of sockets(pair)) socket.pause()
    },
    restore() {
      if (mode === 'hold') dropAll()
      if (mode === 'pause') for (const pair of pairs) for (const socket of sockets(pair)) socket.resume()
      mode = 'pass'
    },
    async close() {
      dropAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
