/**
 * The set of event types one source may send: the canonical types (optionally narrowed to the
 * source's allowed list) plus the custom types it declared. Schemas are compiled once, when the
 * registry is built, and reused for every record.
 */
import type { TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { EventTypeDefinition } from './custom-schema.ts';
import {
  CANONICAL_ATTRIBUTE_SCHEMAS,
  CANONICAL_EVENT_TYPES,
  CANONICAL_SCHEMA_VERSION,
  refineCanonical,
  type CanonicalEventType,
} from './event-schemas.ts';

export interface RegisteredEventType {
  readonly name: string;
  readonly version: number;
  readonly canonical: boolean;
  readonly attributes: TObject;
  readonly check: TypeCheck<TObject>;
  readonly refine: (attributes: Readonly<Record<string, unknown>>) => { readonly path: string; readonly message: string } | undefined;
}

export interface EventRegistry {
  /** The registered type, or undefined when the type is unknown. */
  lookup(type: string): RegisteredEventType | undefined;
  /** False when the type exists but this source is not allowed to send it. */
  allows(type: string): boolean;
  readonly types: readonly string[];
}

export interface EventRegistryOptions {
  readonly custom?: readonly EventTypeDefinition[];
  /** Types the source may send; when absent, every registered type. */
  readonly allowedTypes?: readonly string[];
}

const canonicalCompiled = new Map<string, RegisteredEventType>(
  CANONICAL_EVENT_TYPES.map((name: CanonicalEventType) => {
    const attributes: TObject = CANONICAL_ATTRIBUTE_SCHEMAS[name];
    return [
      name,
      {
        name,
        version: CANONICAL_SCHEMA_VERSION,
        canonical: true,
        attributes,
        check: TypeCompiler.Compile(attributes),
        refine: (a) => refineCanonical(name, a),
      },
    ];
  }),
);

export function createEventRegistry(options: EventRegistryOptions = {}): EventRegistry {
  const entries = new Map(canonicalCompiled);
  for (const def of options.custom ?? []) {
    entries.set(def.name, {
      name: def.name,
      version: def.version,
      canonical: false,
      attributes: def.attributes,
      check: TypeCompiler.Compile(def.attributes),
      refine: () => undefined,
    });
  }
  const allowed = options.allowedTypes === undefined ? undefined : new Set(options.allowedTypes);
  return {
    lookup: (type) => entries.get(type),
    allows: (type) => entries.has(type) && (allowed === undefined || allowed.has(type)),
    types: [...entries.keys()].filter((t) => allowed === undefined || allowed.has(t)),
  };
}
