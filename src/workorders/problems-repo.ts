import type { Queryable } from '../store/index.ts';

/** SQL for the problem library (问题库) and its knowledge base. */
export type ProblemState = 'open' | 'resolved' | 'closed';

export interface Problem {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly orgUnit: string;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly ruleCode: string | null;
  readonly category: string | null;
  readonly ownerId: string;
  readonly proposerId: string;
  readonly plan: string;
  readonly deadline: Date | null;
  readonly state: ProblemState;
  readonly progress: number;
  readonly resolution: string | null;
  readonly createdAt: Date;
  readonly resolvedAt: Date | null;
  readonly closedAt: Date | null;
  readonly links: readonly { kind: 'alert' | 'workorder'; ref: string }[];
  readonly updates: readonly { authorId: string; at: Date; body: string; progress: number | null }[];
}

interface Row {
  id: number; title: string; description: string; code: string; org_unit_id: number; path: string; rule_code: string | null; category: string | null;
  owner_id: number; proposer_id: number; plan: string; deadline: Date | null; state: ProblemState; progress: number; resolution: string | null;
  created_at: Date; resolved_at: Date | null; closed_at: Date | null;
}

const SELECT = 'SELECT p.*, o.code, o.path FROM problem p JOIN org_unit o ON o.id = p.org_unit_id';

async function hydrate(db: Queryable, rows: readonly Row[]): Promise<Problem[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const links = await db.query<{ problem_id: number; kind: 'alert' | 'workorder'; ref: string }>(
    'SELECT problem_id, kind, ref FROM problem_link WHERE problem_id = ANY($1::bigint[]) ORDER BY kind, ref', [ids]);
  const updates = await db.query<{ problem_id: number; author_id: number; at: Date; body: string; progress: number | null }>(
    'SELECT problem_id, author_id, at, body, progress FROM problem_update WHERE problem_id = ANY($1::bigint[]) ORDER BY id', [ids]);
  return rows.map((r) => ({
    id: r.id, title: r.title, description: r.description, orgUnit: r.code, orgUnitId: r.org_unit_id, orgPath: r.path, ruleCode: r.rule_code,
    category: r.category, ownerId: String(r.owner_id), proposerId: String(r.proposer_id), plan: r.plan, deadline: r.deadline, state: r.state,
    progress: r.progress, resolution: r.resolution, createdAt: r.created_at, resolvedAt: r.resolved_at, closedAt: r.closed_at,
    links: links.rows.filter((l) => l.problem_id === r.id).map((l) => ({ kind: l.kind, ref: l.ref })),
    updates: updates.rows.filter((u) => u.problem_id === r.id).map((u) => ({ authorId: String(u.author_id), at: u.at, body: u.body, progress: u.progress })),
  }));
}

export async function findProblem(db: Queryable, id: number, forUpdate = false): Promise<Problem | null> {
  const r = await db.query<Row>(`${SELECT} WHERE p.id = $1${forUpdate ? ' FOR UPDATE OF p' : ''}`, [id]);
  return (await hydrate(db, r.rows))[0] ?? null;
}

export async function listProblems(db: Queryable, scopePaths: readonly string[], state?: ProblemState): Promise<Problem[]> {
  const r = await db.query<Row>(`${SELECT} WHERE o.path LIKE ANY($1::text[]) AND ($2::text IS NULL OR p.state = $2) ORDER BY p.id DESC LIMIT 500`, [
    scopePaths.map((p) => `${p}%`), state ?? null,
  ]);
  return hydrate(db, r.rows);
}

