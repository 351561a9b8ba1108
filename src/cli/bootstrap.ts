import { randomInt } from 'node:crypto';
import type { ActionContext } from '../audit/index.ts';
import type { Runtime, Services } from '../main.ts';
import { systemClock } from '../shared/index.ts';

const systemActor = { kind: 'system', id: null, name: 'yunjian' } as const;

export function systemContext(now: Date): ActionContext {
  return { actor: systemActor, now };
}

/** A readable random password that satisfies the default policy (letters and digits). */
export function generatePassword(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const pick = (set: string, n: number) => Array.from({ length: n }, () => set[randomInt(set.length)] ?? 'x').join('');
  return `${pick(letters, 5)}-${pick(digits, 3)}-${pick(letters, 4)}${pick(digits, 2)}`;
}

/**
 * On an empty installation: the group's root org unit and one administrator over it, with a
 * random initial password returned once (the caller prints it; it is never stored in clear).
 */
export async function bootstrapInstallation(
  services: Services,
  now: Date,
  options: { groupCode?: string; groupName?: string; adminUsername?: string } = {},
): Promise<{ created: false } | { created: true; username: string; password: string; groupCode: string }> {
  if ((await services.accounts.countUsers()) > 0) return { created: false };
  const ctx = systemContext(now);
  const groupCode = options.groupCode ?? 'GROUP';
  const group = (await services.orgs.findByCode(groupCode)) ?? (await services.orgs.create(ctx, { code: groupCode, name: options.groupName ?? '医院集团', nameEn: 'Hospital group', kind: 'group' }));
  const username = options.adminUsername ?? 'admin';
  const password = generatePassword();
  const user = await services.accounts.createUser(ctx, { username, displayName: 'Administrator 管理员', orgUnitId: group.id, initialPassword: password });
  await services.accounts.grant(ctx, user.id, 'admin', group);
  return { created: true, username, password, groupCode };
}

/**
 * The shipped catalogues: the indicator library and the rule packs (compliance pack and default
 * rules) at the root of the tree. Idempotent; customised entries are kept.
 */
export async function installCatalogues(services: Services, runtime: Runtime): Promise<void> {
  const ctx = systemContext(systemClock.now());
  await runtime.indicators.definitions.installLibrary(ctx);
  const root = (await services.orgs.listRoots())[0];
  if (root) await runtime.rules.rules.installRulePacks(ctx, root.code);
}

