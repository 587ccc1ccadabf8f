/**
 * Where PostgreSQL runs (`--runtime`, config `runtime`): `auto` takes a container runtime when
 * one answers, else the embedded server. In core so the config schema, the CLI's usage and
 * `authconform issuer` read this one list without loading the database stack.
 */
export const RUNTIMES = ['auto', 'docker', 'embedded'] as const
export type Runtime = (typeof RUNTIMES)[number]
