import { randomBytes } from 'node:crypto'
import type { ProfileContext, RunContext } from '../../harness/core/context.ts'
import { b64url } from '../../harness/core/jws.ts'
import { lowerOf } from '../../harness/core/severity.ts'
import { worse, type CaseResult } from '../../harness/core/verdict.ts'
import { signUp } from '../../harness/core/protocol/better-auth.ts'
import { validTokenFix, validTokenRefused } from '../../harness/core/valid-token.ts'
import type { Case, InteractionCase, InteractionKit, Judgement, LifecycleKit, Probe, ProbeKit, ScenarioCase, Exchange } from '../../harness/core/case.ts'
import { browserKit } from './browser.ts'
import { controlClient } from '../../harness/core/protocol/control.ts'
import { attackerFetches, curlOf, evidenceOf, isSuccess, send, TargetUnanswered } from './exchange.ts'
import { issuerSignature, issuerSigner, minter } from './tokens.ts'

type RunSettings = Pick<RunContext, 'requestTimeoutMs' | 'attacker' | 'keys' | 'browser' | 'publishedSecrets'>

export function probeKit(context: ProfileContext, run: RunSettings): ProbeKit {
  const { controlKey: _secret, ...issuer } = context.issuer
  const attacker = run.attacker.baseURL
  return {
    profile: context.profile,
    user: context.users,
    issuer,
    mint: minter(context.issuer),
    signAsIssuer: issuerSigner(context.issuer),
    signInput: issuerSignature(context.issuer),
    publishedSecrets: run.publishedSecrets,
    attacker: {
      nonce: () => randomBytes(9).toString('base64url'),
      serving: (nonce, body, type) => `${attacker}/d/${nonce}/${b64url(body)}.${type}`,
      internal: (nonce) => `${attacker}/internal/${nonce}/admin`,
    },
  }
}

async function authorizationOf(probe: Probe): Promise<string | null> {
  if ('authorization' in probe) return (await probe.authorization) ?? null
  if (!('token' in probe)) return null
  return `Bearer ${await probe.token}`
}

async function exchangeFor(probe: Probe, context: ProfileContext, run: RunSettings): Promise<Exchange> {
  const authorization = await authorizationOf(probe)
  const query = probe.query ? Object.fromEntries(await Promise.all(Object.entries(probe.query).map(async ([k, v]) => [k, await v]))) : undefined
  const exchange = await send(context.target, { headers: authorization === null ? {} : { Authorization: authorization }, query }, probe.timeoutMs ?? run.requestTimeoutMs)
  if (probe.watch?.length) exchange.attackerFetches = await attackerFetches(run.attacker, probe.watch)
  return exchange
}

/** Evidence and a replay of the request, including one that got no whole answer. */
function shown(exchange: Exchange | undefined): Pick<CaseResult, 'evidence' | 'curl'> {
  return exchange ? { evidence: evidenceOf(exchange), curl: curlOf(exchange.request) } : {}
}

/** What the request that failed a case sent: the one that got no answer, else the last one made. */
const failedExchange = (error: unknown, last?: Exchange) => (error instanceof TargetUnanswered ? error.exchange : last)

/** User A's valid token refused or unanswered: what was sent, what came back, the likely cause. */
function validTokenRefusal(exchange: Exchange, context: ProfileContext, generalFix = '') {
  const answer = { ...exchange, token: context.users.a.token, failure: exchange.dropped }
  const target = { profile: context.profile, issuer: context.issuer, me: context.target.me }
  return { error: validTokenRefused(answer, target), fix: validTokenFix(answer, target, generalFix) }
}

/** Runs one case against one profile and always returns a verdict (never throws). */
export async function runCase(spec: Case, context: ProfileContext, run: RunSettings): Promise<CaseResult> {
  const started = performance.now()
  const result = await judgeCase(spec, context, run)
  // Scenarios wait on purpose (cache windows): their time says nothing about the harness.
  if ('scenario' in spec || result.verdict === 'skip') return result
  const targetMs = result.steps ? result.steps.reduce((sum, step) => sum + (step.ms ?? 0), 0) : waited.get(result)
  return { ...result, timing: { totalMs: Math.round(performance.now() - started), ...(targetMs !== undefined && { targetMs }) } }
}

