/**
 * `target.headers`: what every request to the target carries (an API key, a tenant, the Origin
 * the frontend always sends). A header the case sets itself, under any spelling of the name,
 * wins: a case's one change is never undone by the config.
 */

/** RFC 9110 5.6.2: a field name is a token. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Names target.headers may not set (lower case), with why. */
export const RESERVED_HEADERS: Readonly<Record<string, string>> = {
  authorization: 'the cases set Authorization themselves (a valid token, a forged one or none)',
  // fetch refuses these: every request would fail.
  connection: 'the HTTP client manages the connection',
  'keep-alive': 'the HTTP client manages the connection',
  upgrade: 'the HTTP client manages the connection',
  'transfer-encoding': 'the HTTP client frames each body itself',
  'content-length': 'the HTTP client frames each body itself',
  expect: 'the HTTP client does not send it',
}

/** The case's own headers, then every configured one whose name the case did not set. */
export function withTargetHeaders(configured: Readonly<Record<string, string>> | undefined, own: Readonly<Record<string, string>>): Record<string, string> {
  const taken = new Set(Object.keys(own).map((name) => name.toLowerCase()))
  return { ...own, ...Object.fromEntries(Object.entries(configured ?? {}).filter(([name]) => !taken.has(name.toLowerCase()))) }
}