export async function insertProblem(
  tx: Queryable,
  p: { title: string; description: string; orgUnitId: number; ruleCode: string | null; category: string | null; ownerId: number; proposerId: number; plan: string; deadline: Date | null; now: Date },
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO problem (title, description, org_unit_id, rule_code, category, owner_id, proposer_id, plan, deadline, state, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'open',$10) RETURNING id`,
    [p.title, p.description, p.orgUnitId, p.ruleCode, p.category, p.ownerId, p.proposerId, p.plan, p.deadline, p.now],
  );
  return r.rows[0]?.id ?? 0;
}

export async function insertLinks(tx: Queryable, problemId: number, links: readonly { kind: 'alert' | 'workorder'; ref: string }[]): Promise<void> {
  for (const l of links) {
    await tx.query('INSERT INTO problem_link (problem_id, kind, ref) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING', [problemId, l.kind, l.ref]);
  }
}

export async function insertUpdate(tx: Queryable, u: { problemId: number; authorId: number; at: Date; body: string; progress: number | null }): Promise<void> {
  await tx.query('INSERT INTO problem_update (problem_id, author_id, at, body, progress) VALUES ($1,$2,$3,$4,$5)', [u.problemId, u.authorId, u.at, u.body, u.progress]);
  if (u.progress !== null) await tx.query('UPDATE problem SET progress = $2 WHERE id = $1', [u.problemId, u.progress]);
}

export async function setProblemState(
  tx: Queryable,
  id: number,
  s: { state: ProblemState; resolution: string | null; resolvedAt: Date | null; closedAt: Date | null; progress?: number },
): Promise<void> {
  await tx.query('UPDATE problem SET state = $2, resolution = $3, resolved_at = $4, closed_at = $5, progress = COALESCE($6, progress) WHERE id = $1', [
    id, s.state, s.resolution, s.resolvedAt, s.closedAt, s.progress ?? null,
  ]);
}

export interface KnowledgeArticle {
  readonly id: number;
  readonly problemId: number;
  readonly title: string;
  readonly body: string;
  readonly ruleCode: string | null;
  readonly category: string | null;
  readonly orgUnit: string;
  readonly createdAt: Date;
}

interface ArticleRow { id: number; problem_id: number; title: string; body: string; rule_code: string | null; category: string | null; code: string; created_at: Date }
const toArticle = (a: ArticleRow): KnowledgeArticle => ({
  id: a.id, problemId: a.problem_id, title: a.title, body: a.body, ruleCode: a.rule_code, category: a.category, orgUnit: a.code, createdAt: a.created_at,
});
const ARTICLE_SELECT = 'SELECT k.*, o.code FROM knowledge_article k JOIN org_unit o ON o.id = k.org_unit_id';

export async function insertArticle(
  tx: Queryable,
  a: { problemId: number; title: string; body: string; ruleCode: string | null; category: string | null; orgUnitId: number; now: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO knowledge_article (problem_id, title, body, rule_code, category, org_unit_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)
     ON CONFLICT (problem_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body`,
    [a.problemId, a.title, a.body, a.ruleCode, a.category, a.orgUnitId, a.now],
  );
}

/**
 * Articles matching every term (case-insensitive substring of title or body): plain ILIKE
 * works for Chinese text, which has no word breaks for a full-text parser, and on PGlite.
 */
export async function searchArticles(db: Queryable, scopePaths: readonly string[], terms: readonly string[], limit: number): Promise<KnowledgeArticle[]> {
  const params: unknown[] = [scopePaths.map((p) => `${p}%`)];
  const where = ['o.path LIKE ANY($1::text[])'];
  for (const term of terms) {
    params.push(`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(k.title || ' ' || k.body) ILIKE $${String(params.length)}`);
  }
  params.push(limit);
  const r = await db.query<ArticleRow>(`${ARTICLE_SELECT} WHERE ${where.join(' AND ')} ORDER BY k.id DESC LIMIT $${String(params.length)}`, params);
  return r.rows.map(toArticle);
}

/** Articles from problems of the same rule on the same org unit: suggestions for a new order. */
export async function articlesFor(db: Queryable, ruleCode: string, orgUnitId: number): Promise<KnowledgeArticle[]> {
  const r = await db.query<ArticleRow>(`${ARTICLE_SELECT} WHERE k.rule_code = $1 AND k.org_unit_id = $2 ORDER BY k.id DESC LIMIT 5`, [ruleCode, orgUnitId]);
  return r.rows.map(toArticle);
}
