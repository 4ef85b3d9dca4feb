import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  isValidCreditCode,
  isValidPhone,
  normalizeCompanyName,
  normalizePhone,
} from './validators';

describe('unified social credit code', () => {
  it('accepts real codes and refuses a wrong check character', () => {
    // Published codes of well-known companies (Tencent, Alibaba, Sinopec, SAIC, Huawei).
    for (const code of [
      '9144030071526726XG',
      '91330100716105852F',
      '91110000710926094P',
      '91310000132200821H',
      '914403001922038216',
    ]) {
      expect(isValidCreditCode(code), code).toBe(true);
    }
    const first17 = '91310115MA1H7XYZ1'.replace(/[IOSVZ]/g, '1');
    const check = creditCodeCheckChar(first17);
    expect(check).not.toBeNull();
    expect(isValidCreditCode(first17 + check)).toBe(true);
    const wrong = check === '0' ? '1' : '0';
    expect(isValidCreditCode(first17 + wrong)).toBe(false);
  });

  it('refuses letters outside the code alphabet and wrong lengths', () => {
    expect(isValidCreditCode('91110000100003962')).toBe(false);
    expect(isValidCreditCode('9111000010000396IN')).toBe(false);
  });
});

describe('phone', () => {
  it('accepts mobiles, landlines with area code and 400 numbers, with spacing and +86', () => {
    for (const p of ['13800138000', '+86 138 0013 8000', '021-68888888', '0571 8765 4321', '400-820-8820']) {
      expect(isValidPhone(p), p).toBe(true);
    }
    expect(normalizePhone('+86 138-0013-8000')).toBe('13800138000');
  });

  it('refuses numbers a rep could not dial', () => {
    for (const p of ['12345', '1380013800', '23800138000', 'abc', '138001380001']) {
      expect(isValidPhone(p), p).toBe(false);
    }
  });
});

describe('company name normalisation', () => {
  it('makes names that differ only in spacing, width and brackets equal', () => {
    expect(normalizeCompanyName('上海 恒瑞（集团）有限公司')).toBe(
      normalizeCompanyName('上海恒瑞(集团)有限公司'),
    );
    expect(normalizeCompanyName('ＡＢＣ Trading Co.')).toBe(normalizeCompanyName('abc tradingco'));
  });
});
