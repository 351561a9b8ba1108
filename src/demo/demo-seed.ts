import type { UserRole } from '../auth/index.ts';
import { generatePassword, systemContext } from '../cli/bootstrap.ts';
import type { Services } from '../main.ts';
import { simulatedGroup } from '../simulator/index.ts';

export const demoSeed = 1;

/** The demo's accounts: one per role, liaisons on the units where incidents happen. */
export const demoAccounts: readonly { username: string; displayName: string; role: UserRole; org: string }[] = [
  { username: 'admin', displayName: '系统管理员 Administrator', role: 'admin', org: 'YJ' },
  { username: 'analyst', displayName: '运监中心 王敏 Analyst', role: 'analyst', org: 'YJ' },
  { username: 'director', displayName: '集团院长 Executive', role: 'executive', org: 'YJ' },
  { username: 'h1.president', displayName: '一院院长 H1 executive', role: 'executive', org: 'H1' },
  { username: 'liaison.card', displayName: '心内科联络员 Cardiology liaison', role: 'liaison', org: 'H1-OFF-CARD' },
  { username: 'liaison.gast', displayName: '二院消化内科联络员 Gastroenterology liaison', role: 'liaison', org: 'H2-OFF-GAST' },
  { username: 'liaison.orth', displayName: '三院骨科联络员 Orthopedics liaison', role: 'liaison', org: 'H3-OFF-ORTH' },
  { username: 'liaison.online', displayName: '互联网医院联络员 Internet hospital liaison', role: 'liaison', org: 'H1-ONL' },
  { username: 'liaison.callcenter', displayName: '呼叫中心联络员 Call center liaison', role: 'liaison', org: 'YJ-CC' },
];

/**
 * Who receives the demo's work orders: each liaison everything of their unit, the data
 * administrator the data-quality orders, and the monitoring center (the analyst, at the root)
 * whatever no liaison is routed for.
 */
export const demoRoutes: readonly { orgUnit: string; category: string; usernames: readonly string[] }[] = [
  { orgUnit: 'H1-OFF-CARD', category: '*', usernames: ['liaison.card'] },
  { orgUnit: 'H2-OFF-GAST', category: '*', usernames: ['liaison.gast'] },
  { orgUnit: 'H3-OFF-ORTH', category: '*', usernames: ['liaison.orth'] },
  { orgUnit: 'H1-ONL', category: '*', usernames: ['liaison.online'] },
  { orgUnit: 'H1-ONL', category: 'data_quality', usernames: ['admin'] },
  { orgUnit: 'YJ-CC', category: '*', usernames: ['liaison.callcenter'] },
  { orgUnit: 'YJ-CC', category: 'data_quality', usernames: ['admin'] },
  { orgUnit: 'YJ', category: 'data_quality', usernames: ['admin'] },
  { orgUnit: 'YJ', category: '*', usernames: ['analyst'] },
];

export interface DemoLogin {
  readonly username: string;
  readonly password: string;
  readonly role: UserRole;
  readonly org: string;
}

/** Creates the simulated group's org tree and the demo accounts on an empty installation. */
export async function seedDemoOrganisation(services: Services, now: Date): Promise<DemoLogin[]> {
  const ctx = systemContext(now);
  const group = simulatedGroup(demoSeed);
  for (const node of group.nodes) {
    if (await services.orgs.findByCode(node.code)) continue;
    await services.orgs.create(ctx, {
      code: node.code, name: node.nameZh, nameEn: node.name, kind: node.kind, channel: node.channel ?? null, parentCode: node.parentCode,
    });
  }
  const logins: DemoLogin[] = [];
  for (const account of demoAccounts) {
    if (await services.accounts.findUserByUsername(account.username)) continue;
    const org = await services.orgs.require(account.org);
    const password = generatePassword();
    const user = await services.accounts.createUser(ctx, {
      username: account.username, displayName: account.displayName, orgUnitId: org.id, initialPassword: password, mustChangePassword: false,
    });
    await services.accounts.grant(ctx, user.id, account.role, org);
    logins.push({ username: account.username, password, role: account.role, org: account.org });
  }
  return logins;
}
