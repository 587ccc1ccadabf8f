export const ISSUER_MANIFEST: string
export const ISSUER_LOCK: string
export const ISSUER_DEPENDENCIES: string[]
/** The issuer image's package.json and lock (file path → text), derived from the repository's. */
export function issuerFiles(root?: string): Record<string, string>
