import type { UserConfig } from './schema.ts'

/** Identity function that gives `authconform.config.ts` its types. A plain object works too. */
export function defineConfig(config: UserConfig): UserConfig {
  return config
}
