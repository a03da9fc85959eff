/** A framer's byte cap, checked at once: a bad option throws when the framer is built, not mid-stream. */
export function checkMaxFrameBytes(value: number | undefined, fallback: number, minimum = 1): number {
  const max = value ?? fallback;
  if (!Number.isInteger(max) || max < minimum) {
    throw new RangeError(`maxFrameBytes must be an integer of at least ${minimum}, got ${value}`);
  }
  return max;
}
