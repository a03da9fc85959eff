import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What the record keeps of an idempotent request, without plaintext at rest. The answers kept for
 * a replay hold personal data (a patient with their NIK), and a copied database must not give them
 * away; yet a replay needs the whole answer. The `Idempotency-Key` is the one thing the client
 * sends again and the record never keeps, so it is the key material: HKDF-SHA256 (salted with the
 * client id) derives from it the lookup id the row is stored under, an AES-256-GCM key for the
 * answer and an HMAC key for the body's fingerprint (a plain SHA-256 of a body would let someone
 * holding the database confirm a guessed NIK and name). The protection is as strong as the key:
 * the SDK sends random UUIDs.
 */
export interface IdempotencySeal {
  /** Hex id the row is stored under, in place of the key itself. */
  readonly lookup: string;
  /** HMAC-SHA256 of the request (method, path, body), hex: the fingerprint a replay must match. */
  fingerprint(text: string): string;
  seal(answer: string): string;
  /** The answer sealed with this key; undefined when the text was not sealed with it. */
  open(sealed: string): string | undefined;
}

const INFO = 'klinik-desa idempotency v1';
const PREFIX = 'v1.';

/**
 * Stored in place of an answer that carried a secret (a client or kiosk secret): such an answer is
 * shown once and never kept, sealed or not.
 */
export const SECRET_WITHHELD = 'secret-withheld';

export function idempotencySeal(clientId: string, key: string): IdempotencySeal {
  const material = Buffer.from(hkdfSync('sha256', Buffer.from(key, 'utf8'), clientId, INFO, 96));
  const lookup = material.subarray(0, 32).toString('hex');
  const cipherKey = material.subarray(32, 64);
  const macKey = material.subarray(64, 96);
  // The lookup id binds the ciphertext to its row: an answer moved to another row does not open.
  const aad = Buffer.from(lookup, 'utf8');
  return {
    lookup,
    fingerprint: (text) => createHmac('sha256', macKey).update(text).digest('hex'),
    seal(answer) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', cipherKey, iv).setAAD(aad);
      const body = Buffer.concat([cipher.update(answer, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) return undefined;
      const [ivText, bodyText] = sealed.slice(PREFIX.length).split('.');
      if (!ivText || !bodyText) return undefined;
      const body = Buffer.from(bodyText, 'base64url');
      if (body.length < 16) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', cipherKey, Buffer.from(ivText, 'base64url'))
          .setAAD(aad)
          .setAuthTag(body.subarray(body.length - 16));
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - 16)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
