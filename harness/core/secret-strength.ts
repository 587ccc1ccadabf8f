/** The published example secrets teams copy from guides: a wordlist's lines, comments aside (fixtures/wordlists). */
export function parseWordlist(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
}

/** What is known about a shared secret without revealing it: safe to put in a report. */
export interface SecretAssessment {
  bytes: number
  published: boolean
  /** Shannon entropy of the characters, in bits per character. */
  bitsPerChar: number
  problems: string[]
}

export function assessSecret(secret: string, publishedSecrets: readonly string[]): SecretAssessment {
  const bytes = Buffer.byteLength(secret)
  const published = publishedSecrets.some((word) => word.toLowerCase() === secret.toLowerCase())
  const counts = new Map<string, number>()
  for (const char of secret) counts.set(char, (counts.get(char) ?? 0) + 1)
  const length = [...secret].length || 1
  const bitsPerChar = -[...counts.values()].reduce((sum, n) => sum + (n / length) * Math.log2(n / length), 0)
  const problems = [
    ...(bytes < 32 ? [`${bytes} bytes, under the 32 that HS256 needs (RFC 7518 §3.2)`] : []),
    ...(published ? ['published in a guide (fixtures/wordlists/published-secrets.txt)'] : []),
    // Random hex has 4 bits/char, base64 6; English-like passphrases fall near 3-4.
    ...(bitsPerChar < 3.5 ? [`low entropy (${bitsPerChar.toFixed(2)} bits per character)`] : []),
  ]
  return { bytes, published, bitsPerChar: Number(bitsPerChar.toFixed(2)), problems }
}