/** Time spent waiting on the target by a probing case, over all its requests. */
const waited = new WeakMap<CaseResult, number>()

async function judgeCase(spec: Case, context: ProfileContext, run: RunSettings): Promise<CaseResult> {
  const base = { id: spec.id, suite: spec.suite, profile: context.profile, severity: spec.severity, refs: spec.refs, title: spec.title, fix: spec.fix }
  const applies = !spec.profiles || spec.profiles === 'all' || spec.profiles.includes(context.profile)
  if (!applies) return { ...base, verdict: 'skip', reason: spec.profilesReason ?? `does not apply to the ${context.profile} profile` }
  if (spec.needs?.includes('meId') && !context.target.meId) {
    return { ...base, verdict: 'skip', reason: 'set target.routes.meId (where the caller id is in the answer) to enable' }
  }
  if (spec.needs?.includes('resource') && !context.target.resource) {
    return { ...base, verdict: 'skip', reason: 'set target.routes.resource (create, list and read routes of a per-user resource) to enable' }
  }
  if (spec.needs?.includes('frontend') && !context.target.cors.browserCalls) {
    return { ...base, verdict: 'skip', reason: 'target.cors is false: no browser calls this backend' }
  }
  const kit = probeKit(context, run)
  const notApplicable = spec.notApplicable?.(kit)
  if (notApplicable) return { ...base, verdict: 'skip', reason: notApplicable }
  if (!spec.isBaseline && !context.baseline.ok) {
    return { ...base, verdict: 'error', reason: `baseline failed, so a rejection would prove nothing: ${context.baseline.reason}` }
  }
  const finish = (judgement: Judgement, exchange?: Exchange): CaseResult => ({
    ...base,
    verdict: judgement.verdict,
    reason: judgement.reason,
    severity: judgement.severityCap ? lowerOf(spec.severity, judgement.severityCap) : spec.severity,
    ...shown(exchange),
  })
  if ('assess' in spec) return finish(spec.assess(kit))
  if ('scenario' in spec) return runScenario(spec, context, run, base)
  if ('interact' in spec) return runInteraction(spec, context, run, base)

  let exchange: Exchange | undefined
  try {
    const probes = [await spec.probe(kit)].flat()
    let worst: { judgement: Judgement; exchange: Exchange } | undefined
    let targetMs = 0
    for (const probe of probes) {
      // Evidence is of the request that broke, never of the one before it.
      exchange = undefined
      exchange = await exchangeFor(probe, context, run)
      targetMs += exchange.ms
      const judgement = spec.expect(exchange, { user: context.users, meId: context.target.meId })
      if (!worst || worse(judgement.verdict, worst.judgement.verdict)) worst = { judgement, exchange }
    }
    if (!worst) throw new Error('the probe made no request')
    const judged = finish(worst.judgement, worst.exchange)
    const result = probes.length > 1 ? { ...judged, reason: `${judged.reason} (worst of ${probes.length} requests)` } : judged
    waited.set(result, targetMs)
    return spec.isBaseline && !isSuccess(worst.exchange.status) ? refused(result, worst.exchange, context) : result
  } catch (error) {
    const failed = failedExchange(error, exchange)
    const result: CaseResult = { ...base, verdict: 'error', reason: (error as Error).message, ...shown(failed) }
    return spec.isBaseline && failed ? refused(result, failed, context) : result
  }
}

/** The valid-token case, when the token was not accepted: the reason and fix say why, as far as can be told. */
function refused(result: CaseResult, exchange: Exchange, context: ProfileContext): CaseResult {
  const refusal = validTokenRefusal(exchange, context, result.fix)
  return { ...result, reason: refusal.error.message, fix: refusal.fix }
}

