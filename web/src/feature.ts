import type { RouteRecordRaw } from 'vue-router';

/**
 * A console feature (indicators, alerts, work orders, sources…) lives in its own folder
 * `web/src/features/<name>/` with an `index.ts` whose default export is a `Feature`: its routes,
 * its sidebar entries and its messages. The router, the sidebar and i18n collect every folder
 * (Vite's import.meta.glob), so a feature never edits the shared files.
 */
export interface NavEntry {
  readonly name: string;
  readonly path: string;
  /** i18n key of the label. */
  readonly label: string;
  /** The permission the page needs; the entry shows only when the user holds it somewhere. */
  readonly permission: string;
  /** SVG path (24×24 view box). */
  readonly icon: string;
  /** Position within its section (overview 10, org drill-down 20, big screen 90; admin: users 10 … audit 100). */
  readonly order: number;
}

export type NavSectionName = 'main' | 'admin';

export type MessageTree = { readonly [key: string]: string | MessageTree };

export interface Feature {
  readonly routes: readonly RouteRecordRaw[];
  readonly nav: readonly { readonly section: NavSectionName; readonly entry: NavEntry }[];
  /** Namespaced under the feature's own top-level keys; the English tree has the same shape. */
  readonly messages: { readonly 'zh-CN': MessageTree; readonly en: MessageTree };
}

export function defineFeature(feature: Feature): Feature {
  return feature;
}
