/**
 * Ingest core: turns what sources send (JSON arrays, NDJSON, FHIR R4 bundles and bulk NDJSON, CSV
 * and XLSX through a saved column mapping) into validated, pseudonymised CanonicalEvents, one
 * result per record. It owns the versioned event schemas of DOMAIN §3, custom types a source
 * declares, the stable error codes, the content hash used to tell a duplicate re-send from a
 * conflicting one, and the keyed pseudonymisation that keeps raw patient identifiers out of
 * storage. It holds no SQL and no HTTP: services and routes are built on this API.
 */
export { INGEST_ERROR_CODES, type IngestErrorCode, type IngestIssue } from './errors.ts';
export { normaliseDateTime, parseOffsetDateTime } from './date-time.ts';
export { LIMITS, PATIENT_IDENTIFYING } from './schema-kit.ts';
export {
  CANONICAL_ATTRIBUTE_SCHEMAS,
  CANONICAL_EVENT_TYPES,
  CANONICAL_SCHEMA_VERSION,
  CHARGE_CATEGORIES,
  COST_TYPES,
  PAYERS,
  type AttributesOf,
  type CanonicalEventType,
} from './event-schemas.ts';
export { compileCustomSchema, type CompileSchemaResult, type EventTypeDefinition } from './custom-schema.ts';
export { createEventRegistry, type EventRegistry, type EventRegistryOptions, type RegisteredEventType } from './registry.ts';
export {
  validateEvent,
  type CanonicalEvent,
  type CanonicalEventOf,
  type EventAttributes,
  type ValidateOptions,
  type ValidationResult,
} from './validate.ts';
export { stableStringify } from './stable-json.ts';
export { contentHash } from './content-hash.ts';
export { createPseudonymiser, pseudonymise, PSEUDONYM_PATTERN } from './pseudonymise.ts';
export {
  DEFAULT_PARSE_LIMITS,
  type ByteSource,
  type ParseLimits,
  type ParsedRecord,
  type RecordError,
} from './adapters/stream-kit.ts';
export { parseNdjson } from './adapters/ndjson.ts';
export { parseJsonArray } from './adapters/json-array.ts';
export { detectBodyFormat, type BodyFormat } from './adapters/content-type.ts';
export { mapResource, type FhirEntryResult, type FhirMappingOptions } from './adapters/fhir-r4.ts';
export { type FhirResource, type ReferenceResolver } from './adapters/fhir-references.ts';
export {
  bundleResolver,
  bundleResponse,
  mapBundle,
  mapFhirRecords,
  type BundleMapResult,
  type StoredEntryResult,
} from './adapters/fhir-bundle.ts';
export {
  columnForPath,
  compileColumnMapping,
  DEFAULT_TIME_ZONE,
  mapRow,
  rowPath,
  type CellValue,
  type ColumnMapping,
  type MappingResult,
} from './adapters/tabular-mapping.ts';
export { csvRows, parseCsv, parseXlsx, xlsxRows, type RawRow, type TabularRecord } from './adapters/tabular.ts';
export type { IngestCommitConsumer, StoredEvent } from './stored-event.ts';
