import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsFiles {
  /** The CA certificate (PEM): what kiosks and the clinic server are given to trust the broker. */
  caFile: string;
  /** The broker's certificate, for 127.0.0.1 and localhost, signed by the CA. */
  certFile: string;
  keyFile: string;
}

// A new P-256 key, unencrypted (a broker restarted at night has no one to type a passphrase).
const NEW_EC_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';

/**
 * A private CA and a broker certificate made with openssl in `dir`, the same commands
 * docs/operations.md gives an operator (there with the broker's real host name and a longer life).
 */
export function makeTlsFiles(dir: string): TlsFiles {
  // Arguments without spaces in one string, as an operator types them; a subject with spaces apart.
  const run = (args: string, ...more: string[]) =>
    execFileSync('openssl', [...args.split(' '), ...more], { cwd: dir, stdio: 'pipe' });
  run(
    `req -x509 ${NEW_EC_KEY} -keyout ca.key -out ca.pem -days 2 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -subj`,
    '/CN=klinik-desa test CA',
  );
  run(`req ${NEW_EC_KEY} -keyout broker.key -out broker.csr -subj /CN=localhost`);
  writeFileSync(
    join(dir, 'broker.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  run(
    'x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 2 -extfile broker.ext',
  );
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'broker.pem'), keyFile: join(dir, 'broker.key') };
}
