import type { QuarterlyReport, ReportSection } from './quarterly.js';
import type { ShownTable } from './table.js';

const MONTHS_ID = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function monthName(yyyyMm: string): string {
  return `${MONTHS_ID[Number(yyyyMm.slice(5, 7)) - 1]} ${yyyyMm.slice(0, 4)}`;
}

/** Where the page's links lead: the CSV of the same report, and the quarter before. */
export interface PageLinks {
  csv: string;
  previous: string;
}

// A4 portrait, 12 mm margins; the navigation is for the screen only. No external files: the page
// is printed in puskesmas without a reliable connection, and nothing may load from a CDN.
const STYLE = `
  body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #000; margin: 1.5em; }
  nav { background: #eef3ee; padding: .5em 1em; margin-bottom: 1em; border-radius: 4px; }
  nav a { margin-right: 1.5em; }
  h1 { font-size: 15pt; margin: 0 0 .2em; }
  h2 { font-size: 12pt; margin: 1.2em 0 .3em; border-bottom: 1px solid #444; }
  h3 { font-size: 10pt; margin: .8em 0 .2em; }
  table { border-collapse: collapse; margin-bottom: .5em; }
  th, td { border: 1px solid #777; padding: 2px 5px; text-align: right; }
  th { background: #f0f0f0; font-weight: 600; }
  th[scope="row"] { text-align: left; }
  td.hidden { font-style: italic; }
  .total { font-weight: 700; }
  section { break-inside: avoid; }
  footer { margin-top: 1.5em; font-size: 9pt; }
  @page { size: A4 portrait; margin: 12mm; }
  @media print { nav { display: none; } body { margin: 0; } }
`;

/**
 * The printable sheet of the report, Bahasa Indonesia first: one section per clinic, then per
 * village, each with its three tables. The numbers are the JSON's and the CSV's.
 */
export function reportPage(report: QuarterlyReport, links: PageLinks): string {
  const [first, , last] = report.months;
  const period = `${monthName(first!)} – ${monthName(last!)}`;
  const sections = [
    ...report.clinics.map((c) =>
      section(`Klinik ${c.clinicId}${c.village ? ` — Desa ${c.village}` : ''}`, c, 'clinic'),
    ),
    ...report.villages.map((v) =>
      section(`Desa ${v.village} (gabungan klinik ${v.clinicIds.join(', ')})`, v, 'village'),
    ),
  ];
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan Triwulan ${escapeHtml(report.quarter)}</title>
<style>${STYLE}</style>
</head>
<body>
<nav aria-label="Navigasi">
<a href="${escapeHtml(links.csv)}">Unduh CSV</a>
<a href="${escapeHtml(links.previous)}">Triwulan sebelumnya</a>
<span>Cetak halaman ini (Ctrl+P) untuk lembar A4.</span>
</nav>
<main>
<h1>Laporan Triwulan Skrining Kesehatan — Lokakarya Mini Lintas Sektor</h1>
<p>Triwulan <strong>${escapeHtml(report.quarter)}</strong> (${escapeHtml(period)}). <em>Quarterly screening report for the cross-sector meeting.</em></p>
${sections.length > 0 ? sections.join('\n') : '<p>Tidak ada klinik dalam laporan ini.</p>'}
</main>
<footer>
<p><strong>&lt;5</strong>: 1 sampai 4 orang, tidak ditampilkan agar tidak ada orang yang dapat dikenali.
<strong>x</strong>: disembunyikan agar angka &lt;5 tidak dapat dihitung dari jumlahnya. Hanya jumlah; tanpa nama atau NIK.</p>
<p><em>&lt;5: 1 to 4 people, not shown so nobody can be identified. x: hidden so a &lt;5 cannot be worked out from a total. Counts only.</em></p>
</footer>
</body>
</html>
`;
}

function section(title: string, s: ReportSection, kind: 'clinic' | 'village'): string {
  return `<section class="${kind}">
<h2>${escapeHtml(title)}</h2>
<h3>Jumlah skrining per bulan, kelompok umur dan jenis kelamin (L laki-laki, P perempuan)</h3>
${table(s.screenings, 'Bulan', (key) => monthName(key))}
<h3>Hasil skrining yang ditandai</h3>
${table(s.flags, 'Temuan')}
<h3>Rujukan ke Puskesmas</h3>
${table(s.referrals, 'Klinik', undefined, 'Dibuat')}
</section>`;
}

function table(
  t: ShownTable,
  corner: string,
  rowLabel?: (key: string) => string,
  totalLabel = 'Jumlah',
): string {
  const cell = (v: number | string, total = false) =>
    `<td class="${[typeof v === 'string' ? 'hidden' : '', total ? 'total' : ''].join(' ').trim()}">${escapeHtml(String(v))}</td>`;
  const head = [
    `<th scope="col">${escapeHtml(corner)}</th>`,
    ...t.columns.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`),
    t.rowTotals ? `<th scope="col">${escapeHtml(totalLabel)}</th>` : '',
  ].join('');
  const body = t.rows.map((row, i) =>
    [
      `<tr data-row="${escapeHtml(row.key)}"><th scope="row">${escapeHtml(rowLabel ? rowLabel(row.key) : row.label)}</th>`,
      ...t.cells[i]!.map((v) => cell(v)),
      t.rowTotals ? cell(t.rowTotals[i]!, true) : '',
      '</tr>',
    ].join(''),
  );
  if (t.columnTotals) {
    body.push(
      [
        `<tr data-row="total"><th scope="row">${escapeHtml(totalLabel)}</th>`,
        ...t.columnTotals.map((v) => cell(v, true)),
        t.total !== null ? cell(t.total, true) : '',
        '</tr>',
      ].join(''),
    );
  }
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('\n')}</tbody></table>`;
}
