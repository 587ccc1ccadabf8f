// A program using authconform as a library, the way a team's own test run would: the
// package by its name, a config object, the result document back.
import { run, type ResultDocument } from 'authconform'

const target = process.argv[2]!
const document: ResultDocument = await run({ target: { command: 'node server.mjs', cwd: target, ready: '/health', profiles: ['EdDSA'], routes: { me: 'GET /api/me', meId: 'user.id' } } }, { suites: ['baseline', 'claims'] })
process.stdout.write(JSON.stringify({ exitCode: document.exitCode, summary: document.summary, failed: document.cases.filter((c) => c.verdict === 'fail').map((c) => c.id) }))
