// What a verifier module's config gives the TypeScript snippets, which use these names without
// defining them. A script, so the names are global: in this directory's program only (the
// repository's tsconfig leaves the directory to tsconfig.json here).
declare const JWKS_URL: string
declare const ISSUER: string
declare const AUDIENCE: string
declare const BETTER_AUTH_URL: string
declare const API_AUDIENCE: string

// cors 2.8 ships no types and @types/cors is not installed: its documented options, so a
// misspelt one fails.
declare module 'cors' {
  import type { RequestHandler } from 'express'
  type Origin = boolean | string | RegExp | (string | RegExp)[]
  interface CorsOptions {
    origin?: Origin
    methods?: string | string[]
    allowedHeaders?: string | string[]
    exposedHeaders?: string | string[]
    credentials?: boolean
    maxAge?: number
    preflightContinue?: boolean
    optionsSuccessStatus?: number
  }
  export default function cors(options?: CorsOptions): RequestHandler
}
