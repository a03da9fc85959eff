import { z } from 'zod';

/**
 * Characters a name never needs and an attacker uses: C0 and C1 controls (NUL included), bidi
 * controls (U+200E/F, U+202A–202E, U+2066–2069, U+061C), which make a name display as another, and
 * zero-width characters (U+200B–200D, U+2060, U+FEFF), which make two names look the same while
 * they differ for search and for SATUSEHAT.
 */
const HIDDEN_CHARACTERS =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/u;

export const NAME_CHARACTERS_MESSAGE =
  'remove control characters, bidi controls (U+200E/F, U+202A-202E, U+2066-2069, U+061C) and zero-width characters (U+200B-200D, U+2060, U+FEFF): a name is plain text';

/**
 * A name as people write it (a person, a kiosk, an API client): trimmed, normalized to NFC so that
 * "é" typed two ways is one name, `min`–`max` characters, and free of hidden characters.
 */
export function displayName(options: { min?: number; max?: number } = {}) {
  const { min = 1, max = 200 } = options;
  const text = z.string().trim().normalize('NFC');
  return (min > 0 ? text.min(min) : text)
    .max(max)
    .refine((name) => !HIDDEN_CHARACTERS.test(name), { message: NAME_CHARACTERS_MESSAGE });
}

/** The fewest letters or digits a name search must give: fewer would list everyone born that day. */
export const SEARCH_NAME_MIN_LETTERS = 3;

/**
 * Letters a–z (accents dropped, as the clinic's search does) and digits in a name. Names in other
 * scripts count none, as the search cannot match them either.
 */
export function searchableLetters(name: string): number {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]/g, '').length;
}
