import { z } from 'zod';
import { nikProblem } from '../nik.js';

export { nikProblem };

export const Nik = z
  .string()
  .superRefine((value, ctx) => {
    const problem = nikProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Nomor Induk Kependudukan: the 16-digit national identity number. Personal data.');
export type Nik = z.infer<typeof Nik>;
