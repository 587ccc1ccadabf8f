import type { KeySettings, Principal, ProfileContext } from '../../harness/context.ts'
import type { ControlClient } from '../support/control.ts'
import type { Segment } from '../../harness/jws.ts'
import type { Profile } from '../../harness/profiles.ts'
import type { Severity } from '../../harness/severity.ts'
import type { Verdict } from '../../harness/verdict.ts'
import type { Exchange } from '../support/exchange.ts'

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
 * parameters; `watch` names attacker nonces whose fetches become evidence.
 */
export interface Probe {
  token?: MaybePromise<string>
  authorization?: MaybePromise<string | null>
  query?: Record<string, MaybePromise<string>>
  watch?: string[]
  /** Longer than the run's request timeout, for cases that measure a delay. */
  timeoutMs?: number
}

export interface Judgement {
  verdict: Exclude<Verdict, 'error'>
  reason: string
  /** Caps the case's severity when the problem found is milder (a crash rather than an accept). */
  severityCap?: Severity
}

export interface JudgeContext {
  user: { a: Principal; b: Principal }
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
  /** One line: how to fix a verifier that fails this case. */
  fix: string
  profiles?: 'all' | readonly Profile[]
  /** Why the case skips the other profiles (default: "does not apply to the X profile"). */
  profilesReason?: string
  /** A reason to skip in this run (e.g. no separate API audience configured), or undefined. */
  notApplicable?: (kit: ProbeKit) => string | undefined
  /** Config this case needs; without it the case is skipped with a reason. */
  needs?: 'meId'[]
  /** Only the valid-token case itself runs when the baseline failed. */
  isBaseline?: boolean
}

/** A case that sends requests: one, or several (the worst answer decides). */
export interface ProbingCase extends CaseBase {
  probe: (kit: ProbeKit) => MaybePromise<Probe | Probe[]>
  expect: Judge
}

/** A case judged from what the harness knows, without a request (e.g. the shared secret's strength). */
export interface AssessingCase extends CaseBase {
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
  scenario: (kit: LifecycleKit) => Promise<ScenarioOutcome>
}

export type CaseSpec = ProbingCase | AssessingCase | ScenarioCase

export type Case = CaseSpec & { suite: string }

const ID = /^[a-z0-9]+(-[a-z0-9]+)*\/[a-z0-9]+(-[a-z0-9]+)*$/

export function defineCase(spec: CaseSpec): Case {
  if (!ID.test(spec.id)) throw new Error(`case id ${spec.id} is not kebab-case suite/name`)
  return { ...spec, suite: spec.id.split('/')[0]! }
}