/** Scenarios run on the profile's lifecycle stack (its own issuer and target instance). */
async function runScenario(spec: Case & ScenarioCase, context: ProfileContext, run: RunSettings, base: Omit<CaseResult, 'verdict' | 'reason'>): Promise<CaseResult> {
  const lifecycle = context.lifecycle
  if (!lifecycle) {
    return { ...base, verdict: 'skip', reason: 'needs a target authconform starts (target.command): it rotates keys at an issuer only that instance trusts' }
  }
  if (!lifecycle.baseline.ok) return { ...base, verdict: 'error', reason: `baseline failed on the lifecycle instance: ${lifecycle.baseline.reason}` }
  const kit: LifecycleKit = {
    ...probeKit(lifecycle, run),
    settings: run.keys,
    send: (probe) => exchangeFor(probe, lifecycle, run),
    control: controlClient(lifecycle.issuer),
  }
  try {
    const outcome = await spec.scenario(kit)
    return {
      ...base,
      verdict: outcome.verdict,
      reason: outcome.reason,
      measured: true,
      severity: outcome.severityCap ? lowerOf(spec.severity, outcome.severityCap) : spec.severity,
      ...shown(outcome.exchange),
    }
  } catch (error) {
    return { ...base, verdict: 'error', reason: (error as Error).message, ...shown(failedExchange(error)) }
  } finally {
    // A scenario that broke the JWKS must not leave it broken for the next one.
    await kit.control.fault('none').catch(() => {})
  }
}

/** Interactions run on the profile's main target; every request is a labelled step. */
async function runInteraction(spec: Case & InteractionCase, context: ProfileContext, run: RunSettings, base: Omit<CaseResult, 'verdict' | 'reason'>): Promise<CaseResult> {
  const steps: { label: string; exchange: Exchange }[] = []
  const undo: (() => Promise<unknown>)[] = []
  // A page load plus its fetch: twice the budget of one request.
  const browser = browserKit(run.browser, context.issuer, run.requestTimeoutMs * 2)
  const control = controlClient(context.issuer)
  const kit: InteractionKit = {
    ...probeKit(context, run),
    target: context.target,
    request: async (label, request) => {
      const headers: Record<string, string> = { ...request.headers }
      const authorization = request.as ? `Bearer ${request.as.token}` : request.authorization
      if (authorization) headers.Authorization = authorization
      if (request.json !== undefined) headers['Content-Type'] = 'application/json'
      const body = request.json === undefined ? undefined : JSON.stringify(request.json)
      try {
        const exchange = await send(context.target, { method: request.method, path: request.path, headers, body }, run.requestTimeoutMs)
        steps.push({ label, exchange })
        return exchange
      } catch (error) {
        // The step that got no answer is the one to show.
        if (error instanceof TargetUnanswered) steps.push({ label, exchange: error.exchange })
        throw error
      }
    },
    record: (label, exchange) => void steps.push({ label, exchange }),
    browser,
    issuerAdmin: {
      signUp: () => signUp({ ...context.issuer, profile: context.profile }, 'c', randomBytes(4).toString('hex')),
      deleteUser: (id) => control.deleteUser(id),
    },
    afterwards: (step) => void undo.push(step),
  }
  const evidence = () => ({ steps: steps.map(({ label, exchange }) => ({ label, ...evidenceOf(exchange) })) })
  try {
    const outcome = await spec.interact(kit)
    const decisive = outcome.decisive ?? steps.at(-1)?.exchange
    return {
      ...base,
      verdict: outcome.verdict,
      reason: outcome.reason,
      severity: outcome.severityCap ? lowerOf(spec.severity, outcome.severityCap) : spec.severity,
      ...(outcome.measured && { measured: true }),
      ...shown(decisive),
      ...evidence(),
    }
  } catch (error) {
    return { ...base, verdict: 'error', reason: (error as Error).message, ...shown(failedExchange(error)), ...evidence() }
  } finally {
    // What the case created goes, in reverse order, whatever the verdict.
    for (const step of undo.reverse()) await step().catch(() => {})
  }
}
