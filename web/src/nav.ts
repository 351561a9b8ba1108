import { features } from './features/index.ts';
import type { NavEntry, NavSectionName } from './feature.ts';

/**
 * The navigation: one entry per page with the permission it needs. The sidebar shows an entry
 * only when the user holds that permission somewhere; the router refuses the page otherwise.
 * The core pages are listed here; feature folders (web/src/features/*) add theirs.
 */
export type { NavEntry } from './feature.ts';

export interface NavSection {
  readonly label: string | null;
  readonly entries: readonly NavEntry[];
}

const coreEntries: readonly { section: NavSectionName; entry: NavEntry }[] = [
  { section: 'main', entry: { name: 'overview', path: '/', label: 'nav.overview', permission: 'org.read', order: 10, icon: 'M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z' } },
  { section: 'main', entry: { name: 'orgs', path: '/orgs', label: 'nav.orgs', permission: 'org.read', order: 20, icon: 'M10 3h4v4h-1v3h6v4h1v4h-4v-4h1v-2h-10v2h1v4H4v-4h1v-4h6V7h-1z' } },
  { section: 'main', entry: { name: 'screen', path: '/screen', label: 'nav.screen', permission: 'org.read', order: 90, icon: 'M3 4h18v12H3zm7 14h4v2h-4z' } },
  { section: 'admin', entry: { name: 'admin-users', path: '/admin/users', label: 'nav.users', permission: 'user.read', order: 10, icon: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 8c0-4 4-6 8-6s8 2 8 6z' } },
  { section: 'admin', entry: { name: 'admin-orgs', path: '/admin/orgs', label: 'nav.orgUnits', permission: 'org.manage', order: 20, icon: 'M4 4h7v7H4zm9 0h7v7h-7zM4 13h7v7H4zm9 0h7v7h-7z' } },
  { section: 'admin', entry: { name: 'admin-tokens', path: '/admin/tokens', label: 'nav.tokens', permission: 'token.manage', order: 30, icon: 'M7 14a4 4 0 1 1 3.9-5H21v3h-2v3h-3v-3h-5.1A4 4 0 0 1 7 14z' } },
  { section: 'admin', entry: { name: 'admin-audit', path: '/admin/audit', label: 'nav.audit', permission: 'audit.read', order: 100, icon: 'M6 2h9l5 5v15H6zm8 1v5h5M9 12h8M9 16h8' } },
];

const allEntries = [...coreEntries, ...features.flatMap((f) => f.nav)];

function section(name: NavSectionName): NavEntry[] {
  return allEntries.filter((e) => e.section === name).map((e) => e.entry).sort((a, b) => a.order - b.order);
}

export const navSections: readonly NavSection[] = [
  { label: null, entries: section('main') },
  { label: 'nav.admin', entries: section('admin') },
];

export const navEntries: readonly NavEntry[] = navSections.flatMap((s) => s.entries);
