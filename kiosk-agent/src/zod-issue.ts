import type { z } from 'zod';

/** The first thing wrong with a body the kiosk page sent, as `field.path: what is wrong`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.map(String).join('.') || 'body'}: ${issue?.message ?? 'not valid'}`;
}
