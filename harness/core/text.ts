/** Text rules shared by the engine and the catalogue: how untrusted text is shown and quoted. */

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * `text` on one line with its control characters (newlines, terminal escape sequences, C1
 * codes, line separators) written as escapes: what a target sends can neither break a line of
 * the report nor drive the user's terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A POSIX shell word that stands for `text` exactly (curl replays, env lines). */
export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`
