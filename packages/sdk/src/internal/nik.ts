/**
 * The structure check of a NIK, as `nikProblem` in @klinik-desa/protocol does it. It is repeated
 * here because the protocol's copy lives in a module that builds zod schemas on import, and the
 * SDK's core must stay free of zod (15 kB gzipped for the browser). nik.test.ts holds the two to
 * the same answer for every input.
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
