import { z } from 'zod';
import { NIK_PROBLEMS, type NikProblemCode, nikProblem, nikProblemCode } from '../nik.js';

export { NIK_PROBLEMS, type NikProblemCode, nikProblem, nikProblemCode };

export const Nik = z
  .string()
  .superRefine((value, ctx) => {
    const problem = nikProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Nomor Induk Kependudukan: the 16-digit national identity number. Personal data.');
export type Nik = z.infer<typeof Nik>;
