import type { BulletinDocument } from './bulletin.ts';

/**
 * A bulletin as one self-contained HTML page (inline style, inline SVG sparklines, no script), for
 * the console's reader, the archive download and e-mail. Every text is escaped. Pure.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A sparkline: a polyline over the known points; gaps (missing periods) break the line. */
export function sparklineSvg(values: readonly (number | null)[], width = 96, height = 24): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return '';
  const min = Math.min(...known);
  const max = Math.max(...known);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => (max === min ? height / 2 : height - 2 - ((v - min) / (max - min)) * (height - 4));
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
      return;
    }
    run.push(`${(i * step).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (run.length > 0) runs.push(run.join(' '));
  const lines = runs.map((points) => (points.includes(' ')
    ? `<polyline fill="none" stroke="#2f6fde" stroke-width="1.5" points="${points}"/>`
    : `<circle r="1.5" fill="#2f6fde" cx="${points.split(',')[0]}" cy="${points.split(',')[1]}"/>`));
  return `<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-hidden="true">${lines.join('')}</svg>`;
}

const style = `body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:#1d2430;max-width:960px;margin:24px auto;padding:0 16px;line-height:1.6}
h1{font-size:24px;margin:0}.subtitle{color:#5b6473;margin:4px 0 24px}h2{font-size:18px;border-bottom:2px solid #2f6fde;padding-bottom:4px;margin-top:28px}
p{margin:6px 0}table{border-collapse:collapse;width:100%;margin-top:10px;font-size:14px}th,td{border:1px solid #d5dae3;padding:4px 8px;text-align:left}
th{background:#eef2f8}td.num{text-align:right;font-variant-numeric:tabular-nums}.changes{background:#fff8e6;border:1px solid #f0d48a;padding:8px 12px;margin:12px 0}`;

export function renderBulletinHtml(doc: BulletinDocument, changes: readonly { key: string; before: string | null; after: string | null }[] = []): string {
  const zh = doc.locale === 'zh-CN';
  const sections = doc.sections.map((s) => {
    const sentences = s.sentences.map((t) => `<p>${escapeHtml(t)}</p>`).join('');
    let table = '';
    if (s.table) {
      const head = `<tr>${s.table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}${s.sparks ? `<th>${zh ? '走势' : 'Trend'}</th>` : ''}</tr>`;
      const rows = s.table.rows.map((row, i) => {
        const cells = row.map((cell, j) => `<td${j > 0 && /^[−+±\d—]/.test(cell) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('');
        return `<tr>${cells}${s.sparks ? `<td>${sparklineSvg(s.sparks[i] ?? [])}</td>` : ''}</tr>`;
      }).join('');
      table = `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
    }
    return `<section data-kind="${s.kind}"><h2>${escapeHtml(s.title)}</h2>${sentences}${table}</section>`;
  }).join('');
  const changeNote = changes.length === 0 ? '' : `<div class="changes"><strong>${zh ? '本版更新' : 'Changed in this version'}</strong><ul>${changes
    .map((c) => `<li>${escapeHtml(c.key)}: ${escapeHtml(c.before ?? '—')} → ${escapeHtml(c.after ?? '—')}</li>`).join('')}</ul></div>`;
  return `<!doctype html><html lang="${zh ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title><style>${style}</style></head>`
    + `<body><h1>${escapeHtml(doc.title)}</h1><p class="subtitle">${escapeHtml(doc.subtitle)}</p>${changeNote}${sections}</body></html>`;
}
