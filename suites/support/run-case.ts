import { randomBytes } from 'node:crypto'
import { decodeJwt } from 'jose'
import type { Identity, JwksViewInstance, ProfileContext, RunContext } from '../../harness/core/context.ts'
import { b64url } from '../../harness/core/jws.ts'
import { pathFor } from '../../harness/core/routes.ts'
import { lowerOf, type Severity } from '../../harness/core/severity.ts'
import { worse, type CaseResult, type Verdict } from '../../harness/core/verdict.ts'
import { signOut, signUp } from '../../harness/core/protocol/better-auth.ts'
import { validTokenFix, validTokenRefused } from '../../harness/core/valid-token.ts'
import type { Case, Exchange, InteractionCase, InteractionKit, LifecycleKit, Probe, ProbeKit, ProbingCase, ScenarioCase } from '../../harness/core/case.ts'
import { browserKit } from './browser.ts'
import { controlClient, type KeySetShape } from '../../harness/core/protocol/control.ts'
import { attackerFetches, curlOf, evidenceOf, isSuccess, send, TargetUnanswered } from './exchange.ts'
import { parseJson, readPath } from './json.ts'
import { removeItem } from './resource.ts'
import { PAIRED_RETRIES, timedAgainstValidTokens, type Timed } from './timed-judgement.ts'
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

/**
 * Whose request a probe is, for `{sub}` in the route: the user its token names (a forged token
 * asks for the data of the user it claims to be), else A, the caller of the happy path.
 */
function callerOf(authorization: string | null, users: ProfileContext['users']): string {
  const token = /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1]
  try {
    const sub = token && decodeJwt(token).sub
    if (typeof sub === 'string' && sub) return sub
  } catch {
    // Not a JWT one can read: the probe is still A's request.
  }
  return users.a.id
}

/**
 * Sends a probe to the probe route, or with `identity` to the route that says who the caller is.
 * An item the identity route (resource.create) made is deleted once answered.
 */
async function exchangeFor(probe: Probe, context: ProfileContext, run: RunSettings, identity?: Identity): Promise<Exchange> {
  const authorization = await authorizationOf(probe)
  const query = probe.query ? Object.fromEntries(await Promise.all(Object.entries(probe.query).map(async ([k, v]) => [k, await v]))) : undefined
  const route = identity?.route ?? context.target.probeRoute
  const headers: Record<string, string> = { ...probe.headers, ...(authorization !== null && { Authorization: authorization }) }
  if (identity?.body) headers['Content-Type'] = 'application/json'
  const path = pathFor(route, { sub: callerOf(authorization, context.users) })
  const request = { method: route.method, path, headers, query, body: identity?.body && JSON.stringify(identity.body) }
  const exchange = await send(context.target, request, probe.timeoutMs ?? run.requestTimeoutMs)
  if (identity?.from === 'create' && isSuccess(exchange.status)) await removeCreated(exchange, context)
  if (probe.watch?.length) exchange.attackerFetches = await attackerFetches(run.attacker, probe.watch)
  return exchange
}

async function removeCreated(exchange: Exchange, context: ProfileContext) {
  const id = readPath(parseJson(exchange.body), context.target.resource!.id)
  if (id !== undefined && id !== null) await removeItem(context.target, [context.users.a, context.users.b], String(id))
}

interface Step {
  label: string
  exchange: Exchange
}

/** What running a case found, whatever its kind; resultOf makes it the CaseResult. */
interface Outcome {
  verdict: Verdict
  reason: string
  /** A milder problem than the case's severity (a crash rather than an accept). */
  severityCap?: Severity
  /** The request that decided the verdict, or got no answer: the evidence and the replay. */
  decisive?: Exchange
  /** Every labelled request of an interaction, in order. */
  steps?: Step[]
  measured?: boolean
  /** Replaces the catalogue's fix: the valid-token case's diagnosis of a refusal. */
  fix?: string
  /** Time spent waiting on the target, over every request the case made. */
  targetMs?: number
}

