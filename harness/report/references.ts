/**
 * Where a case reference points: RFC sections at the RFC Editor, CVEs at NVD, CWEs at
 * MITRE, the OWASP API Security Top 10, WHATWG Fetch sections. Every report that links a
 * reference (HTML, SARIF, explain) reads it from here.
 */
export interface Reference {
  id: string
  /** Human form, e.g. "RFC 8725 §3.1". */
  label: string
  url: string
}

const OWASP_API_2023: Record<string, string> = {
  '1': 'broken-object-level-authorization',
  '2': 'broken-authentication',
  '3': 'broken-object-property-level-authorization',
}

export function reference(id: string): Reference {
  let match: RegExpExecArray | null
  if ((match = /^RFC(\d+)-([\d.]+)$/.exec(id))) {
    return { id, label: `RFC ${match[1]} §${match[2]}`, url: `https://www.rfc-editor.org/rfc/rfc${match[1]}#section-${match[2]}` }
  }
  if ((match = /^CVE-\d{4}-\d+$/.exec(id))) return { id, label: id, url: `https://nvd.nist.gov/vuln/detail/${id}` }
  if ((match = /^CWE-(\d+)$/.exec(id))) return { id, label: id, url: `https://cwe.mitre.org/data/definitions/${match[1]}.html` }
  if ((match = /^OWASP-API(\d+)-(\d{4})$/.exec(id))) {
    const slug = OWASP_API_2023[match[1]!] ?? ''
    return { id, label: `OWASP API${match[1]}:${match[2]}`, url: `https://owasp.org/API-Security/editions/${match[2]}/en/0xa${match[1]}-${slug}/` }
  }
  if ((match = /^Fetch-([\d.]+)$/.exec(id))) return { id, label: `WHATWG Fetch §${match[1]}`, url: `https://fetch.spec.whatwg.org/#http-cors-protocol` }
  throw new Error(`unknown reference format: ${id}`)
}
