/**
 * The reader's language for texts the server renders (alert messages): English when the request's
 * Accept-Language puts an English tag first (the console sends its own locale), Chinese otherwise.
 */
export type ReaderLocale = 'zh' | 'en';

export function readerLocale(request: { readonly headers: Readonly<Record<string, string | string[] | undefined>> }): ReaderLocale {
  const header = request.headers['accept-language'];
  const value = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
  const first = value.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
