import { computed, reactive } from 'vue';
import { api, ApiError, setCsrfToken } from './api/client.ts';
import type { ListOf, OrgView, SessionView } from './api/types.ts';

/**
 * Who is signed in, what they may do and where. Permissions come from the session response
 * (per grant); a grant covers its org unit's subtree, so "may I do P on unit X" walks X's
 * ancestors through the org tree the user can see. The UI asks `can` before showing a button,
 * so it never offers what the API would refuse.
 */
interface SessionState {
  session: SessionView | null;
  orgs: OrgView[];
  /** The org unit the pages show (one of the grants' units, or a unit under one). */
  scope: string | null;
  /** A message for the sign-in page (session expired, signed out). */
  notice: string | null;
  loaded: boolean;
}

const scopeKey = 'yunjian.scope';
// The session cookie is httpOnly; this hint spares a visitor who never signed in (or signed
// out) a refused session probe. Without it the sign-in page shows; signing in sets it again.
const signedInKey = 'yunjian.signedIn';

export const state = reactive<SessionState>({ session: null, orgs: [], scope: null, notice: null, loaded: false });

export const orgByCode = computed(() => new Map(state.orgs.map((o) => [o.code, o])));

/** The codes from `code` up to the root, as far as the visible tree reaches. */
export function ancestry(code: string): string[] {
  const chain: string[] = [];
  let current: string | null = code;
  const seen = new Set<string>();
  while (current !== null && !seen.has(current)) {
    seen.add(current);
    chain.push(current);
    current = orgByCode.value.get(current)?.parentCode ?? null;
  }
  return chain;
}

/** Whether the user holds `permission` anywhere. */
export function holds(permission: string): boolean {
  return state.session?.grants.some((g) => g.permissions.includes(permission)) ?? false;
}

/** Whether the user holds `permission` on org unit `code` (a grant on it or an ancestor). */
export function can(permission: string, code: string): boolean {
  const grants = state.session?.grants.filter((g) => g.permissions.includes(permission)) ?? [];
  if (grants.length === 0) return false;
  const chain = new Set(ancestry(code));
  return grants.some((g) => chain.has(g.orgUnit));
}

/** The distinct org units of the user's grants, the choices of the scope switcher. */
export const grantUnits = computed(() => [...new Set(state.session?.grants.map((g) => g.orgUnit) ?? [])]);

export const passwordChangeRequired = computed(() => state.session?.passwordChangeRequired ?? null);

export function setScope(code: string): void {
  state.scope = code;
  localStorage.setItem(scopeKey, code);
}

function pickScope(): void {
  const units = grantUnits.value;
  const saved = localStorage.getItem(scopeKey);
  const visible = saved !== null && (units.includes(saved) || ancestry(saved).some((c) => units.includes(c)));
  state.scope = visible ? saved : (units[0] ?? null);
}

export async function loadOrgs(): Promise<void> {
  state.orgs = holds('org.read') ? [...(await api.get<ListOf<OrgView>>('/api/orgs', { query: { includeInactive: true } })).items] : [];
}

async function adopt(session: SessionView): Promise<void> {
  state.session = session;
  localStorage.setItem(signedInKey, '1');
  setCsrfToken(session.csrfToken);
  state.orgs = [];
  if (session.passwordChangeRequired === null) await loadOrgs();
  pickScope();
}

/** Loads the current session once at start; false when nobody is signed in. */
export async function loadSession(): Promise<boolean> {
  if (localStorage.getItem(signedInKey) === null) {
    state.loaded = true;
    return false;
  }
  try {
    await adopt(await api.get<SessionView>('/api/auth/session', { quiet: true }));
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      clearSession();
      return false;
    }
    throw error;
  } finally {
    state.loaded = true;
  }
}

export async function login(username: string, password: string): Promise<SessionView> {
  const session = await api.post<SessionView>('/api/auth/login', { username, password }, { quiet: true });
  state.notice = null;
  await adopt(session);
  return session;
}

/** After a successful password change the restricted session becomes a full one. */
export async function refreshSession(): Promise<void> {
  await adopt(await api.get<SessionView>('/api/auth/session'));
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', {}, { quiet: true });
  } finally {
    clearSession();
  }
}

export function clearSession(notice: string | null = null): void {
  state.session = null;
  state.orgs = [];
  state.notice = notice;
  localStorage.removeItem(signedInKey);
  setCsrfToken(null);
}

/** An org unit's display name in the current language. */
export function orgName(org: Pick<OrgView, 'name' | 'nameEn'> | undefined, locale: string): string {
  if (!org) return '';
  return locale.startsWith('zh') || org.nameEn === null || org.nameEn === '' ? org.name : org.nameEn;
}

/** The visible org units in the subtree of `code` (itself included), in tree order. */
export function subtreeOf(code: string): OrgView[] {
  return state.orgs.filter((o) => ancestry(o.code).includes(code));
}

/** The direct children of `code` among the visible org units. */
export function childrenOf(code: string): OrgView[] {
  return state.orgs.filter((o) => o.parentCode === code);
}