/** Runs one case against one profile and always returns a verdict (never throws). */
export async function runCase(spec: Case, context: ProfileContext, run: RunSettings): Promise<CaseResult> {
  const started = performance.now()
  const outcome = await outcomeOf(spec, context, run).catch((error: unknown) => failure(error))
  // Scenarios wait on purpose (cache windows): their time says nothing about the harness.
  const timed = spec.kind !== 'scenario' && outcome.verdict !== 'skip'
  const timing = timed ? { totalMs: Math.round(performance.now() - started), ...(outcome.targetMs !== undefined && { targetMs: outcome.targetMs }) } : undefined
  return resultOf(spec, context, outcome, timing)
}

/** The one place a CaseResult is made: the case, what it found, the decisive request, the timings. */
function resultOf(spec: Case, context: ProfileContext, outcome: Outcome, timing: CaseResult['timing']): CaseResult {
  const { verdict, reason, severityCap, decisive, steps, measured, fix } = outcome
  return {
    id: spec.id,
    suite: spec.suite,
    profile: context.profile,
    severity: severityCap ? lowerOf(spec.severity, severityCap) : spec.severity,
    refs: spec.refs,
    title: spec.title,
    fix: fix ?? spec.fix,
    verdict,
    reason,
    ...(measured && { measured: true }),
    ...(decisive && { evidence: evidenceOf(decisive, context.target.headers), curl: curlOf(decisive.request) }),
    ...(steps && { steps: steps.map(({ label, exchange }) => ({ label, ...evidenceOf(exchange, context.target.headers) })) }),
    ...(timing && { timing }),
  }
}

/** An error verdict; what it shows is the request that got no answer, else `last`, the one that broke. */
function failure(error: unknown, last?: Exchange): Outcome {
  return { verdict: 'error', reason: (error as Error).message, decisive: error instanceof TargetUnanswered ? error.exchange : last }
}

/** Dispatches on the case's kind, once what every kind needs is there. */
async function outcomeOf(spec: Case, context: ProfileContext, run: RunSettings): Promise<Outcome> {
  const unmet = unmetNeed(spec, context)
  if (unmet) return { verdict: 'skip', reason: unmet }
  const kit = probeKit(context, run)
  const notApplicable = spec.notApplicable?.(kit)
  if (notApplicable) return { verdict: 'skip', reason: notApplicable }
  if (!spec.isBaseline && !context.baseline.ok) {
    return { verdict: 'error', reason: `baseline failed, so a rejection would prove nothing: ${context.baseline.reason}` }
  }
  if (spec.keySet) {
    const instance = onKeySet(spec, spec.keySet, context)
    if ('verdict' in instance) return instance
    return spec.kind === 'probe' ? probe(spec, probeKit(instance, run), instance, run) : { verdict: 'error', reason: `a ${spec.kind} case cannot run on a key-set instance` }
  }
  switch (spec.kind) {
    case 'probe':
      return probe(spec, kit, context, run)
    case 'assess':
      return spec.assess(kit)
    case 'scenario':
      return scenario(spec, context, run)
    case 'interaction':
      return interaction(spec, kit, context, run)
  }
}

/**
 * The profile as the target instance that reads the `shape` key set sees it, or why the case
 * cannot be judged there. Its own valid-token case judges an instance that did not start.
 */
function onKeySet(spec: Case, shape: KeySetShape, context: ProfileContext): ProfileContext | Outcome {
  const instance = context.keySets?.[shape]
  if (!instance) return { verdict: 'skip', reason: 'needs a target authconform starts (target.command, target.image, or target.app as a factory): another instance of it is given the reshaped key set' }
  if (instance.failure) {
    const reason = `the target instance given JWKS_URL=${instance.jwksURL} did not start: ${instance.failure}`
    return spec.isBaseline ? { verdict: 'warn', reason, severityCap: 'low' } : { verdict: 'skip', reason }
  }
  if (!instance.fetched) {
    return { verdict: 'skip', reason: `the instance given JWKS_URL=${instance.jwksURL} never fetched it: the target builds its JWKS URL itself (have it read \${JWKS_URL} through target.env to test this)` }
  }
  if (!spec.isBaseline && !instance.baseline.ok) return { verdict: 'skip', reason: `given the ${shape} key set, the target refuses a valid token, so a refusal proves nothing here: ${instance.baseline.reason}` }
  return { ...context, issuer: { ...context.issuer, jwksURL: instance.jwksURL }, target: { ...context.target, baseURL: instance.baseURL! } }
}

