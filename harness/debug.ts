/**
 * Silent by default; `DEBUG=authconform*` (or `authconform:issuer`, …) prints diagnostics to
 * stderr, the convention testcontainers-node and most Node tools share.
 */
function enabledFor(namespace: string): boolean {
  const patterns = (process.env.DEBUG ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  return patterns.some((pattern) => {
    if (pattern === '*') return true
    const regex = new RegExp('^' + pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$')
    return regex.test(namespace)
  })
}

export type Debug = ((message: string, ...rest: unknown[]) => void) & { enabled: boolean }

export function createDebug(name: string): Debug {
  const namespace = `authconform:${name}`
  const enabled = enabledFor(namespace)
  const log = ((message: string, ...rest: unknown[]) => {
    if (!enabled) return
    const extra = rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(' ')
    process.stderr.write(`${new Date().toISOString()} ${namespace} ${message}${extra ? ' ' + extra : ''}\n`)
  }) as Debug
  log.enabled = enabled
  return log
}
