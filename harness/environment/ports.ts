import net from 'node:net'
import { readdir, readFile, readlink } from 'node:fs/promises'

/** A port free on 127.0.0.1 right now (the OS picks it; we release it for the child to bind). */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  server.unref()
  const port = await listen(server, 0)
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts `server` on 127.0.0.1:`port` (0: a free one) and returns the port; a failure to bind rejects. */
export function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as net.AddressInfo).port)
    })
  })
}

/** Stops an HTTP(S) `server`, cutting its open connections: a keep-alive client cannot hold a stop up. */
export async function stopServer(server: net.Server & { closeAllConnections(): void }): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve))
  server.closeAllConnections()
  await closed
}

const LISTEN = '0A'

/** Socket inodes listening on `port` on any local address (Linux /proc/net), or undefined without /proc. */
async function listeningInodes(port: number): Promise<Set<string> | undefined> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
  let readable = false
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => undefined)
    if (text === undefined) continue
    readable = true
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === LISTEN && fields[9]) inodes.add(fields[9])
    }
  }
  return readable ? inodes : undefined
}

/**
 * Whether the process that listens on `port` belongs to process group `group` (the target the
 * harness started). A port picked free is released for the child to bind, and another process
 * may take it first: then the readiness probe is answered by a stranger (another run's target,
 * one of this run's issuers) and every case would be judged against it. Undefined where /proc
 * cannot tell (not Linux).
 */
export async function listenerInGroup(port: number, group: number): Promise<boolean | undefined> {
  const inodes = await listeningInodes(port)
  if (!inodes || inodes.size === 0) return undefined
  let unreadable = false
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    // Fields after the parenthesised command name: state, ppid, pgrp.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== group) continue
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => undefined)
    if (!fds) unreadable = true // a member running as another user (sudo -u): cannot tell
    for (const fd of fds ?? []) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1]
      if (inode && inodes.has(inode)) return true
    }
  }
  return unreadable ? undefined : false
}
