import type { KeySettings, Principal, ProfileContext } from './context.ts'
import type { ControlClient, JwksLane, KeySetShape } from './protocol/control.ts'
import type { Segment } from './jws.ts'
import type { Profile } from './profiles.ts'
import type { Severity } from './severity.ts'
import type { Verdict } from './verdict.ts'

/** One request to the target and its answer: what judges read and what evidence shows. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string }
  /** 0 when no HTTP answer came (see `dropped`). */
  status: number
  /** What happened instead of a whole answer, in words after its code (`ECONNRESET: …`); with a status, how the body was cut off. */
  dropped?: string
  headers: Record<string, string>
  body: string
  ms: number
  /** Attacker-server paths the target fetched while answering (SSRF evidence). */
  attackerFetches?: string[]
  /** Made by a page in Chromium: what the page could see (CORS decides, not the wire). */
  browser?: string
}

type MaybePromise<T> = T | Promise<T>

/** What a probe can use to build its one-change request. */
export interface ProbeKit {
  profile: Profile
  user: { a: Principal; b: Principal }
  issuer: Omit<ProfileContext['issuer'], 'controlKey'>
  /** The user's real token with claim (and header) changes, signed with the issuer's real key. */
  mint(user: Principal, claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>
  /**
   * Exact header and payload signed with the issuer's real key (or, for an HS* `alg`, its
   * BETTER_AUTH_SECRET); `alg` may be an in-family swap (PS256 with an RS256 key).
   */
  signAsIssuer(header: Segment, payload: Segment, alg?: string, kid?: string): Promise<string>
  /** The signature segment over exact signing-input text (for inputs that are not base64url). */
  signInput(input: string, alg?: string): Promise<string>
  /** The published example secrets teams copy from guides (fixtures/wordlists). */
  publishedSecrets: readonly string[]
  /** The attacker's loopback server: URLs whose fetches are recorded under `nonce`. */
  attacker: {
    nonce(): string
    /** A URL that serves `body` (a JWKS as json, a certificate as pem). */
    serving(nonce: string, body: string, type: 'json' | 'pem'): string
    /** A URL nothing legitimate should ever fetch. */
    internal(nonce: string): string
  }
}

/**
 * A probe is a valid request with ONE named change. `token` becomes `Authorization: Bearer
 * <token>`; `authorization` sets that header verbatim (`null`: send none); `query` adds URL
 * parameters, `headers` other headers; `watch` names attacker nonces whose fetches become evidence.
 */
export interface Probe {
  token?: MaybePromise<string>
  authorization?: MaybePromise<string | null>
  query?: Record<string, MaybePromise<string>>
  /** Headers besides Authorization (an Origin a browser at another site sends). */
  headers?: Record<string, string>
  watch?: string[]
  /** Longer than the run's request timeout, for cases that measure a delay. */
  timeoutMs?: number
}

export interface Judgement {
  verdict: Exclude<Verdict, 'error'>
  reason: string
  /** Caps the case's severity when the problem found is milder (a crash rather than an accept). */
  severityCap?: Severity
  /**
   * Only the time failed: the runner asks once more and judges that answer, since a loaded
   * machine can be slow once, while a costly parse is slow every time.
   */
  slow?: boolean
}

export interface JudgeContext {
  user: { a: Principal; b: Principal }
  /** Where the caller's id is in the answer judged: set when the probe went to the identity route. */
  meId?: string
}

export type Judge = (exchange: Exchange, context: JudgeContext) => Judgement

interface CaseBase {
  /** Stable, kebab-case, `suite/name`; the key the CLI and config select by. */
  id: string
  title: string
  severity: Severity
  /** Spec sections, e.g. `RFC8725-3.10`, `RFC7519-4.1.4`. */
  refs: string[]
  /**
   * One line: how to fix a verifier that fails this case, in this case's own terms (reports show
   * it next to the verdict). The short form of the fix; `remedy` is the long form.
   */
  fix: string
  /**
   * The name of the remedy `authconform explain` shows: the class of bug this case finds, why
   * it matters and the fix per library. A string here; the catalogue's defineCase types it as
   * its RemedyName. How the two texts relate: `fix` is the short form, what to change for this
   * finding, and stands alone in every report; the remedy is the long form, shared by its
   * class, with the reasons and the code. A `fix` may say the remedy's title in fewer words,
   * never contradict it.
   */
  remedy: string
  profiles?: 'all' | readonly Profile[]
  /** Why the case skips the other profiles (default: "does not apply to the X profile"). */
  profilesReason?: string
  /** A reason to skip in this run (e.g. no separate API audience configured), or undefined. */
  notApplicable?: (kit: ProbeKit) => string | undefined
  /**
   * What this case needs: config (`identity`: a route that says who the caller is, `resource`
   * routes, `database`, `sessionTokens`; without it the case is skipped with a reason), a backend browsers call (`frontend`;
   * `target.cors: false` skips it) or Chromium (`browser`; started only when a selected case needs it).
   */
  needs?: ('identity' | 'resource' | 'database' | 'sessionTokens' | 'frontend' | 'browser')[]
  /**
   * Only the valid-token case itself runs when the baseline failed; with `keySet`, the case that
   * sends the valid token to that shape's instance (its baseline), which the others there need.
   */
  isBaseline?: boolean
  /**
   * Runs on the target instance that reads the issuer's key set in this shape (keys without
   * alg, behind an unknown or a broken key, marked use "enc") instead of the main one.
   */
  keySet?: KeySetShape
  /**
   * How long the case may take, where a minute is not enough: a wordlist's hundreds of requests
   * against a verifier that refetches its JWKS for each.
   */
  budgetMs?: number
}

/** A case that sends requests: one, or several (the worst answer decides). */
export interface ProbingCase extends CaseBase {
  kind: 'probe'
  /**
   * The judge reads whom the target took the caller for when it can: the probe goes to the
   * identity route (me, or create) when there is one. `needs: ['identity']` implies it.
   */
  readsIdentity?: boolean
  probe: (kit: ProbeKit) => MaybePromise<Probe | Probe[]>
  expect: Judge
}

/** A case judged from what the harness knows, without a request (e.g. the shared secret's strength). */
export interface AssessingCase extends CaseBase {
  kind: 'assess'
  assess: (kit: ProbeKit) => Judgement
}

/** The issuer's levers over its keys and JWKS, for the key lifecycle scenarios. */
export interface LifecycleKit extends ProbeKit {
  settings: KeySettings
  /** One request to this profile's lifecycle target instance. */
  send(probe: Probe): Promise<Exchange>
  control: ControlClient
}

export interface ScenarioOutcome extends Judgement {
  /** The request that decided the verdict, for evidence and replay. */
  exchange?: Exchange
}

/**
 * A case that plays a sequence on its own issuer and target instance (rotate, wait, remove,
 * break the JWKS) and judges what it observed; scenarios of one profile run one at a time.
 */
export interface ScenarioCase extends CaseBase {
  kind: 'scenario'
  scenario: (kit: LifecycleKit) => Promise<ScenarioOutcome>
  /**
   * Waits for a refetch of its own: it runs on its lane's target instance, beside the other
   * scenarios, with `kit.control` scoped to the lane. Without one it runs in turn with the
   * scenarios that share the lifecycle instance (and so does a laned one whose instance
   * cannot serve: it did not start, or never fetched its lane's URL).
   */
  lane?: JwksLane
}

/** A request to the target as a user (`as`), or with a raw `authorization` (null: none). */
export interface TargetRequest {
  method: string
  path: string
  as?: Principal
  authorization?: string | null
  json?: unknown
  headers?: Record<string, string>
}

/** What a case sees of a page's `fetch` in Chromium: an answer it could read, or the error. */
export interface PageFetch {
  origin: string
  readable: boolean
  status?: number
  body?: string
  /** The exception `fetch` threw (CORS blocks surface as "TypeError: Failed to fetch"). */
  error?: string
}

export interface BrowserKit {
  /** Runs `fetch` in a page at `origin` (cross-origin, so no cookies go with it); the page may have served an earlier probe. */
  fetchFrom(origin: string, url: string, init: { headers?: Record<string, string>; credentials?: 'omit' | 'include' }): Promise<PageFetch>
  /** Runs `script(arg)` in a page at `url` (the issuer's sign-in page) with the run's browser cookies (a sign-in's session stays for the next call) and returns its result. */
  evaluateAt<A, R>(url: string, script: (arg: A) => Promise<R>, arg: A): Promise<R>
  disallowedOrigin: string
}

export interface IssuerAdmin {
  /** A throwaway real user, signed up through the issuer's HTTP API, with a real token. */
  signUp(): Promise<Principal>
  deleteUser(id: string): Promise<void>
  /** Signs the user out through Better Auth (its session row is deleted). */
  signOut(user: Principal): Promise<void>
  /** Moves the user's session's expiresAt into the past. */
  expireSession(user: Principal): Promise<void>
}

/**
 * What an interaction case can do on the profile's main target: requests as users A and B
 * (each a labelled step in the evidence), the resource routes, a browser, the issuer's users.
 */
export interface InteractionKit extends ProbeKit {
  target: ProfileContext['target']
  request(label: string, request: TargetRequest): Promise<Exchange>
  /** Records a step made outside `request` (a page's fetch in Chromium). */
  record(label: string, exchange: Exchange): void
  browser: BrowserKit
  issuerAdmin: IssuerAdmin
  /** Runs after the case whatever its verdict (deleting what it created). */
  afterwards(undo: () => Promise<unknown>): void
}

export interface InteractionOutcome extends Judgement {
  /** The step that decided the verdict (evidence and replay); default the last one. */
  decisive?: Exchange
  /** The reason reports a measurement worth showing on a pass too. */
  measured?: boolean
}

/** A case that plays several requests (A creates, B reads A's item) and judges them together. */
export interface InteractionCase extends CaseBase {
  kind: 'interaction'
  interact(kit: InteractionKit): Promise<InteractionOutcome>
}

/** A case, of one of four kinds; `kind` says which (and how the engine runs it). */
export type CaseSpec = ProbingCase | AssessingCase | ScenarioCase | InteractionCase

export type CaseKind = CaseSpec['kind']

export type Case = CaseSpec & { suite: string }

const ID = /^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/

export function defineCase(spec: CaseSpec): Case {
  if (!ID.test(spec.id)) throw new Error(`case id ${spec.id} is not kebab-case suite/name`)
  return { ...spec, suite: spec.id.split('/')[0]! }
}
