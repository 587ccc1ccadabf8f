#!/usr/bin/env node
// authconform's case phase against jwt_tool's playbook, side by side, against the same target
// (the bundled node-good, EdDSA) behind a counting proxy: requests, and requests per second
// from a tool's first request at the target to its last. Run by hand; never a timed test.
//   JWT_TOOL=/path/to/jwt_tool.py node bench/jwt-tool-rate.mjs [rounds, default 5]
// jwt_tool is not a dependency: install it by hand from its public source (2.2.7), with Debian's
// python3-pycryptodome, python3-termcolor and python3-requests, under /usr/bin/python3.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { median } from './process-tree.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cli = path.join(repo, 'bin/authconform.mjs')
const rounds = Number(process.argv[2] ?? 5)
const jwtTool = process.env.JWT_TOOL
if (!jwtTool || !existsSync(jwtTool)) {
  console.error('bench/jwt-tool-rate.mjs: set JWT_TOOL to jwt_tool.py (installed by hand from its public source; see the comment at the top)')
  process.exit(2)
}
const scratch = mkdtempSync(path.join(os.tmpdir(), 'authconform-jwt-tool-'))
const children = new Set()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
})

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  children.add(child)
  child.on('exit', () => children.delete(child))
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

async function until(what, check, ms = 60_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`bench: ${what} did not happen within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A proxy in front of the target that notes when each request arrived. */
async function countingProxy(targetPort) {
  const arrivals = []
  const server = http.createServer((request, response) => {
    arrivals.push(performance.now())
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    upstream.on('error', () => response.writeHead(502).end())
    request.pipe(upstream)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Requests since `from` (an index into the arrivals), and their rate from the first to the last. */
    since(from) {
      const span = arrivals.slice(from)
      const seconds = span.length > 1 ? (span.at(-1) - span[0]) / 1000 : Number.NaN
      return { requests: span.length, seconds, perSecond: span.length / seconds }
    },
    mark: () => arrivals.length,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

async function startTarget(env) {
  const port = await freePort()
  const target = start(process.execPath, ['server.mjs'], { cwd: path.join(repo, 'fixtures/targets/node-good'), env: { ...process.env, ...env, PORT: String(port) } })
  await until('node-good answering /health', () =>
    fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    ),
  )
  return { port, stop: () => target.child.kill('SIGTERM') }
}

const issuerPort = await freePort()

// jwt_tool: its playbook (-M pb) with a real token, against the target trusting `authconform issuer`.
const issuer = start(process.execPath, [cli, 'issuer', '--profile', 'EdDSA', '--port', String(issuerPort)])
const printed = await until('authconform issuer printing its env', () => /TOKEN_A=\S+/.test(issuer.output()) && issuer.output())
const env = Object.fromEntries([...printed.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]))
let target = await startTarget(env)
let proxy = await countingProxy(target.port)
const playbook = () => start('/usr/bin/python3', [jwtTool, '-t', `${proxy.url}/api/me`, '-rh', `Authorization: Bearer ${env.TOKEN_A}`, '-M', 'pb', '-np'], { cwd: path.dirname(jwtTool) })
// Its first run writes jwtconf.ini and may stop there: not counted.
await playbook().exited
const jwtToolRuns = []
for (let i = 0; i < rounds; i++) {
  const mark = proxy.mark()
  const started = performance.now()
  await playbook().exited
  jwtToolRuns.push({ wallSeconds: (performance.now() - started) / 1000, ...proxy.since(mark) })
  const r = jwtToolRuns.at(-1)
  console.log(`jwt_tool run ${i + 1}: ${r.requests} requests, ${r.wallSeconds.toFixed(2)} s with Python's start, ${r.perSecond.toFixed(0)} requests/s first to last`)
}
issuer.child.kill('SIGINT')
await issuer.exited
target.stop()
await proxy.close()

// authconform: the same target, started afresh against the issuer authconform starts on the same
// port, as a running target (--target-url); the case phase is its requests first to last.
const authconformRuns = []
for (let i = 0; i < rounds; i++) {
  target = await startTarget(env)
  proxy = await countingProxy(target.port)
  const report = path.join(scratch, `run-${i}.json`)
  const started = performance.now()
  const run = start(process.execPath, [cli, 'run', '--example', 'node-good', '--target-url', proxy.url, '--issuer-port', String(issuerPort), '--profile', 'EdDSA', '--json', report])
  const code = await run.exited
  const document = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined
  authconformRuns.push({ wallSeconds: (performance.now() - started) / 1000, ...proxy.since(0), cases: document?.cases.length, code })
  const r = authconformRuns.at(-1)
  console.log(`authconform run ${i + 1}: exit ${code}, ${r.cases} results, ${r.requests} requests, ${r.wallSeconds.toFixed(2)} s in all, ${r.perSecond.toFixed(0)} requests/s first to last`)
  target.stop()
  await proxy.close()
}

const of = (runs, key) => median(runs.map((r) => r[key]))
console.log(`jwt_tool 2.2.7 -M pb, median of ${rounds}: ${of(jwtToolRuns, 'requests')} requests, ${of(jwtToolRuns, 'wallSeconds').toFixed(2)} s wall, ${of(jwtToolRuns, 'perSecond').toFixed(0)} requests/s`)
console.log(`authconform case phase, median of ${rounds}: ${of(authconformRuns, 'requests')} requests, ${of(authconformRuns, 'seconds').toFixed(2)} s first to last, ${of(authconformRuns, 'perSecond').toFixed(0)} requests/s`)
process.exit(0)
