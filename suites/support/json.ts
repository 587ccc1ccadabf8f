/** A dotted path (`user.id`, `data`) into a parsed value; undefined where it leads nowhere. */
export function readPath(value: unknown, path: string): unknown {
  return path.split('.').reduce<any>((current, key) => (current == null ? undefined : current[key]), value)
}

/** The JSON body of an answer, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/** A dotted path into a JSON body. */
export const readDotted = (body: string, path: string): unknown => readPath(parseJson(body), path)
