import type { Queryable } from '../store/index.ts';
import type { BulletinData, SectionKind } from './bulletin-data.ts';
import type { BulletinKind, BulletinSchedule } from './schedule.ts';

export interface TemplateRecord {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly kind: BulletinKind;
  readonly orgUnitId: number;
  readonly orgCode: string;
  readonly orgPath: string;
  readonly sections: readonly SectionKind[];
  readonly headline: readonly string[];
  readonly schedule: BulletinSchedule;
  readonly enabled: boolean;
  readonly updatedAt: Date;
}

export interface BulletinRecord {
  readonly id: number;
  readonly templateId: number;
  readonly templateCode: string;
  readonly orgPath: string;
  readonly periodKey: string;
  readonly version: number;
  readonly data: BulletinData;
  readonly dataHash: string;
  readonly trigger: 'schedule' | 'manual' | 'late_data';
  readonly generatedAt: Date;
}

interface TemplateRow {
  id: number; code: string; name: string; kind: BulletinKind; org_unit_id: number; org_code: string; org_path: string;
  sections: SectionKind[]; headline: string[]; schedule: BulletinSchedule; enabled: boolean; updated_at: Date;
}

const templateSelect = `SELECT t.*, o.code AS org_code, o.path AS org_path FROM bulletin_template t JOIN org_unit o ON o.id = t.org_unit_id`;

function toTemplate(r: TemplateRow): TemplateRecord {
  return {
    id: r.id, code: r.code, name: r.name, kind: r.kind, orgUnitId: r.org_unit_id, orgCode: r.org_code, orgPath: r.org_path,
    sections: r.sections, headline: r.headline, schedule: r.schedule, enabled: r.enabled, updatedAt: r.updated_at,
  };
}

export async function listTemplates(db: Queryable, scopePaths: readonly string[]): Promise<TemplateRecord[]> {
  const r = await db.query<TemplateRow>(`${templateSelect} WHERE o.path LIKE ANY ($1) ORDER BY o.path, t.kind, t.code`, [scopePaths.map((p) => `${p}%`)]);
  return r.rows.map(toTemplate);
}

export async function listEnabledTemplates(db: Queryable): Promise<TemplateRecord[]> {
  const r = await db.query<TemplateRow>(`${templateSelect} WHERE t.enabled ORDER BY t.id`);
  return r.rows.map(toTemplate);
}

export async function findTemplate(db: Queryable, idOrCode: string): Promise<TemplateRecord | null> {
  const byId = /^\d{1,15}$/.test(idOrCode);
  const r = await db.query<TemplateRow>(`${templateSelect} WHERE ${byId ? 't.id = $1' : 't.code = $1'}`, [byId ? Number(idOrCode) : idOrCode]);
  const row = r.rows[0];
  return row ? toTemplate(row) : null;
}

export interface TemplateInput {
  readonly code: string;
  readonly name: string;
  readonly kind: BulletinKind;
  readonly orgUnitId: number;
  readonly sections: readonly SectionKind[];
  readonly headline: readonly string[];
  readonly schedule: BulletinSchedule;
  readonly enabled: boolean;
}

export async function insertTemplate(tx: Queryable, t: TemplateInput, now: Date): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO bulletin_template (code, name, kind, org_unit_id, sections, headline, schedule, enabled, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
    [t.code, t.name, t.kind, t.orgUnitId, t.sections, t.headline, JSON.stringify(t.schedule), t.enabled, now],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}

export async function updateTemplate(tx: Queryable, id: number, t: Omit<TemplateInput, 'code' | 'kind' | 'orgUnitId'>, now: Date): Promise<void> {
  await tx.query(
    'UPDATE bulletin_template SET name = $2, sections = $3, headline = $4, schedule = $5, enabled = $6, updated_at = $7 WHERE id = $1',
    [id, t.name, t.sections, t.headline, JSON.stringify(t.schedule), t.enabled, now],
  );
}

interface BulletinRow {
  id: number; template_id: number; template_code: string; org_path: string; period_key: string; version: number; data: BulletinData;
  data_hash: string; trigger: BulletinRecord['trigger']; generated_at: Date;
}

const bulletinSelect = `SELECT b.*, t.code AS template_code, o.path AS org_path
  FROM bulletin b JOIN bulletin_template t ON t.id = b.template_id JOIN org_unit o ON o.id = t.org_unit_id`;

function toBulletin(r: BulletinRow): BulletinRecord {
  return {
    id: r.id, templateId: r.template_id, templateCode: r.template_code, orgPath: r.org_path, periodKey: r.period_key,
    version: r.version, data: r.data, dataHash: r.data_hash, trigger: r.trigger, generatedAt: r.generated_at,
  };
}

export interface BulletinQuery {
  readonly scopePaths: readonly string[];
  readonly templateId?: number;
  readonly periodKey?: string;
  /** Words of the bulletin's figures or texts (search in the stored data). */
  readonly search?: string;
  readonly latestOnly: boolean;
  readonly limit: number;
}

export async function listBulletins(db: Queryable, q: BulletinQuery): Promise<BulletinRecord[]> {
  const where = ['o.path LIKE ANY ($1)'];
  const params: unknown[] = [q.scopePaths.map((p) => `${p}%`)];
  const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
  if (q.templateId !== undefined) add('b.template_id = ?', q.templateId);
  if (q.periodKey !== undefined) add('b.period_key = ?', q.periodKey);
  if (q.search !== undefined && q.search !== '') add(`b.data::text ILIKE '%' || ? || '%'`, q.search.replace(/[\\%_]/g, (c) => `\\${c}`));
  if (q.latestOnly) where.push('b.version = (SELECT max(x.version) FROM bulletin x WHERE x.template_id = b.template_id AND x.period_key = b.period_key)');
  params.push(q.limit);
  const r = await db.query<BulletinRow>(`${bulletinSelect} WHERE ${where.join(' AND ')} ORDER BY b.period_key DESC, t.code, b.version DESC LIMIT $${params.length}`, params);
  return r.rows.map(toBulletin);
}

export async function findBulletin(db: Queryable, id: number): Promise<BulletinRecord | null> {
  const r = await db.query<BulletinRow>(`${bulletinSelect} WHERE b.id = $1`, [id]);
  const row = r.rows[0];
  return row ? toBulletin(row) : null;
}

export async function latestVersion(db: Queryable, templateId: number, periodKey: string): Promise<BulletinRecord | null> {
  const r = await db.query<BulletinRow>(`${bulletinSelect} WHERE b.template_id = $1 AND b.period_key = $2 ORDER BY b.version DESC LIMIT 1`, [templateId, periodKey]);
  const row = r.rows[0];
  return row ? toBulletin(row) : null;
}

export async function insertBulletin(
  tx: Queryable,
  b: { templateId: number; periodKey: string; version: number; data: BulletinData; dataHash: string; trigger: BulletinRecord['trigger']; now: Date },
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO bulletin (template_id, period_key, version, data, data_hash, trigger, generated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [b.templateId, b.periodKey, b.version, JSON.stringify(b.data), b.dataHash, b.trigger, b.now],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}
