import { describe, expect, it } from 'vitest';
import { ApiClientCreate } from './auth.js';
import { KioskCreate } from './kiosk.js';
import { displayName, NAME_CHARACTERS_MESSAGE, searchableLetters } from './names.js';
import { PatientCreate, PatientSearch, PersonName } from './patient.js';
import { PractitionerCreate } from './practitioner.js';
import { Practitioner } from './screening.js';

describe('displayName', () => {
  it('trims and normalizes to NFC, so one name typed two ways is one name', () => {
    const nfd = 'Jose\u0301 Sa\u0301nchez';
    expect(PersonName.parse(`  ${nfd} `)).toBe('Jos\u00e9 S\u00e1nchez');
    expect(PersonName.parse(nfd)).toBe(PersonName.parse('Jos\u00e9 S\u00e1nchez'));
  });

  it.each([
    ['NUL', 'Siti\u0000Aminah'],
    ['a C0 control', 'Siti\u0007Aminah'],
    ['a C1 control', 'Siti\u0085Aminah'],
    ['a right-to-left override', 'Siti \u202eAminah'],
    ['a bidi isolate', 'Siti \u2066Aminah\u2069'],
    ['a left-to-right mark', 'Siti\u200eAminah'],
    ['the Arabic letter mark', 'Siti\u061cAminah'],
    ['a zero-width space', 'Siti\u200bAminah'],
    ['a zero-width joiner', 'Siti\u200dAminah'],
    ['a word joiner', 'Siti\u2060Aminah'],
    ['a byte order mark inside', 'Siti\ufeffAminah'],
  ])('refuses a name with %s, saying what to remove', (_what, name) => {
    const result = PersonName.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(NAME_CHARACTERS_MESSAGE);
  });

  it('holds for every name of the API: patient, health worker, client, kiosk', () => {
    const bad = 'Sari\u202e';
    const patient = { name: bad, birthDate: '1980-05-12', sex: 'female' };
    expect(PatientCreate.safeParse(patient).success).toBe(false);
    expect(
      PractitionerCreate.safeParse({ clinicId: 'clinic-1', name: bad, ihsNumber: '10009' }).success,
    ).toBe(false);
    expect(Practitioner.safeParse({ ihsNumber: '10009', name: bad }).success).toBe(false);
    expect(ApiClientCreate.safeParse({ name: bad, role: 'partner' }).success).toBe(false);
    expect(KioskCreate.safeParse({ clinicId: 'clinic-1', kioskId: 'kiosk-1', name: bad }).success).toBe(
      false,
    );
    expect(KioskCreate.parse({ clinicId: 'clinic-1', kioskId: 'kiosk-1', name: '' }).name).toBe('');
    expect(displayName({ max: 5 }).safeParse('Aminah').success).toBe(false);
  });
});

describe('name search', () => {
  it('counts the letters a search can match: a-z with accents dropped, and digits', () => {
    expect(searchableLetters('%_%')).toBe(0);
    expect(searchableLetters('a%')).toBe(1);
    expect(searchableLetters('Jos\u00e9')).toBe(4);
    expect(searchableLetters('\u674e\u660e\u534e')).toBe(0);
  });

  it.each(['%', '_', '%%%', 'a%', 'ab', 'a_b', '\u674e\u660e\u534e'])(
    'refuses %j: too few letters',
    (name) => {
      const result = PatientSearch.safeParse({ name, birthDate: '1980-05-12' });
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toMatch(/at least 3 letters or digits/);
    },
  );

  it('takes three letters or more', () => {
    expect(PatientSearch.safeParse({ name: 'Sit', birthDate: '1980-05-12' }).success).toBe(true);
  });
});
