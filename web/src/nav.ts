/**
 * The navigation: one entry per page with the permission it needs. The sidebar shows an entry
 * only when the user holds that permission somewhere; the router refuses the page otherwise.
 * Domain pages (indicators, alerts, work orders, sources) add their entries here.
 */
export interface NavEntry {
  readonly name: string;
  readonly path: string;
  readonly label: string;
  readonly permission: string;
  readonly icon: string;
}

export interface NavSection {
  readonly label: string | null;
  readonly entries: readonly NavEntry[];
}

export const navSections: readonly NavSection[] = [
  {
    label: null,
    entries: [
      { name: 'overview', path: '/', label: 'nav.overview', permission: 'org.read', icon: 'M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z' },
      { name: 'orgs', path: '/orgs', label: 'nav.orgs', permission: 'org.read', icon: 'M10 3h4v4h-1v3h6v4h1v4h-4v-4h1v-2h-10v2h1v4H4v-4h1v-4h6V7h-1z' },
      { name: 'screen', path: '/screen', label: 'nav.screen', permission: 'org.read', icon: 'M3 4h18v12H3zm7 14h4v2h-4z' },
    ],
  },
  {
    label: 'nav.admin',
    entries: [
      { name: 'admin-users', path: '/admin/users', label: 'nav.users', permission: 'user.read', icon: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 8c0-4 4-6 8-6s8 2 8 6z' },
      { name: 'admin-orgs', path: '/admin/orgs', label: 'nav.orgUnits', permission: 'org.manage', icon: 'M4 4h7v7H4zm9 0h7v7h-7zM4 13h7v7H4zm9 0h7v7h-7z' },
      { name: 'admin-tokens', path: '/admin/tokens', label: 'nav.tokens', permission: 'token.manage', icon: 'M7 14a4 4 0 1 1 3.9-5H21v3h-2v3h-3v-3h-5.1A4 4 0 0 1 7 14z' },
      { name: 'admin-audit', path: '/admin/audit', label: 'nav.audit', permission: 'audit.read', icon: 'M6 2h9l5 5v15H6zm8 1v5h5M9 12h8M9 16h8' },
    ],
  },
];

export const navEntries: readonly NavEntry[] = navSections.flatMap((s) => s.entries);
