/** The health worker's PIN of every test kiosk; its hash is what the test configs hold. */
export const TEST_PAGE_PIN = '2468';
/** `kiosk-agent set-pin` of TEST_PAGE_PIN (kiosk-agent's page-pin test checks that they match). */
export const TEST_PAGE_PIN_HASH =
  'scrypt$32768$8$1$LbBkdlxaUg4vMoEsIy35rQ$zn1X1lgcoiulcPyKJ7rsUSOOW15KBfTkdOdf9RrYNFM';

/**
 * Unlocks the kiosk page as the health worker does, for tests and the demo that call the agent's
 * local API: returns the `cookie` header value to send with each call.
 */
export async function unlockKioskPage(baseUrl: string, pin = TEST_PAGE_PIN): Promise<string> {
  const res = await fetch(new URL('/page/unlock', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pin }),
  });
  if (res.status !== 200) throw new Error(`unlocking the kiosk page: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('unlocking the kiosk page: no session cookie in the answer');
  return cookie;
}
