/**
 * Reading FHIR R4 references the way Synthea and real servers write them: relative
 * (`Patient/123`), absolute (`https://x/fhir/Patient/123`), bundle-local (`urn:uuid:…`, resolved
 * through the bundle's fullUrls) and conditional (`Practitioner?identifier=system|value`).
 */
export type FhirResource = Readonly<Record<string, unknown>> & { readonly resourceType: string };

/** Looks a reference up among resources the caller knows (the bundle, or preloaded ones). */
export type ReferenceResolver = (reference: string) => FhirResource | undefined;

export interface ParsedReference {
  readonly raw: string;
  readonly resourceType?: string;
  readonly id?: string;
  /** `system|value` of a conditional reference. */
  readonly identifier?: string;
  readonly resource?: FhirResource;
}

type Json = Readonly<Record<string, unknown>>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
export const obj = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);
export const arr = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

const RELATIVE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

export function parseReference(value: unknown, resolve?: ReferenceResolver): ParsedReference | undefined {
  const raw = str(obj(value)?.['reference']);
  if (raw === undefined) return undefined;
  const resource = resolve?.(raw);
  if (resource !== undefined) {
    return { raw, resourceType: resource.resourceType, id: str(resource['id']) ?? uuidOf(raw), resource };
  }
  const q = raw.indexOf('?');
  if (q > 0) {
    const params = new URLSearchParams(raw.slice(q + 1));
    const identifier = params.get('identifier') ?? undefined;
    return { raw, resourceType: raw.slice(0, q), ...(identifier ? { identifier } : {}) };
  }
  const uuid = uuidOf(raw);
  if (uuid !== undefined) return { raw, id: uuid };
  const m = RELATIVE.exec(raw);
  return m ? { raw, resourceType: m[1], id: m[2] } : { raw };
}

function uuidOf(raw: string): string | undefined {
  return raw.startsWith('urn:uuid:') ? raw.slice('urn:uuid:'.length) : undefined;
}

/** `system|value` and `value` of every identifier of a resource. */
export function identifierKeys(resource: Json | undefined): string[] {
  const keys: string[] = [];
  for (const ident of arr(resource?.['identifier'])) {
    const value = str(obj(ident)?.['value']);
    if (value === undefined) continue;
    const system = str(obj(ident)?.['system']);
    if (system !== undefined) keys.push(`${system}|${value}`);
    keys.push(value);
  }
  return keys;
}

/** Keys an org-unit map may use for an organisation reference, most specific first. */
export function organisationKeys(ref: ParsedReference): string[] {
  const keys = [ref.raw];
  if (ref.id !== undefined) keys.push(`Organization/${ref.id}`, `urn:uuid:${ref.id}`);
  if (ref.identifier !== undefined) {
    keys.push(ref.identifier);
    const bar = ref.identifier.lastIndexOf('|');
    if (bar >= 0) keys.push(ref.identifier.slice(bar + 1));
  }
  keys.push(...identifierKeys(ref.resource));
  return keys;
}

/** A stable key for a person reference: the identifier value when conditional, else the id. */
export function personKey(ref: ParsedReference | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.identifier !== undefined) return ref.identifier.slice(ref.identifier.lastIndexOf('|') + 1) || undefined;
  return ref.id;
}

/** The patient key that gets pseudonymised: logical id, or `system|value` when conditional. */
export function patientKey(ref: ParsedReference | undefined): string | undefined {
  if (ref === undefined) return undefined;
  if (ref.resourceType !== undefined && ref.resourceType !== 'Patient') return undefined;
  return ref.identifier ?? ref.id;
}

export function codeableText(value: unknown): string | undefined {
  const cc = obj(value);
  const coding = obj(arr(cc?.['coding'])[0]);
  return str(cc?.['text']) ?? str(coding?.['display']) ?? str(coding?.['code']);
}

export function codes(value: unknown): string[] {
  return arr(obj(value)?.['coding'])
    .map((c) => str(obj(c)?.['code']))
    .filter((c): c is string => c !== undefined);
}
