import type { Messages } from './zh-CN.ts';

/** English messages; the type makes a missing or extra key a type error. */
export const en: Messages = {
  app: { name: 'yunjian', fullName: 'Hospital operations monitoring center', skip: 'Skip to content' },
  nav: {
    main: 'Main navigation', overview: 'Overview', orgs: 'Org drill-down', admin: 'Administration', users: 'Users', tokens: 'API tokens',
    orgUnits: 'Org units', audit: 'Audit log', screen: 'Big screen', menu: 'Menu',
  },
  common: {
    save: 'Save', cancel: 'Cancel', create: 'Create', close: 'Close', confirm: 'Confirm', loading: 'Loading…', empty: 'Nothing here yet',
    actions: 'Actions', refresh: 'Refresh', copy: 'Copy', copied: 'Copied', all: 'All', status: 'Status', language: 'Language', yes: 'Yes',
    no: 'No', search: 'Search', reset: 'Reset', more: 'Load more', name: 'Name', code: 'Code', orgUnit: 'Org unit', role: 'Role',
    createdAt: 'Created', never: 'Never', required: 'Required', saved: 'Saved', done: 'Done', error: 'Something went wrong', back: 'Back',
    details: 'Details', none: 'None',
  },
  auth: {
    title: 'Sign in', subtitle: 'Hospital operations monitoring center', username: 'User name', password: 'Password', submit: 'Sign in',
    submitting: 'Signing in…', signOut: 'Sign out', signedInAs: 'Signed in as', expired: 'Your session has expired. Please sign in again.',
    signedOut: 'You have signed out.', invalidCredentials: 'Wrong user name or password.',
    throttled: 'Too many failed sign-ins from here. Try again in {seconds} s.', throttledNoTime: 'Too many failed sign-ins from here. Try again shortly.',
    disabled: 'This account is disabled. Ask an administrator.', footer: 'One person, one account · least privilege · everything audited',
  },
  password: {
    title: 'Change password', firstLogin: 'Change the initial password before your first use.', expired: 'Your password has expired. Choose a new one.',
    voluntary: 'Changing your password regularly keeps your account safe.', current: 'Current password', next: 'New password',
    confirm: 'Confirm new password', submit: 'Change password', mismatch: 'The two new passwords differ.', changed: 'Your password has been changed.',
    policy: 'Password rules', minLength: 'At least {n} characters', letterAndDigit: 'Letters and digits', maxAge: 'Changed every {n} days',
    noExpiry: 'Never expires', history: 'Different from the last {n} password(s)', lockout: 'After {n} wrong attempts from one place, each further attempt waits longer (up to {m} minutes); no account is ever locked',
  },
  layout: { scope: 'Scope', scopeHint: 'Switch the org scope you look at', profile: 'Profile', changePassword: 'Change password' },
  roles: { admin: 'Administrator', analyst: 'Analyst', liaison: 'Department liaison', executive: 'Executive', source: 'Data source' },
  orgKinds: { group: 'Group', hospital: 'Hospital', channel: 'Channel', department: 'Department', team: 'Team' },
  channels: { online: 'Online', offline: 'Offline' },
  overview: {
    title: 'Overview', unitsInScope: 'Org units', updated: 'updated {time}', grain: 'Period', grains: { day: 'Day', week: 'Week', month: 'Month' }, openScreen: 'Open big screen',
    periodChange: 'vs prev.', yearChange: 'YoY', soFar: '{period} so far', target: 'target', all: 'See all',
    severity: { 1: 'critical', 2: 'major', 3: 'significant', 4: 'minor' },
    openAlerts: 'Open alerts', noOpenAlerts: 'No open alerts right now.', workorders: 'Work orders', openOrders: 'Open', awaitingVerification: 'Awaiting verification', overdue: 'Overdue',
    sources: 'Data sources', sourcesHealth: '{bad} of {total} sources in trouble (last 24 hours)',
    trouble: { silent: 'silent', low_capture: 'low capture', rejections: 'many rejections', late: 'late' },
    flowTitle: 'Online vs offline visits (last 24 hours, per hour)', online: 'Online', offline: 'Offline', children: 'Units below',
    noIndicators: 'No indicator data in this scope yet. Once sources send data, the headline indicators with YoY and period change and sparklines appear here.',
  },
  orgs: {
    title: 'Org drill-down', tree: 'Org tree', detail: 'Org unit', path: 'Path', children: 'Units below', kind: 'Kind', channel: 'Channel',
    parent: 'Parent', active: 'Status', activeYes: 'Active', activeNo: 'Inactive', select: 'Choose an org unit on the left to see its details.', depth: 'Level',
  },
  users: {
    title: 'Users', create: 'New user', username: 'User name', displayName: 'Name', email: 'E-mail', homeOrg: 'Home org unit',
    initialPassword: 'Initial password', initialHint: 'The user must change it at first sign-in.', lastLogin: 'Last sign-in', grants: 'Grants',
    disable: 'Disable', enable: 'Enable', unlock: 'Unlock', resetPassword: 'Reset password', addGrant: 'Add grant', revoke: 'Revoke',
    disabled: 'Disabled', locked: 'Locked', mustChange: 'Must change password', activeState: 'Active', created: 'User {name} created.',
    confirmDisable: 'Disable {name}? Their sessions end at once.', newPassword: 'New initial password', passwordReset: 'Password of {name} reset.',
    grantAdded: 'Grant added.', initialRole: 'Role over the home unit', grantRevoked: 'Grant revoked.', filter: 'Filter by user name or name',
  },
  tokens: {
    title: 'API tokens', create: 'New token', name: 'Name', prefix: 'Prefix', expiresAt: 'Expires', lastUsed: 'Last used', revoke: 'Revoke',
    revoked: 'Revoked', active: 'Active', secretTitle: 'Token secret', secretOnce: 'The secret is shown only this once: copy it now and keep it safe.',
    confirmRevoke: 'Revoke token {name}? Systems using it lose access.', noExpiry: 'No expiry',
  },
  orgUnits: {
    title: 'Org units', create: 'New org unit', rename: 'Rename', move: 'Move', deactivate: 'Deactivate', reactivate: 'Reactivate',
    nameZh: 'Chinese name', nameEn: 'English name', kind: 'Kind', channel: 'Channel', parent: 'Parent', newParent: 'New parent',
    confirmDeactivate: 'Deactivate {name}?', created: 'Org unit {name} created.',
  },
  audit: {
    title: 'Audit log', actor: 'Actor id', action: 'Action', targetKind: 'Target kind', targetId: 'Target id', from: 'From', to: 'To',
    at: 'Time', seq: 'Seq', ip: 'Address', summary: 'Content', noMore: 'No more entries.',
  },
  screen: {
    title: 'Operations monitoring wall', exit: 'Leave big screen', page: 'Page {n} of {total}',
    pages: { overview: 'Operations', quality: 'Online/offline & data quality', workorders: 'Alerts & work orders' },
    waiting: 'Waiting for live data', live: 'Live', updated: 'figures at {time}', overdue: 'Overdue work orders', openAlerts: 'Open alerts', openOrders: 'Open work orders',
    sourcesInTrouble: 'Sources in trouble', periodChange: 'vs prev.', yearChange: 'YoY', soFar: 'so far', sites: 'Sites', kpis: 'Key indicators',
    noSites: 'No units below', noKpis: 'No indicator data in this scope', flow: 'Online / offline visits (last 24 hours)', online: 'Online', offline: 'Offline', onlineShare: 'Online share',
    noFlow: 'No channel data in this scope', sources: 'Data source quality', noSources: 'Not permitted to see data sources', notPermitted: 'Not permitted',
    ticker: 'Live', tickerEmpty: 'Waiting for new alerts and work-order changes…', order: 'Order',
    alertTo: { pending: 'pending', firing: 'firing', resolved: 'resolved' },
    orderAction: { created: 'opened', acknowledged: 'acknowledged', started: 'started', held: 'on hold', resumed: 'resumed', resolved: 'resolved', closed: 'closed', reopened: 'reopened', escalated: 'escalated', commented: 'comment', attachmentAdded: 'attachment', assigned: 'assigned', alertAttached: 'alert linked', verified: 'verified', indicatorRecovered: 'indicator recovered', indicatorRecoveryCleared: 'indicator breached again', watchersChanged: 'watchers changed' },
    states: { new: 'New', acknowledged: 'Acknowledged', in_progress: 'In progress', on_hold: 'On hold', resolved: 'Awaiting verification' },
  },
  notFound: { title: 'Page not found', body: 'The page does not exist or has moved.', home: 'Back to the overview' },
  errors: {
    AUTH_FORBIDDEN: 'You are not allowed to do this.', AUTH_CSRF: 'The page is out of date. Reload it and try again.', NETWORK: 'The server cannot be reached.',
    USER_USERNAME_TAKEN: 'This user name is taken (disabled accounts keep their names).', AUTH_WRONG_PASSWORD: 'The current password is wrong.',
    AUTH_PASSWORD_REUSED: 'The new password must differ from recently used ones.', USER_CANNOT_DISABLE_SELF: 'You cannot disable your own account.',
  },
};
