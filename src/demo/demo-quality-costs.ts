import type { ActionContext } from '../audit/index.ts';
import type { Services } from '../main.ts';
import type { QualityCostsService } from '../quality-costs/index.ts';

/**
 * The demo's quality-cost ledger (品质成本台账): beside the failure and appraisal costs its
 * `quality_event` events carry, each hospital's quality office enters by hand what no event
 * records — the quality-improvement programme (prevention) and the external audits and
 * accreditation reviews (appraisal) — for every month the feed covers; the group aims at failure
 * cost 10 % down on last year, the first hospital at 15 %.
 */
const QUALITY_OFFICE: ActionContext['actor'] = { kind: 'system', id: null, name: 'demo quality office (质控科)' };

const MONTHLY = [
  { category: 'prevention', amount: 18_000, description: '质量改进项目与全员质量培训 Quality improvement programme and staff training' },
  { category: 'appraisal', amount: 9_500, description: '第三方质量审核与等级评审准备 External quality audit and accreditation review' },
] as const;

const TARGETS: readonly { org: string; failureChange: number }[] = [{ org: 'YJ', failureChange: -0.1 }, { org: 'H1', failureChange: -0.15 }];

interface Deps {
  readonly services: Pick<Services, 'orgs'>;
  readonly qualityCosts: QualityCostsService;
  readonly ctx: ActionContext;
}

/** Months (YYYY-MM, local calendar of the dates given) from `from`'s month through `now`'s. */
function monthsBetween(from: Date, now: Date): string[] {
  const out: string[] = [];
  for (let y = from.getFullYear(), m = from.getMonth(); y < now.getFullYear() || (y === now.getFullYear() && m <= now.getMonth()); m === 11 ? (y++, m = 0) : m++) {
    out.push(`${String(y)}-${String(m + 1).padStart(2, '0')}`);
  }
  return out;
}

export async function prepareDemoQualityCosts(deps: Deps, span: { from: number; now: number; scale: number }): Promise<void> {
  const ctx = { ...deps.ctx, actor: QUALITY_OFFICE };
  const root = (await deps.services.orgs.listRoots())[0];
  if (!root) return;
  const hospitals = (await deps.services.orgs.listSubtree(root)).filter((o) => o.parentId === root.id && o.kind === 'hospital');
  const months = monthsBetween(new Date(span.from), new Date(span.now));
  for (const [h, hospital] of hospitals.entries()) {
    for (const month of months) {
      for (const line of MONTHLY) {
        // Hospitals differ in size (the first is the largest); amounts in yuan, scaled with the feed.
        const amount = Math.round(line.amount * (1 - h * 0.2) * Math.max(span.scale, 0.1) * 10) * 10;
        await deps.qualityCosts.addEntry(ctx, hospital, { month, category: line.category, amount, description: line.description });
      }
    }
  }
  const year = new Date(span.now).getFullYear();
  for (const t of TARGETS) {
    const org = await deps.services.orgs.findByCode(t.org);
    if (org) await deps.qualityCosts.setTarget(ctx, org, { year, failureChange: t.failureChange });
  }
}
