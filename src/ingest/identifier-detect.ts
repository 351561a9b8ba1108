/**
 * Patient identifiers in places not declared for them. A source must send identifiers in the
 * envelope `patient` or in attributes its schema marks `x-patient-identifying` (both are
 * pseudonymised); a value anywhere else that looks like one is refused, never stored. "Looks like"
 * is kept narrow so ordinary ids (a visitId or orderId full of digits) pass:
 *
 * - a resident identity number (居民身份证号码): 18 characters, a province code (11–82), a real
 *   birth date (1900–2099) and the ISO 7064 MOD 11-2 check character of GB 11643; or the older
 *   15 digits with a province code and a real birth date (19YYMMDD);
 * - a mainland mobile number: 11 digits on a carrier prefix (13x, 14[5-9], 15[0-35-9], 16[2567],
 *   17[0-8], 18x, 19[0-35-9]), optionally after +86 / 86 and with spaces or hyphens as 3-4-4;
 * - a medical record number written with its label: MRN, 病案号, 病历号 or 住院号 followed by at
 *   least four digits (a bare number cannot be told from any other id).
 *
 * Each must stand as its own token: letters or digits right before or after (V13812345678,
 * ORD-110101199003071234X9) make it part of a longer id, which is not refused.
 */

export type IdentifierKind = 'resident_id' | 'mobile_phone' | 'medical_record_number';

const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

const TOKEN = /(?<![A-Za-z0-9])(?:\d{17}[\dXx]|\d{15})(?![A-Za-z0-9])/g;
const MOBILE = /(?<![A-Za-z0-9+])(?:\+?86[ -]?)?(1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])(?:\d{8}|[ -]\d{4}[ -]\d{4}))(?![A-Za-z0-9])/;
const MRN = /(?<![A-Za-z0-9])(?:MRN|病案号|病历号|住院号)\s*[-:：#]?\s*[A-Za-z]{0,3}\d{4,}/i;

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether an 18- or 15-character token is a well-formed resident identity number. */
export function isResidentIdNumber(token: string): boolean {
  if (!PROVINCES.has(Number(token.slice(0, 2)))) return false;
  if (token.length === 15) return isRealDate(1900 + Number(token.slice(6, 8)), Number(token.slice(8, 10)), Number(token.slice(10, 12)));
  const year = Number(token.slice(6, 10));
  if (year < 1900 || year > 2099 || !isRealDate(year, Number(token.slice(10, 12)), Number(token.slice(12, 14)))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(token[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] === token[17]?.toUpperCase();
}

/** The kind of identifier the text holds, or undefined. Cheap on the common case: most values have no long digit run. */
export function findIdentifier(text: string): IdentifierKind | undefined {
  if (text.length < 6 || !/\d{4}/.test(text)) return undefined;
  for (const m of text.matchAll(TOKEN)) if (isResidentIdNumber(m[0])) return 'resident_id';
  if (MOBILE.test(text)) return 'mobile_phone';
  if (MRN.test(text)) return 'medical_record_number';
  return undefined;
}

/** The same for a JSON value that is a number (a phone number sent as an integer). */
export function findIdentifierIn(value: unknown): IdentifierKind | undefined {
  if (typeof value === 'string') return findIdentifier(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return findIdentifier(String(value));
  return undefined;
}

export const IDENTIFIER_LABEL: Readonly<Record<IdentifierKind, string>> = {
  resident_id: 'a resident identity number',
  mobile_phone: 'a mobile phone number',
  medical_record_number: 'a medical record number',
};
