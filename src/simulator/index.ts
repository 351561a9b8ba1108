/**
 * The simulator: a deterministic, seeded generator of a hospital group's operations (three
 * hospitals, an internet hospital, a call center and a pharmacy delivery service) producing the
 * canonical events of DOMAIN §3 in occurredAt order, with realistic daily, weekly and holiday
 * rhythms, returning patients and money mixes, and a schedule of injected incidents whose ground
 * truth is exported as labels. Everything here is pure except `ingest-client.ts`, which posts
 * NDJSON batches to a yunjian server.
 */
export { simulatedGroup, simulatedSources, type OrgNode, type OrgNodeKind, type SimulatedGroup, type SimulatedSource, type Doctor, type Channel } from './org.ts';
export { simulatedBudgets, type BudgetLine } from './budgets.ts';
export {
  defaultIncidentSchedule,
  incidentLabels,
  incidentLabelsJson,
  parseIncidentSchedule,
  INCIDENT_KINDS,
  DEFAULT_MAGNITUDE,
  type IncidentKind,
  type IncidentLabel,
  type IncidentSpec,
} from './incidents.ts';
export { generateEvents, toNdjsonLine, toWireEvent, type GenerateOptions, type MalformedReason, type SimEvent, type SimulatedRecord } from './generate.ts';
export { EVENT_TYPES, type EventType, type JsonValue } from './sim-context.ts';
export { createIngestClient, pacedBatchSize, type IngestClient, type IngestClientOptions, type BatchResult } from './ingest-client.ts';
