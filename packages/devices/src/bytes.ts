/** Frames arrive as bytes from a port or as text from a line parser; decoders see bytes. */
export function toBytes(frame: Uint8Array | string): Uint8Array {
  if (typeof frame !== 'string') return frame;
  const out = new Uint8Array(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = frame.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes as latin1 text: every byte maps to one character, so nothing is lost or rejected. */
export function toLatin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError(`not a hex string: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
