/**
 * What a quarantined record may keep: its raw payload with every patient identifier replaced by
 * its keyed pseudonym before it is stored. The raw shape is unknown (it failed validation), so
 * identifiers are found by name: known identifying keys (patient, subject, identifier, name,
 * telecom, …) and the schema-marked attributes of the record's type have every scalar beneath
 * them pseudonymised; `Patient/<id>` references anywhere keep only the pseudonym; a FHIR Patient
 * resource keeps nothing but pseudonyms; and any other value that looks like an identifier
 * (identifier-detect.ts: an identity, mobile or labelled record number) is pseudonymised too, so a
 * record refused for carrying one in the wrong place does not keep it in quarantine. Strings are clipped and made storable (no NUL, no lone
 * surrogates). A record that could not be parsed keeps no payload at all.
 */
import type { TSchema } from '@sinclair/typebox';
import { storableText } from './commit-service.ts';
import { findIdentifier, findIdentifierIn } from './identifier-detect.ts';
import { PSEUDONYM_PATTERN } from './pseudonymise.ts';
import type { EventRegistry } from './registry.ts';
import { PATIENT_IDENTIFYING } from './schema-kit.ts';

const PII_KEYS = new Set([
  'patient', 'patientid', 'patient_id', 'patientname', 'subject', 'beneficiary', 'identifier', 'name', 'given', 'family', 'telecom',
  'phone', 'mobile', 'email', 'address', 'birthdate', 'idcard', 'idnumber', 'id_card', 'mrn', 'ssn', 'guarantor', 'contact', 'insuranceno',
  // Pinyin abbreviations Chinese HIS exports use: 身份证号, 证件号码, 手机号(码), 联系电话, 病案号, 病历号, 住院号.
  'sfzh', 'sfzhm', 'zjhm', 'sjh', 'sjhm', 'lxdh', 'bah', 'blh', 'zyh',
]);
const MAX_STRING = 1024;
const MAX_ITEMS = 200;
const MAX_DEPTH = 40;
const PATIENT_REF = /^(.*\bPatient\/)([^/?#]+)(.*)$/s;

function storable(s: string): string {
  return storableText(s.length > MAX_STRING ? s.slice(0, MAX_STRING) : s);
}

/** Attribute names the record's type marks as patient-identifying (when the type is known). */
function identifyingAttributes(raw: unknown, registry: EventRegistry | undefined): ReadonlySet<string> {
  if (registry === undefined || typeof raw !== 'object' || raw === null) return new Set();
  const typeName = (raw as Record<string, unknown>)['type'];
  const type = typeof typeName === 'string' ? registry.lookup(typeName) : undefined;
  const props = (type?.attributes['properties'] ?? {}) as Record<string, TSchema>;
  return new Set(Object.entries(props).filter(([, s]) => s[PATIENT_IDENTIFYING] === true).map(([k]) => k.toLowerCase()));
}

export function pseudonymiseRawPayload(raw: unknown, pseudonymise: (raw: string) => string, registry?: EventRegistry): unknown {
  const marked = identifyingAttributes(raw, registry);
  const walk = (value: unknown, depth: number, hide: boolean, key: string): unknown => {
    if (depth > MAX_DEPTH) return '[nested too deep]';
    if (typeof value === 'string') {
      // `Patient/<id>` keeps its shape so a re-processed reference still resolves to the same pseudonym.
      const ref = PATIENT_REF.exec(value);
      if (ref) {
        const id = ref[2] ?? '';
        return storable(`${ref[1] ?? ''}${PSEUDONYM_PATTERN.test(id) ? id : pseudonymise(id)}${ref[3] ?? ''}`);
      }
      if (hide) return PSEUDONYM_PATTERN.test(value) ? value : pseudonymise(value);
      return findIdentifier(value) === undefined ? storable(value) : pseudonymise(value);
    }
    if (typeof value === 'number') return hide || findIdentifierIn(value) !== undefined ? pseudonymise(String(value)) : Number.isFinite(value) ? value : null;
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v: unknown) => walk(v, depth + 1, hide, key));
    const obj = value as Record<string, unknown>;
    const patientResource = obj['resourceType'] === 'Patient';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj).slice(0, MAX_ITEMS)) {
      const lower = k.toLowerCase();
      const hideBelow = hide || PII_KEYS.has(lower) || (key === 'attributes' && marked.has(lower)) || (patientResource && k !== 'resourceType');
      out[storable(k)] = walk(v, depth + 1, hideBelow, lower);
    }
    return out;
  };
  return walk(raw, 0, false, '');
}

/** For re-processing: values that already are pseudonyms are kept, anything else is pseudonymised. */
export function idempotentPseudonymiser(pseudonymise: (raw: string) => string): (raw: string) => string {
  return (raw) => (PSEUDONYM_PATTERN.test(raw.trim()) ? raw.trim() : pseudonymise(raw));
}
