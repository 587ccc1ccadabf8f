import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/**
 * Which processes listen where, read from /proc like `ss -lptn` does: the kernel's socket tables
 * (/proc/net/tcp, tcp6, udp, udp6) map a local address to a socket inode, and each process's
 * /proc/<pid>/fd links name the inodes it holds.
 */
export interface BoundSocket {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6'
  /** As in a URL: 127.0.0.1, [::1], [::]. */
  host: string
  port: number
  loopback: boolean
  pid: number
  command: string
}

const TCP_LISTEN = '0A'
const UDP_UNCONNECTED = '07'

/** The processes whose environment holds `needle` (NAME=value), and all their descendants. */
export function processesMarked(needle: string): number[] {
  const parents = new Map<number, number>()
  const marked: number[] = []
  for (const pid of allPids()) {
    try {
      parents.set(pid, Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[1]))
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) marked.push(pid)
    } catch {
      // exited meanwhile
    }
  }
  const tree = new Set(marked)
  for (let grew = true; grew; ) {
    grew = false
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid)
        grew = true
      }
    }
  }
  return [...tree]
}

/** Every TCP socket in LISTEN and every unconnected (receiving) UDP socket the processes hold. */
export function boundSockets(pids: number[]): BoundSocket[] {
  const owners = new Map<string, number>()
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const inode = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`))?.[1]
        if (inode) owners.set(inode, pid)
      }
    } catch {
      // exited meanwhile
    }
  }
  const found: BoundSocket[] = []
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const bound = protocol.startsWith('tcp') ? TCP_LISTEN : UDP_UNCONNECTED
    for (const line of readFileSync(`/proc/net/${protocol}`, 'latin1').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const [local, state, inode] = [fields[1]!, fields[3]!, fields[9]!]
      const pid = owners.get(inode)
      if (state !== bound || pid === undefined) continue
      const [hex, port] = local.split(':') as [string, string]
      const bytes = addressBytes(hex)
      found.push({ protocol, host: formatHost(bytes), port: parseInt(port, 16), loopback: isLoopback(bytes), pid, command: commandOf(pid) })
    }
  }
  return found
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
}

function safeReadlink(file: string): string {
  try {
    return readlinkSync(file)
  } catch {
    return ''
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim().slice(0, 120)
  } catch {
    return '(exited)'
  }
}

/** The kernel prints addresses as 32-bit words in host (little-endian) byte order. */
function addressBytes(hex: string): number[] {
  const bytes: number[] = []
  for (let word = 0; word < hex.length; word += 8) {
    for (let i = 6; i >= 0; i -= 2) bytes.push(parseInt(hex.slice(word + i, word + i + 2), 16))
  }
  return bytes
}

function isLoopback(bytes: number[]): boolean {
  if (bytes.length === 4) return bytes[0] === 127
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0)
  if (zeros(0, 15) && bytes[15] === 1) return true // ::1
  return zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff && bytes[12] === 127 // ::ffff:127.x.x.x
}

function formatHost(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.')
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16))
  return new URL(`http://[${groups.join(':')}]/`).hostname
}
