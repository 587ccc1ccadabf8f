#!/usr/bin/env node
// Soak: `authconform run --example <target>` N times in a row (default 20, node-good), measuring
// before the first run and right after each one what a run could leak: processes, open file
// descriptors, temp dirs, embedded Postgres data dirs, listening sockets. Prints a table per run
// and a verdict: "returned to baseline", or what grew. Run by hand; never a timed test.
//   node bench/soak.mjs [runs] [--target name] [-- extra run args]
//
// On a shared machine the machine-wide figures move with everyone else's work, so every run
// carries a marker in its environment (inherited by Postgres, the targets, Chromium) and a
// private TMPDIR: "ours" counts only what the runs started or wrote, and the verdict rests on it.
// The machine-wide columns are there to see the whole picture.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const separator = process.argv.indexOf('--')
const own = separator === -1 ? process.argv.slice(2) : process.argv.slice(2, separator)
const extra = separator === -1 ? [] : process.argv.slice(separator + 1)
const targetAt = own.indexOf('--target')
const target = targetAt === -1 ? 'node-good' : own[targetAt + 1]
const runs = Number(own.find((arg, i) => /^\d+$/.test(arg) && own[i - 1] !== '--target') ?? 20)
const args = [path.join(repo, 'bin/authconform.mjs'), 'run', '--example', target, ...extra]

const marker = `AUTHCONFORM_SOAK=${randomUUID()}`
const tmpdir = mkdtempSync(path.join(os.tmpdir(), 'authconform-soak-'))
// Embedded Postgres runs as the `postgres` user under root and must reach its data dir.
chmodSync(tmpdir, 0o755)

const pids = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e))
const read = (file) => {
  try {
    return readFileSync(file, 'latin1')
  } catch {
    return '' // exited meanwhile, or not ours to read
  }
}
const command = (pid) => read(`/proc/${pid}/cmdline`).replace(/\0/g, ' ').trim().slice(0, 100)
const ourPids = () => pids().filter((pid) => read(`/proc/${pid}/environ`).split('\0').includes(marker))

/** Socket inodes in LISTEN on 127.0.0.1 (IPv4 and v4-mapped IPv6), from the kernel's tables. */
function loopbackListeners() {
  const inodes = new Set()
  for (const table of ['tcp', 'tcp6']) {
    for (const line of read(`/proc/net/${table}`).trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      const address = fields[1].split(':')[0]
      // Words in host byte order: 127.0.0.1 is 0100007F, ::ffff:127.0.0.1 ends in it.
      if (fields[3] === '0A' && (address === '0100007F' || address === '0000000000000000FFFF00000100007F')) inodes.add(fields[9])
    }
  }
  return inodes
}

function socketInodes(pid) {
  const inodes = []
  let fds = []
  try {
    fds = readdirSync(`/proc/${pid}/fd`)
  } catch {
    return inodes
  }
  for (const fd of fds) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]
      if (inode) inodes.push(inode)
    } catch {}
  }
  return inodes
}

function measure() {
  const ours = ourPids()
  const listening = loopbackListeners()
  const temp = readdirSync(tmpdir).filter((name) => name.startsWith('authconform-'))
  return {
    oursProcesses: ours.map((pid) => `${pid} ${command(pid)}`),
    machineProcesses: pids().length,
    machineFds: Number(read('/proc/sys/fs/file-nr').split(/\s+/)[0]),
    tempDirs: temp.filter((name) => !name.startsWith('authconform-pg-')),
    pgDirs: temp.filter((name) => name.startsWith('authconform-pg-')),
    oursListening: ours.flatMap(socketInodes).filter((inode) => listening.has(inode)).length,
    // Compiled configs are imported and deleted at once: none may pile up in the cache.
    cachedConfigs: (() => {
      try {
        return readdirSync(path.join(process.env.AUTHCONFORM_CACHE_DIR || path.join(repo, 'node_modules/.cache/authconform'), 'configs')).length
      } catch {
        return 0
      }
    })(),
    machineListening: listening.size,
  }
}

function once() {
  return new Promise((resolve) => {
    const started = performance.now()
    const [name, value] = marker.split('=')
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', TMPDIR: tmpdir, [name]: value } })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)))
    child.on('close', (code, signal) => resolve({ code: code ?? signal, ms: performance.now() - started, stderr }))
  })
}

const columns = ['run', 'exit', 'secs', 'procs ours', 'procs machine', 'fds machine', 'tmp dirs', 'pg dirs', 'cached configs', 'listen ours', 'listen 127.0.0.1 machine']
const row = (cells) => console.log(cells.map((cell, i) => String(cell).padStart(Math.max(columns[i].length, 4))).join('  '))
const cells = (label, m, run) => [
  label,
  run?.code ?? '-',
  run ? (run.ms / 1000).toFixed(1) : '-',
  m.oursProcesses.length,
  m.machineProcesses,
  m.machineFds,
  m.tempDirs.length,
  m.pgDirs.length,
  m.cachedConfigs,
  m.oursListening,
  m.machineListening,
]

console.log(`soak: ${runs} × node ${path.relative(repo, args[0])} ${args.slice(1).join(' ')}  (TMPDIR ${tmpdir})`)
row(columns)
const baseline = measure()
row(cells('base', baseline))
let last = baseline
const failedRuns = []
for (let i = 1; i <= runs; i++) {
  const run = await once()
  last = measure()
  row(cells(i, last, run))
  if (run.code !== 0 && run.code !== 1) failedRuns.push(`run ${i} exited ${run.code}: ${run.stderr.trim().split('\n').at(-1)}`)
}

const grew = []
const compare = (label, before, after, detail = []) => after > before && grew.push(`${label} ${before} → ${after}${detail.length ? ` (${detail.slice(0, 5).join('; ')})` : ''}`)
compare('processes of the runs', baseline.oursProcesses.length, last.oursProcesses.length, last.oursProcesses)
compare('temp dirs', baseline.tempDirs.length, last.tempDirs.length, last.tempDirs)
compare('Postgres data dirs', baseline.pgDirs.length, last.pgDirs.length, last.pgDirs)
compare('listening sockets of the runs', baseline.oursListening, last.oursListening)
compare('compiled configs in the cache', baseline.cachedConfigs, last.cachedConfigs)
const machine = `machine-wide, other users included: processes ${baseline.machineProcesses} → ${last.machineProcesses}, fds ${baseline.machineFds} → ${last.machineFds}, listening on 127.0.0.1 ${baseline.machineListening} → ${last.machineListening}`
for (const failure of failedRuns) console.log(failure)
if (grew.length === 0) {
  rmSync(tmpdir, { recursive: true, force: true })
  console.log(`returned to baseline after ${runs} runs: no process, temp dir, Postgres data dir, cached config or listening socket of the runs left (${machine})`)
} else {
  console.log(`grew after ${runs} runs: ${grew.join('; ')} — kept ${tmpdir} for a look (${machine})`)
  process.exitCode = 1
}
