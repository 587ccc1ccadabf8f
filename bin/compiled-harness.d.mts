/** The path of the compiled CLI module (next to it: index.js, the package entry), or undefined when it cannot be built here. */
export function compiledHarness(): Promise<string | undefined>
