/** The fleet page's document: no inline script or style, so a strict CSP holds. */
export const FLEET_HTML = `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Armada kiosk · klinik-desa</title>
<link rel="stylesheet" href="/ui/fleet.css">
<script src="/ui/fleet.js" defer></script>
</head>
<body>
<header>
  <h1 data-text="title">Armada kiosk</h1>
  <div class="tools">
    <span data-testid="updated" class="muted"></span>
    <button type="button" id="refresh" data-text="refresh">Muat ulang</button>
    <button type="button" id="lang" lang="en" data-testid="lang">English</button>
  </div>
</header>
<main>
  <p id="problem" data-testid="problem" role="alert" hidden></p>
  <section aria-labelledby="alerts-title">
    <h2 id="alerts-title" data-text="alerts">Peringatan</h2>
    <p id="no-alerts" data-testid="no-alerts" data-text="noAlerts" hidden>Tidak ada peringatan.</p>
    <ul id="alerts" data-testid="alerts"></ul>
  </section>
  <div id="clinics" data-testid="clinics"></div>
</main>
</body>
</html>
`;
