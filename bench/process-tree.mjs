// What a run's process tree uses, sampled from /proc every 20 ms while it runs: peak RSS of the
// root process and of the whole tree, and CPU seconds of every process seen (Chromium, Postgres,
// the targets included). A process that starts and ends between two samples is missed.
import { readdirSync, readFileSync } from 'node:fs'

const read = (file) => {
  try {
    return readFileSync(file, 'latin1')
  } catch {
    return '' // exited meanwhile
  }
}

/** [ppid, cpu ticks (utime + stime)] from /proc/<pid>/stat; the command may contain spaces. */
function stat(pid) {
  const text = read(`/proc/${pid}/stat`)
  if (!text) return undefined
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`))?.[1] ?? 0)

function tree(root) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const s = stat(entry)
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)])
  }
  const all = [root]
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]) ?? []))
  return all
}

export function watchTree(root) {
  const ticks = new Map()
  let peakSelf = 0
  let peakTree = 0
  const sample = () => {
    let sum = 0
    for (const pid of tree(root)) {
      const rss = rssKiB(pid)
      sum += rss
      if (pid === root) peakSelf = Math.max(peakSelf, rss)
      const s = stat(pid)
      if (s) ticks.set(pid, Math.max(ticks.get(pid) ?? 0, s.ticks))
    }
    peakTree = Math.max(peakTree, sum)
  }
  const timer = setInterval(sample, 20)
  return {
    stop() {
      clearInterval(timer)
      const cpuSeconds = [...ticks.values()].reduce((a, b) => a + b, 0) / 100
      return { peakSelfMiB: peakSelf / 1024, peakTreeMiB: peakTree / 1024, cpuSeconds }
    },
  }
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
