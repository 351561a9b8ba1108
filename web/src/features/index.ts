import type { Feature, MessageTree } from '../feature.ts';

/** Every feature folder with an index.ts, in folder-name order. */
const modules = import.meta.glob<{ default: Feature }>('./*/index.ts', { eager: true });

export const features: readonly Feature[] = Object.keys(modules).sort().map((key) => {
  const feature = modules[key]?.default;
  if (!feature) throw new Error(`${key} has no default export`);
  return feature;
});

/** Adds `extra` into `base` key by key (a feature may add `errors.*` translations, say). */
export function mergeMessages<T extends MessageTree>(base: T, extra: MessageTree): T {
  const out: Record<string, string | MessageTree> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const existing = out[key];
    out[key] = typeof value === 'object' && typeof existing === 'object' ? mergeMessages(existing, value) : value;
  }
  return out as T;
}

export function featureMessages<T extends MessageTree>(base: T, locale: 'zh-CN' | 'en'): T {
  return features.reduce((acc, f) => mergeMessages(acc, f.messages[locale]), base);
}
