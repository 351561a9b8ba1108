import { describe, expect, it } from 'vitest';
import { findIdentifier, findIdentifierIn, isResidentIdNumber } from './identifier-detect.ts';

/** GB 11643 check character of the first 17 digits, to build valid numbers for the tests. */
function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + Number(first17.charAt(i)) * w, 0);
  return first17 + ('10X98765432'[sum % 11] ?? '');
}

const ID18 = withCheck('11010519491231002'); // the standard's own example, check X
const ID18_DIGIT = withCheck('44030419900307123');

describe('identifier detection', () => {
  it('knows a resident identity number by province, birth date and check character', () => {
    expect(ID18).toBe('11010519491231002X');
    expect(isResidentIdNumber(ID18)).toBe(true);
    expect(isResidentIdNumber(ID18.toLowerCase())).toBe(true);
    expect(isResidentIdNumber(`${ID18_DIGIT.slice(0, 17)}${String((Number(ID18_DIGIT[17]) + 1) % 10)}`)).toBe(false); // wrong check digit
    expect(isResidentIdNumber(withCheck('99010519491231002'))).toBe(false); // no such province
    expect(isResidentIdNumber(withCheck('11010519490231002'))).toBe(false); // 31 February
    expect(isResidentIdNumber('110105491231002')).toBe(true); // 15 digits, 1949-12-31
    expect(isResidentIdNumber('110105491331002')).toBe(false); // month 13
  });

  it.each([
    ['an 18-character identity number', ID18, 'resident_id'],
    ['one inside text', `身份证:${ID18_DIGIT}，复诊`, 'resident_id'],
    ['a 15-digit identity number', '110105491231002', 'resident_id'],
    ['a mobile number', '13812345678', 'mobile_phone'],
    ['a mobile number with +86 and spaces', '+86 138 1234 5678', 'mobile_phone'],
    ['a mobile number in Chinese text', '联系电话13912345678', 'mobile_phone'],
    ['a labelled record number', 'MRN-7731905', 'medical_record_number'],
    ['a record number labelled in Chinese', '病案号：00123456', 'medical_record_number'],
  ])('finds %s', (_name, text, kind) => {
    expect(findIdentifier(text)).toBe(kind);
  });

  it.each([
    ['a visit id with digits', 'V-2026112300123'],
    ['an order id of 18 digits that fails the check', '202611230812345678'],
    ['a long order id', 'ORD-20261123-000123'],
    ['a phone-like run inside an id', 'V13812345678'],
    ['an identity-number-like run inside an id', `X${ID18}9`],
    ['an 11-digit number on no carrier prefix', '12012345678'],
    ['a 12-digit number', '138123456789'],
    ['a date-time', '2026-11-23T08:30:00+08:00'],
    ['a landline-like code', '010-12345678'],
    ['a drug code', 'H20063001'],
    ['a patient pseudonym', 'p_AbCdEfGhIjKlMnOpQrStUv'],
  ])('passes %s', (_name, text) => {
    expect(findIdentifier(text)).toBeUndefined();
  });

  it('checks integers as their digits and ignores other values', () => {
    expect(findIdentifierIn(13812345678)).toBe('mobile_phone');
    expect(findIdentifierIn(12.5)).toBeUndefined();
    expect(findIdentifierIn(true)).toBeUndefined();
  });
});
