import { createHash } from 'node:crypto';

// The sign-in page: Bahasa Indonesia first (English beneath each text), everything inline and
// nothing from a CDN, so it works on a clinic LAN without the internet. The script and the style
// are allowed by their hashes in the Content-Security-Policy, and nothing else runs.

const STYLE = `
body { font-family: system-ui, sans-serif; background: #f4f6f4; margin: 0; }
main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
label { display: block; margin: 0.8rem 0 0.2rem; font-weight: 600; }
small { display: block; color: #666; font-weight: normal; }
input { width: 100%; box-sizing: border-box; padding: 0.5rem; font-size: 1rem; }
button { margin-top: 1.2rem; width: 100%; padding: 0.6rem; font-size: 1rem; background: #b71c1c; color: #fff; border: 0; border-radius: 4px; }
#pesan { color: #b71c1c; min-height: 1.5rem; margin-top: 1rem; }
`;

// `next` must be a path on this server: "/x" but not "//host" or "/\\host", which browsers read
// as another site. Anything else goes to "/".
const SCRIPT = `
const form = document.getElementById('masuk');
const pesan = document.getElementById('pesan');
function tujuan() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  return /^\\/(?![\\/\\\\])/.test(next) ? next : '/';
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  pesan.textContent = '';
  const body = { username: form.username.value.trim().toLowerCase(), password: form.password.value };
  let r;
  try {
    r = await fetch('/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    pesan.textContent = 'Server tidak terjangkau. Periksa jaringan lalu coba lagi. (The server cannot be reached.)';
    return;
  }
  if (r.ok) { location.assign(tujuan()); return; }
  const error = await r.json().catch(() => ({}));
  if (r.status === 429) {
    const detik = r.headers.get('retry-after') || '60';
    pesan.textContent = 'Terlalu banyak percobaan yang salah. Coba lagi dalam ' + detik + ' detik. (Too many wrong attempts: try again in ' + detik + ' s.)';
  } else if (r.status === 401) {
    pesan.textContent = 'Nama pengguna atau kata sandi salah. (Wrong username or password.)';
  } else {
    pesan.textContent = 'Gagal masuk: ' + (error.message || r.status);
  }
  form.password.value = '';
  form.password.focus();
});
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

export const SIGN_IN_PAGE = `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Masuk - Klinik Desa</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Masuk <small>Sign in</small></h1>
<form id="masuk">
<label for="username">Nama pengguna <small>Username</small></label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" required>
<label for="password">Kata sandi <small>Password</small></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Masuk</button>
<p id="pesan" role="alert"></p>
</form>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

export const SIGN_IN_PAGE_CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
