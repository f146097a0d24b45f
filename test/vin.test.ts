import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkVin, hasValidCheckDigit, hasVinShape, normaliseVin, vinCheckDigit, vinModelYear, vinYearCode, withCheckDigit } from '../src/core/vin.ts';

const VALID = '1HGCM82633A004352';
const VIN_CHARS = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';

describe('VIN rules (ISO 3779 / 49 CFR 565)', () => {
  it('accepts the reference VIN 1HGCM82633A004352', () => {
    assert.equal(vinCheckDigit(VALID), '3');
    assert.ok(hasValidCheckDigit(VALID));
    const check = checkVin(VALID);
    assert.ok(check.ok && check.checkDigitValid && check.northAmerican);
  });

  it('refuses the reference VIN with any single character changed', () => {
    for (let i = 0; i < 17; i++) {
      for (const c of VIN_CHARS) {
        if (c === VALID[i]) continue;
        const changed = VALID.slice(0, i) + c + VALID.slice(i + 1);
        // A change alters the weighted sum unless two characters transliterate to the same value
        // (A and J are both 1): then the VIN stays valid, which is what ISO 3779 computes.
        const same = i !== 8 && transliterate(c) === transliterate(VALID[i]);
        assert.equal(hasValidCheckDigit(changed), same, `${changed} (position ${i + 1})`);
      }
    }
  });

  it('refuses I, O and Q, and wrong lengths', () => {
    for (const vin of ['1HGCM82633A00435', '1HGCM82633A0043521', '1HGCM82633A00435I', 'OHGCM82633A004352', '1HGCM8263QA004352']) {
      assert.equal(hasVinShape(vin), false, vin);
      const check = checkVin(vin);
      assert.ok(!check.ok && check.reason === 'shape');
    }
  });

  it('normalises case, spaces and dashes', () => {
    assert.equal(normaliseVin(' 1hgcm8-2633a 004352 '), VALID);
  });

  it('refuses a wrong check digit only for North-American VINs', () => {
    const na = VALID.slice(0, 8) + '4' + VALID.slice(9);
    const naCheck = checkVin(na);
    assert.ok(!naCheck.ok && naCheck.reason === 'check_digit');
    const european = withCheckDigit('WVWZZZ1KZAW000001');
    const broken = european.slice(0, 8) + (european[8] === '1' ? '2' : '1') + european.slice(9);
    const euCheck = checkVin(broken);
    assert.ok(euCheck.ok && !euCheck.checkDigitValid && !euCheck.northAmerican);
  });

  it('decodes the model year from position 10 with the position-7 cycle rule', () => {
    assert.equal(vinModelYear(VALID), 2003); // '3', position 7 is a digit
    assert.equal(vinModelYear(withCheckDigit('2T1BURHE0RC000001')), 2024); // R, letter in position 7
    assert.equal(vinModelYear(withCheckDigit('5YJ3E1EA0SF000001')), 2025);
    assert.equal(vinModelYear(withCheckDigit('JTDKB20U0T3000001')), 1996); // T with a digit in position 7
    assert.equal(vinModelYear(withCheckDigit('WVWZZZ1KZ0W000001')), null);
  });

  it('generates VINs whose check digit and year round-trip (property)', () => {
    const charArb = fc.constantFrom(...VIN_CHARS.split(''));
    fc.assert(
      fc.property(fc.array(charArb, { minLength: 17, maxLength: 17 }), fc.integer({ min: 2010, max: 2039 }), (chars, year) => {
        chars[6] = 'A'; // a letter in position 7: the 2010–2039 cycle
        chars[9] = vinYearCode(year);
        const vin = withCheckDigit(chars.join(''));
        return hasValidCheckDigit(vin) && vinModelYear(vin) === year && checkVin(vin).ok;
      }),
    );
  });
});

// ISO 3779's letter values worked out from the alphabet rather than copied from src/core/vin.ts's
// table, so the check below does not take the code's word for them: A–I and J–R count 1 to 9, S–Z
// 2 to 9 (I, O and Q never occur).
function transliterate(c: string): number {
  if (/\d/.test(c)) return Number(c);
  const i = c.charCodeAt(0) - 'A'.charCodeAt(0);
  return c >= 'S' ? i - 16 : (i % 9) + 1;
}
