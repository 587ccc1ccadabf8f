/**
 * `target.env` maps what authconform injects into a started target onto the names a backend
 * reads: a value's `${JWKS_URL}` becomes the issuer's JWKS URL, so `BETTER_AUTH_JWKS_URL:
 * '${JWKS_URL}'` needs no wrapper script. Only the braced form of an injected name expands;
 * `$${` is a literal `${`, and any other `$` stays as written (no shell reads these values, so
 * `$HOME` is the five characters). An unknown `${NAME}` is a config error, not an empty string.
 */

/** What a started target is given (environment/target.ts targetEnv), in the README's order. */
export const INJECTED_ENV = ['PORT', 'BETTER_AUTH_URL', 'JWKS_URL', 'JWT_ISSUER', 'API_AUDIENCE', 'JWT_ALGORITHMS', 'BETTER_AUTH_SECRET'] as const
/** Injected only with `target.database`: Better Auth's database, through a role that can only read. */
export const DATABASE_ENV = 'DATABASE_URL'
export type InjectedName = (typeof INJECTED_ENV)[number] | typeof DATABASE_ENV

const KNOWN = new Set<string>([...INJECTED_ENV, DATABASE_ENV])
/** `$${` (an escaped `${`), `${NAME}`, or an unclosed `${`. */
const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g

const known = () => [...INJECTED_ENV, DATABASE_ENV].map((name) => `\${${name}}`).join(', ')

/** Whether a value uses `${DATABASE_URL}`, which has a value only with target.database. */
export const usesDatabaseUrl = (value: string) => value.includes(`\${${DATABASE_ENV}}`)

/** Why `value` cannot be expanded (the first problem), or undefined. */
export function envTemplateProblem(value: string): string | undefined {
  for (const match of value.matchAll(REFERENCE)) {
    if (match[0] === '$${') continue
    if (match[1] === undefined) return `"\${" is not closed by "}" (write "$\${" for a literal "\${")`
    if (!KNOWN.has(match[1])) return `unknown \${${match[1]}}: the names authconform injects are ${known()} (write "$\${" for a literal "\${")`
  }
  return undefined
}

/**
 * Why `target.env` cannot set `name` to `value`, or undefined. PORT is the one injected name it
 * may not move: authconform picks the port and probes the target there.
 */
export function envEntryProblem(name: string, value: string): string | undefined {
  if (name === 'PORT' && value !== '${PORT}') return `authconform picks the port and probes the target on it; listen on $PORT, or hand it on under your own name (e.g. HTTP_PORT: '\${PORT}')`
  return envTemplateProblem(value)
}

/** `value` with each `${NAME}` replaced by the injected value and each `$${` by `${`. */
export function expandEnvTemplate(value: string, injected: Partial<Record<InjectedName, string>>): string {
  return value.replace(REFERENCE, (text, name: string | undefined) => {
    if (text === '$${') return '${'
    const expanded = name === undefined ? undefined : injected[name as InjectedName]
    // The config was checked (envTemplateProblem); only a caller without a PORT gets here.
    if (expanded === undefined) throw new Error(`target.env: ${text} has no value here`)
    return expanded
  })
}

/**
 * The env a started target gets on top of the harness's own: the injected coordinates, then
 * `target.env` expanded, which wins (a backend that reads JWKS_URL differently may redefine it).
 */
export function startedTargetEnv(configured: Record<string, string>, injected: Partial<Record<InjectedName, string>>): Record<string, string> {
  const mapped = Object.fromEntries(Object.entries(configured).map(([name, value]) => [name, expandEnvTemplate(value, injected)]))
  return { ...(injected as Record<string, string>), ...mapped }
}