/** Why the case does not run on this profile or target (a skip), or undefined. */
function unmetNeed(spec: Case, context: ProfileContext): string | undefined {
  const applies = !spec.profiles || spec.profiles === 'all' || spec.profiles.includes(context.profile)
  if (!applies) return spec.profilesReason ?? `does not apply to the ${context.profile} profile`
  if (spec.needs?.includes('identity') && !context.target.identity) {
    return "no route says who the caller is: set target.routes.meId (where me's answer has the caller's id, or with no me route the owner field of resource.create's answer) to enable"
  }
  if (spec.needs?.includes('resource') && !context.target.resource) {
    return 'set target.routes.resource (create, list and read routes of a per-user resource) to enable'
  }
  if (spec.needs?.includes('database') && !context.target.database) return "set target.database: true if the target reads Better Auth's database (it then gets DATABASE_URL) to enable"
  if (spec.needs?.includes('sessionTokens') && !context.target.sessionTokens) return "set target.sessionTokens: true if the target accepts Better Auth's session token as a Bearer to enable"
  if (spec.needs?.includes('frontend') && !context.target.cors.browserCalls) return 'target.cors is false: no browser calls this backend'
  return undefined
}

/** A probing case's requests, one after another: the worst answer decides. */
async function probe(spec: ProbingCase, kit: ProbeKit, context: ProfileContext, run: RunSettings): Promise<Outcome> {
  let exchange: Exchange | undefined
  let outcome: Outcome
  try {
    const probes = [await spec.probe(kit)].flat()
    const identity = spec.readsIdentity || spec.needs?.includes('identity') ? context.target.identity : undefined
    let targetMs = 0
    /** One probe sent and judged; a judgement that failed on time alone is asked once more. */
    const judged = async (probe: Probe) => {
      // Evidence is of the request that broke, never of the one before it.
      exchange = undefined
      let sent = await exchangeFor(probe, context, run, identity).catch((error: unknown) => {
        // One of a wordlist's hundreds of requests that timed out is asked once more: a verifier
        // that fetches its JWKS per request can fall behind while other targets load the machine.
        if (probes.length > 1 && error instanceof TargetUnanswered && error.exchange.status === 0 && error.exchange.dropped?.startsWith('timed out')) {
          return exchangeFor(probe, context, run, identity)
        }
        throw error
      })
      exchange = sent
      targetMs += sent.ms
      let judgement = spec.expect(sent, { user: context.users, meId: identity?.idPath })
      const tries: Timed[] = [{ ms: sent.ms }]
      while (judgement.slow && tries.length <= PAIRED_RETRIES) {
        // Beside a valid token, so both meet the same load (a wordlist's hundreds of requests).
        const [again, valid] = await Promise.all([exchangeFor(probe, context, run, identity), exchangeFor({ token: context.users.a.token }, context, run)])
        sent = again
        exchange = sent
        targetMs += sent.ms
        tries.push({ ms: sent.ms, validMs: valid.ms })
        judgement = timedAgainstValidTokens(spec, sent, tries, context)
      }
      return { judgement, exchange: sent }
    }
    // Wordlists make hundreds of requests: a few in flight at once. Every case that judges
    // time sends one request, so none of them is timed against its siblings.
    const phase = performance.now()
    const results = await inOrder(probes, PROBES_IN_FLIGHT, judged)
    // Requests in flight together overlap: the target's time is at most the phase's wall time.
    targetMs = Math.min(targetMs, Math.round(performance.now() - phase))
    const worst = results.reduce<(typeof results)[number] | undefined>((sofar, result) => (!sofar || worse(result.judgement.verdict, sofar.judgement.verdict) ? result : sofar), undefined)
    if (!worst) throw new Error('the probe made no request')
    const { verdict, reason, severityCap } = worst.judgement
    const worstOf = probes.length > 1 ? ` (worst of ${probes.length} requests)` : ''
    outcome = { verdict, reason: `${reason}${worstOf}`, severityCap, decisive: worst.exchange, targetMs }
  } catch (error) {
    outcome = failure(error, exchange)
  }
  // A key-set case's valid token is judged by its case: the run's baseline already passed.
  return spec.isBaseline && !spec.keySet ? validTokenDiagnosed(outcome, spec, context) : outcome
}

/** How many of one case's requests are in flight at once. */
const PROBES_IN_FLIGHT = 8

