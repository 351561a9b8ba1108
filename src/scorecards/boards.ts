import type { HonourRule, WatchRule } from './scheme.ts';

/**
 * Standing rankings, the honour board (光荣榜) and the watch list (警示名单), pure. A ranking
 * orders units best first by a value (a scheme's score, or an indicator in its direction); equal
 * values share a rank (1, 2, 2, 4) and units without a value come last, unranked. Movement is the
 * previous period's rank minus this one's (positive = moved up). The boards apply the scheme's
 * rules to the history of periods ending with the one shown.
 */
export type RankDirection = 'higher_better' | 'lower_better';

export interface RankInput {
  readonly unitId: number;
  readonly value: number | null;
}

export interface RankedUnit {
  readonly unitId: number;
  readonly value: number | null;
  readonly rank: number | null;
  readonly previousRank: number | null;
  readonly previousValue: number | null;
  /** previousRank − rank: up is positive; null without both ranks. */
  readonly movement: number | null;
}

function ranksOf(items: readonly RankInput[], direction: RankDirection): Map<number, number> {
  const sign = direction === 'lower_better' ? 1 : -1;
  const valued = items.filter((i): i is RankInput & { value: number } => i.value !== null).sort((a, b) => sign * (a.value - b.value) || a.unitId - b.unitId);
  const ranks = new Map<number, number>();
  valued.forEach((item, i) => {
    const prev = valued[i - 1];
    const prevRank = prev ? ranks.get(prev.unitId) : undefined;
    ranks.set(item.unitId, prev && prev.value === item.value && prevRank !== undefined ? prevRank : i + 1);
  });
  return ranks;
}

/** Ranks `current` best first, with each unit's movement against `previous`. */
export function rankUnits(current: readonly RankInput[], previous: readonly RankInput[], direction: RankDirection = 'higher_better'): RankedUnit[] {
  const now = ranksOf(current, direction);
  const before = ranksOf(previous, direction);
  const previousValues = new Map(previous.map((p) => [p.unitId, p.value]));
  const ranked = current.map((c): RankedUnit => {
    const rank = now.get(c.unitId) ?? null;
    const previousRank = before.get(c.unitId) ?? null;
    return { unitId: c.unitId, value: c.value, rank, previousRank, previousValue: previousValues.get(c.unitId) ?? null, movement: rank !== null && previousRank !== null ? previousRank - rank : null };
  });
  return ranked.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.unitId - b.unitId);
}

/** One period of a scheme's results: each unit's score and (final) grade. */
export interface PeriodStanding {
  readonly periodKey: string;
  readonly units: readonly { readonly unitId: number; readonly score: number | null; readonly grade: string | null }[];
}

export interface BoardEntry {
  readonly unitId: number;
  /** Index of the rule in the scheme's list, and its kind. */
  readonly rule: number;
  readonly kind: HonourRule['kind'] | WatchRule['kind'];
  readonly rank: number | null;
  readonly score: number | null;
}

export interface Boards {
  readonly periodKey: string;
  readonly honour: readonly BoardEntry[];
  readonly watch: readonly BoardEntry[];
  /** 流动红旗: the unit(s) ranked first this period, and who held it the period before. */
  readonly redFlag: { readonly holders: readonly number[]; readonly previousHolders: readonly number[] } | null;
}

function gradeStreak(history: readonly PeriodStanding[], unitId: number, grade: string, periods: number): boolean {
  if (history.length < periods) return false;
  return history.slice(-periods).every((p) => p.units.some((u) => u.unitId === unitId && u.grade === grade));
}

function scoreOf(period: PeriodStanding | undefined, unitId: number): number | null {
  return period?.units.find((u) => u.unitId === unitId)?.score ?? null;
}

/** Worse in each of the last `periods` steps (so needs periods + 1 periods of history). */
function worsening(history: readonly PeriodStanding[], unitId: number, periods: number): boolean {
  if (history.length < periods + 1) return false;
  const scores = history.slice(-(periods + 1)).map((p) => scoreOf(p, unitId));
  return scores.every((s, i) => {
    if (i === 0) return true;
    const prev = scores[i - 1];
    return s !== null && prev !== null && prev !== undefined && s < prev;
  });
}

/** The boards of the last period of `history` (oldest first) under the scheme's rules. */
export function buildBoards(history: readonly PeriodStanding[], rules: { readonly honour: readonly HonourRule[]; readonly watch: readonly WatchRule[] }): Boards | null {
  const current = history.at(-1);
  if (!current) return null;
  const ranking = rankUnits(current.units.map((u) => ({ unitId: u.unitId, value: u.score })), []);
  const rankOf = new Map(ranking.map((r) => [r.unitId, r.rank]));
  const ranked = ranking.filter((r) => r.rank !== null);
  const lastRank = Math.max(0, ...ranked.map((r) => r.rank ?? 0));
  const entry = (unitId: number, rule: number, kind: BoardEntry['kind']): BoardEntry => ({ unitId, rule, kind, rank: rankOf.get(unitId) ?? null, score: scoreOf(current, unitId) });
  const honour: BoardEntry[] = [];
  let redFlag: Boards['redFlag'] = null;
  rules.honour.forEach((rule, i) => {
    switch (rule.kind) {
      case 'top':
        for (const r of ranked) if ((r.rank ?? Infinity) <= rule.n) honour.push(entry(r.unitId, i, rule.kind));
        break;
      case 'grade_streak':
        for (const u of current.units) if (gradeStreak(history, u.unitId, rule.grade, rule.periods)) honour.push(entry(u.unitId, i, rule.kind));
        break;
      case 'red_flag': {
        const holders = ranked.filter((r) => r.rank === 1).map((r) => r.unitId);
        const before = history.at(-2);
        const previousHolders = before ? rankUnits(before.units.map((u) => ({ unitId: u.unitId, value: u.score })), []).filter((r) => r.rank === 1).map((r) => r.unitId) : [];
        redFlag = { holders, previousHolders };
        for (const unitId of holders) honour.push(entry(unitId, i, rule.kind));
        break;
      }
    }
  });
  const watch: BoardEntry[] = [];
  rules.watch.forEach((rule, i) => {
    switch (rule.kind) {
      case 'grade':
        for (const u of current.units) if (u.grade === rule.grade) watch.push(entry(u.unitId, i, rule.kind));
        break;
      case 'bottom':
        // The worst n places (ties at the edge included), never a unit that also sits in the top half.
        for (const r of ranked) if ((r.rank ?? 0) > lastRank - rule.n && (r.rank ?? 0) > ranked.length / 2) watch.push(entry(r.unitId, i, rule.kind));
        break;
      case 'worsening':
        for (const u of current.units) if (worsening(history, u.unitId, rule.periods)) watch.push(entry(u.unitId, i, rule.kind));
        break;
    }
  });
  return { periodKey: current.periodKey, honour, watch, redFlag };
}
