import { valueAt, withValueAt, type Definition, type FieldSpec } from './rule-templates.ts';

/**
 * The editor's text per field and back. Conversion is lenient on purpose: a number that does not
 * parse, an empty required field or a wrong type is sent as typed, so the server's validation —
 * the one source of truth — reports it at the field. Only JSON that cannot be parsed at all is
 * caught here, since it cannot be sent as a value.
 */
export type FieldTexts = Record<string, string>;

export function toTexts(def: Definition, specs: readonly FieldSpec[]): FieldTexts {
  const out: FieldTexts = {};
  for (const spec of specs) {
    const v = valueAt(def, spec.path);
    switch (spec.type) {
      case 'json':
        out[spec.path] = v === undefined ? '' : JSON.stringify(v, null, 2);
        break;
      case 'list':
        out[spec.path] = Array.isArray(v) ? v.map(String).join(', ') : '';
        break;
      case 'checkbox':
        out[spec.path] = v === true ? 'true' : 'false';
        break;
      case 'text':
      case 'textarea':
      case 'number':
      case 'integer':
      case 'select':
      case 'org':
      case 'indicator':
        out[spec.path] = v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    }
  }
  return out;
}

function fromText(spec: FieldSpec, text: string): { value: unknown } | { error: 'json' } {
  const trimmed = text.trim();
  switch (spec.type) {
    case 'json':
      if (trimmed === '') return { value: undefined };
      try {
        return { value: JSON.parse(trimmed) as unknown };
      } catch {
        return { error: 'json' };
      }
    case 'list': {
      const items = trimmed.split(/[,，]/).map((s) => s.trim()).filter((s) => s !== '');
      return { value: items.length === 0 && spec.optional === true ? undefined : items };
    }
    case 'checkbox':
      return { value: text === 'true' };
    case 'number':
    case 'integer':
      if (trimmed === '') return { value: spec.optional === true ? undefined : trimmed };
      return { value: Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed };
    case 'select':
      return { value: spec.numeric === true && Number.isFinite(Number(text)) ? Number(text) : text };
    case 'text':
    case 'textarea':
    case 'org':
    case 'indicator':
      return { value: trimmed === '' && spec.optional === true ? undefined : text };
  }
}

/** The definition `base` with every field's text applied; `jsonErrors` names the fields whose JSON does not parse. */
export function fromTexts(base: Definition, texts: FieldTexts, specs: readonly FieldSpec[]): { definition: Definition; jsonErrors: readonly string[] } {
  let definition = base;
  const jsonErrors: string[] = [];
  for (const spec of specs) {
    const r = fromText(spec, texts[spec.path] ?? '');
    if ('error' in r) jsonErrors.push(spec.path);
    else definition = withValueAt(definition, spec.path, r.value);
  }
  return { definition, jsonErrors };
}

/** Server errors that belong to no field the form shows (shown together above the form). */
export function unplacedErrors(errors: Readonly<Record<string, string>>, specs: readonly FieldSpec[]): [string, string][] {
  return Object.entries(errors).filter(([path]) => !specs.some((s) => path === s.path || path.startsWith(`${s.path}/`)));
}
