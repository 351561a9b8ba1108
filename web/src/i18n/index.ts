import { createI18n } from 'vue-i18n';
import { featureMessages } from '../features/index.ts';
import { en } from './en.ts';
import { zhCN, type Messages } from './zh-CN.ts';

/**
 * zh-CN and English. The first visit follows the browser's language; a switch is remembered in
 * localStorage. Server errors are shown in the current language when their code is known here,
 * otherwise with the server's own message.
 */
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];
const storageKey = 'yunjian.locale';

export function initialLocale(): Locale {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'zh-CN' || saved === 'en') return saved;
  const browser = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return browser.some((l) => l.toLowerCase().startsWith('zh')) || browser.length === 0 ? 'zh-CN' : 'en';
}

export const i18n = createI18n<[Messages], Locale, false>({
  // vue-i18n 11 still starts in legacy mode unless told; v12 drops the option with the mode.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { 'zh-CN': featureMessages(zhCN, 'zh-CN'), en: featureMessages(en, 'en') },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(storageKey, locale);
  document.documentElement.lang = locale;
}

/** The message for a server error: a translation of its code when there is one, else the server's text. */
export function errorText(code: string, serverMessage: string): string {
  const key = `errors.${code}`;
  return i18n.global.te(key) ? i18n.global.t(key) : serverMessage;
}
