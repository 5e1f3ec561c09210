// A horizontal bar chart of speed ratios, as plain SVG: by default ethereumjs time / polyvm time
// (bench.mjs); bench/wasm.mjs passes its own title, subtitle and target (EVM time / WASM time).

const ROW = 22;
const LABEL_WIDTH = 290;
const BAR_WIDTH = 520;
const VALUE_WIDTH = 70;
const TOP = 78;
const WIDTH = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH + 20;

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);
}

function niceStep(max) {
  for (const step of [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) if (max / step <= 10) return step;
  return 2000;
}

/**
 * @param {{ cases: { name: string, ratio: number | null }[], geomean: number | null,
 *   machine: { cpu: string, cores: number, node: string }, versions: Record<string, string>, date: string }} results
 * @param {{ title?: string, subtitle?: string, target?: number }} [options] the heading, the line below it
 *   (the case count is appended), and the ratio drawn as the goal line
 * @returns {string}
 */
export function renderChart(results, options = {}) {
  const target = options.target ?? 5;
  const rows = results.cases.filter((c) => typeof c.ratio === 'number' && Number.isFinite(c.ratio));
  const all = [...rows.map((c) => c.ratio), results.geomean ?? 0, 1, target];
  const max = Math.max(...all) * 1.08;
  const step = niceStep(max);
  const scaleMax = Math.ceil(max / step) * step;
  const x = (ratio) => LABEL_WIDTH + (ratio / scaleMax) * BAR_WIDTH;
  const height = TOP + (rows.length + 1) * ROW + 46;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(
    `<text x="10" y="22" font-size="16" font-weight="bold">${escapeXml(options.title ?? `polyvm speed-up over @ethereumjs/evm ${results.versions['@ethereumjs/evm'] ?? ''} (higher is better)`)}</text>`,
  );
  const geo = results.geomean === null ? 'n/a' : `${results.geomean.toFixed(2)}×`;
  out.push(
    `<text x="10" y="42" fill="#333">${escapeXml(options.subtitle ?? `time per execution, ethereumjs ÷ polyvm · geometric mean ${geo}`)} · ${rows.length} cases</text>`,
  );
  out.push(
    `<text x="10" y="60" fill="#666" font-size="11">${escapeXml(results.machine.cpu)}, ${results.machine.cores} cores · Node ${escapeXml(results.machine.node)} · polyvm ${escapeXml(results.versions.polyvm ?? '')} · ${escapeXml(results.date.slice(0, 10))}</text>`,
  );
  // Grid lines and their labels.
  const bottom = TOP + (rows.length + 1) * ROW;
  for (let v = 0; v <= scaleMax + 1e-9; v += step) {
    const gx = x(v).toFixed(1);
    out.push(`<line x1="${gx}" y1="${TOP - 4}" x2="${gx}" y2="${bottom}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${gx}" y="${bottom + 16}" text-anchor="middle" fill="#666" font-size="11">${v}×</text>`);
  }
  rows.forEach((c, i) => {
    const y = TOP + i * ROW;
    const color = c.ratio >= target ? '#2e8b57' : c.ratio >= 1 ? '#4682b4' : '#cd5c5c';
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeXml(c.name)}</text>`);
    out.push(
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${Math.max(1, x(c.ratio) - LABEL_WIDTH).toFixed(1)}" height="${ROW - 6}" fill="${color}"/>`,
    );
    out.push(`<text x="${(x(c.ratio) + 4).toFixed(1)}" y="${y + 15}" fill="#222">${c.ratio.toFixed(2)}×</text>`);
  });
  if (results.geomean !== null) {
    const y = TOP + rows.length * ROW;
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end" font-weight="bold">geometric mean</text>`);
    out.push(
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${Math.max(1, x(results.geomean) - LABEL_WIDTH).toFixed(1)}" height="${ROW - 6}" fill="#555"/>`,
    );
    out.push(`<text x="${(x(results.geomean) + 4).toFixed(1)}" y="${y + 15}" font-weight="bold">${results.geomean.toFixed(2)}×</text>`);
  }
  // Parity (1×) and the issue's target.
  out.push(`<line x1="${x(1).toFixed(1)}" y1="${TOP - 4}" x2="${x(1).toFixed(1)}" y2="${bottom}" stroke="#222" stroke-width="1.5"/>`);
  out.push(
    `<line x1="${x(target).toFixed(1)}" y1="${TOP - 4}" x2="${x(target).toFixed(1)}" y2="${bottom}" stroke="#2e8b57" stroke-dasharray="4 3"/>`,
  );
  out.push(`<text x="${(x(target) + 3).toFixed(1)}" y="${TOP - 8}" fill="#2e8b57" font-size="11">${target}× target</text>`);
  out.push(`<text x="${x(1).toFixed(1)}" y="${TOP - 8}" text-anchor="middle" font-size="11">parity</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
