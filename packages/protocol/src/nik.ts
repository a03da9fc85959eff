// `@klinik-desa/protocol/nik`: the structure check of a NIK without zod, so that a browser bundle
// (the SDK's lite entry) can check a NIK before it leaves the device and still load no schema.
// The zod schema `Nik` is built on this same function.

/**
 * Every way a NIK can be malformed, by stable code, with the English sentence the API answers. The
 * kiosk page shows its own words for each code, so the codes are the contract and the sentences are not.
 */
export const NIK_PROBLEMS = {
  NIK_NOT_16_DIGITS: 'a NIK is exactly 16 digits',
  NIK_PROVINCE: 'the first two digits of a NIK are a province code (11-94)',
  NIK_REGENCY: 'digits 3-4 of a NIK are a regency code and cannot be 00',
  NIK_DISTRICT: 'digits 5-6 of a NIK are a district code and cannot be 00',
  NIK_BIRTH_DATE: 'digits 7-12 of a NIK are the birth date DDMMYY (day + 40 for women)',
  NIK_SERIAL: 'the last four digits of a NIK are a serial number and cannot be 0000',
} as const;
export type NikProblemCode = keyof typeof NIK_PROBLEMS;

/**
 * Whether a string can be an Indonesian NIK (Nomor Induk Kependudukan): 16 digits, a province code
 * (11-94), a regency and district code, the birth date as DDMMYY with 40 added to the day for women,
 * and a serial number that is never 0000. Only the structure is checked: whether the NIK exists is
 * Dukcapil's to say. Returns the code of the first problem, or undefined for a well-formed NIK.
 */
export function nikProblemCode(nik: string): NikProblemCode | undefined {
  if (!/^\d{16}$/.test(nik)) return 'NIK_NOT_16_DIGITS';
  const province = Number(nik.slice(0, 2));
  if (province < 11 || province > 94) return 'NIK_PROVINCE';
  if (nik.slice(2, 4) === '00') return 'NIK_REGENCY';
  if (nik.slice(4, 6) === '00') return 'NIK_DISTRICT';
  let day = Number(nik.slice(6, 8));
  if (day > 40) day -= 40;
  const month = Number(nik.slice(8, 10));
  if (day < 1 || day > 31 || month < 1 || month > 12) return 'NIK_BIRTH_DATE';
  if (nik.slice(12) === '0000') return 'NIK_SERIAL';
  return undefined;
}

/** The English sentence for the first problem of a NIK (see `nikProblemCode`), or undefined. */
export function nikProblem(nik: string): string | undefined {
  const code = nikProblemCode(nik);
  return code === undefined ? undefined : NIK_PROBLEMS[code];
}
