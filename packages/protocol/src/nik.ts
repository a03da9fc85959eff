// `@klinik-desa/protocol/nik`: the structure check of a NIK without zod, so that a browser bundle
// (the SDK's lite entry) can check a NIK before it leaves the device and still load no schema.
// The zod schema `Nik` is built on this same function.

/**
 * Whether a string can be an Indonesian NIK (Nomor Induk Kependudukan): 16 digits, a province code
 * (11-94), a regency and district code, the birth date as DDMMYY with 40 added to the day for women,
 * and a serial number that is never 0000. Only the structure is checked: whether the NIK exists is
 * Dukcapil's to say.
 */
export function nikProblem(nik: string): string | undefined {
  if (!/^\d{16}$/.test(nik)) return 'a NIK is exactly 16 digits';
  const province = Number(nik.slice(0, 2));
  if (province < 11 || province > 94) return 'the first two digits of a NIK are a province code (11-94)';
  if (nik.slice(2, 4) === '00') return 'digits 3-4 of a NIK are a regency code and cannot be 00';
  if (nik.slice(4, 6) === '00') return 'digits 5-6 of a NIK are a district code and cannot be 00';
  let day = Number(nik.slice(6, 8));
  if (day > 40) day -= 40;
  const month = Number(nik.slice(8, 10));
  if (day < 1 || day > 31 || month < 1 || month > 12) {
    return 'digits 7-12 of a NIK are the birth date DDMMYY (day + 40 for women)';
  }
  if (nik.slice(12) === '0000') return 'the last four digits of a NIK are a serial number and cannot be 0000';
  return undefined;
}
