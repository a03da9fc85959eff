import { z } from 'zod';

/** An instant with an explicit offset, e.g. `2026-11-23T02:15:00.000Z` or `2026-11-23T09:15:00+07:00`. */
export const DateTime = z.iso.datetime({ offset: true });
export type DateTime = z.infer<typeof DateTime>;

/**
 * A device's own wall-clock time, without a zone (`2025-07-22T09:30:05`). Cheap devices are often
 * wrong or reset to 2000-01-01, so this is kept as reported and never trusted blindly.
 */
export const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'use YYYY-MM-DDThh:mm[:ss] without a zone');
export type LocalDateTime = z.infer<typeof LocalDateTime>;