/** `work` over `items`, at most `limit` at a time; the results in the items' order. */
async function inOrder<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** The valid-token case, when the token was refused or unanswered: the reason and fix say why, as far as can be told. */
function validTokenDiagnosed(outcome: Outcome, spec: ProbingCase, context: ProfileContext): Outcome {
  const exchange = outcome.decisive
  if (!exchange || (outcome.verdict !== 'error' && isSuccess(exchange.status))) return outcome
  const answer = { ...exchange, token: context.users.a.token, failure: exchange.dropped }
  const target = { profile: context.profile, issuer: context.issuer, route: context.target.probeRoute, routeKey: context.target.probeRouteKey }
  return { ...outcome, reason: validTokenRefused(answer, target).message, fix: validTokenFix(answer, target, spec.fix) }
}

/**
 * The lane instance a scenario runs on, when it has a lane and that instance can serve: it
 * started, read its lane's JWKS URL and took a valid token. Otherwise the scenario runs in turn
 * on the lifecycle instance, as every scenario did before lanes.
 */
export function laneInstance(spec: Case | ScenarioCase, context: ProfileContext): (JwksViewInstance & { baseURL: string }) | undefined {
  if (spec.kind !== 'scenario' || !spec.lane) return undefined
  const instance = context.lifecycle?.lanes?.[spec.lane]
  return instance?.baseURL && instance.fetched && instance.baseline.ok ? { ...instance, baseURL: instance.baseURL } : undefined
}

/** Scenarios run on the profile's lifecycle stack (its own issuer and target instance), or on their lane's instance. */
async function scenario(spec: ScenarioCase, context: ProfileContext, run: RunSettings): Promise<Outcome> {
  const stack = context.lifecycle
  if (!stack) {
    return { verdict: 'skip', reason: 'needs a target authconform starts (target.command, target.image, or target.app as a factory): it rotates keys at an issuer only that instance trusts' }
  }
  if (!stack.baseline.ok) return { verdict: 'error', reason: `baseline failed on the lifecycle instance: ${stack.baseline.reason}` }
  const lane = laneInstance(spec, context)
  const lifecycle: ProfileContext = lane ? { ...stack, issuer: { ...stack.issuer, jwksURL: lane.jwksURL }, target: { ...stack.target, baseURL: lane.baseURL } } : stack
  const kit: LifecycleKit = {
    ...probeKit(lifecycle, run),
    settings: run.keys,
    send: (probe) => exchangeFor(probe, lifecycle, run),
    control: controlClient(lifecycle.issuer, lane && spec.lane),
  }
  try {
    const { verdict, reason, severityCap, exchange } = await spec.scenario(kit)
    return { verdict, reason, severityCap, decisive: exchange, measured: true }
  } catch (error) {
    return failure(error)
  } finally {
    // A scenario that broke the JWKS must not leave it broken for the next one.
    await kit.control.fault('none').catch(() => {})
  }
}

/** Interactions run on the profile's main target; every request is a labelled step. */
async function interaction(spec: InteractionCase, baseKit: ProbeKit, context: ProfileContext, run: RunSettings): Promise<Outcome> {
  const steps: Step[] = []
  const undo: (() => Promise<unknown>)[] = []
  // A page load plus its fetch: twice the budget of one request.
  const browser = browserKit(run.browser, context.issuer, run.requestTimeoutMs * 2)
  const control = controlClient(context.issuer)
  const kit: InteractionKit = {
    ...baseKit,
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
      signOut: (user) => signOut({ ...context.issuer, profile: context.profile }, user),
      expireSession: (user) => control.expireSession(user.sessionToken ?? ''),
    },
    afterwards: (step) => void undo.push(step),
  }
  // The steps so far, whatever the verdict; the clean-up below is not one of them.
  const withSteps = (outcome: Outcome): Outcome => ({ ...outcome, steps: [...steps], targetMs: steps.reduce((sum, step) => sum + step.exchange.ms, 0) })
  try {
    const { verdict, reason, severityCap, measured, decisive } = await spec.interact(kit)
    return withSteps({ verdict, reason, severityCap, measured, decisive: decisive ?? steps.at(-1)?.exchange })
  } catch (error) {
    return withSteps(failure(error))
  } finally {
    // What the case created goes, in reverse order, whatever the verdict.
    for (const step of undo.reverse()) await step().catch(() => {})
  }
}
