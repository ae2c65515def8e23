// Small SVG charts with no dependencies, for the console and the dashboard.
// Every chart is an <svg role="img"> with a <title> and a <desc>, and
// chartTable() gives the same numbers as a <table> for screen readers and
// for copying (the dashboard offers them as CSV too: toCsv()).
//
//   lineChart([{name: 'risk', points: [{x: '10:02', y: 40}, ...]}], {title, yMax: 100})
//   barChart([{label: 'billing', value: 4}, ...], {title, unit: '%'})
//   sparkBars([{x: '11-05', y: 2}, ...], {title})

const NS = 'http://www.w3.org/2000/svg';
const PALETTE = ['#0b5cad', '#b91c1c', '#1a7f37', '#9a6700', '#6639ba', '#bc4c00'];

function svgEl(tag, attrs = {}, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = String(text);
  return n;
}

let uid = 0;

function frame(opts, desc) {
  const width = opts.width || 320;
  const height = opts.height || 140;
  const id = `chart-${++uid}`;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: opts.fluid === false ? width : null,
    class: `chart ${opts.class || ''}`.trim(),
    role: 'img',
    'aria-labelledby': `${id}-t ${id}-d`,
    preserveAspectRatio: 'xMidYMid meet',
  });
  svg.appendChild(svgEl('title', { id: `${id}-t` }, opts.title || 'Chart'));
  svg.appendChild(svgEl('desc', { id: `${id}-d` }, desc));
  return { svg, width, height };
}

function fmt(v, unit = '') {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const r = Math.abs(v) >= 10 || Number.isInteger(v) ? Math.round(v) : Math.round(v * 10) / 10;
  return `${r}${unit}`;
}

// series: [{name, points: [{x (label), y (number or null)}]}]; all series
// share the x labels of the first.  opts: title, width, height, yMin, yMax,
// unit, bands: [{from, to, color}] (background bands, e.g. conflict levels).
export function lineChart(series, opts = {}) {
  const all = series.flatMap((s) => s.points.map((p) => p.y)).filter((v) => typeof v === 'number');
  const desc = series.map((s) => `${s.name}: ${s.points.map((p) => `${p.x} ${fmt(p.y, opts.unit)}`).join(', ')}`).join('; ');
  const { svg, width, height } = frame(opts, desc || 'no data');
  const pad = { l: 30, r: 8, t: 8, b: 20 };
  const yMin = opts.yMin ?? Math.min(0, ...all);
  const yMax = opts.yMax ?? Math.max(1, ...all);
  const n = Math.max(1, ...series.map((s) => s.points.length));
  const X = (i) => pad.l + (n === 1 ? (width - pad.l - pad.r) / 2 : (i * (width - pad.l - pad.r)) / (n - 1));
  const Y = (v) => height - pad.b - ((v - yMin) * (height - pad.t - pad.b)) / (yMax - yMin || 1);
  for (const b of opts.bands || []) {
    svg.appendChild(svgEl('rect', { x: pad.l, y: Y(b.to), width: width - pad.l - pad.r,
      height: Math.max(0, Y(b.from) - Y(b.to)), fill: b.color, opacity: 0.12 }));
  }
  // axes and y ticks
  svg.appendChild(svgEl('line', { x1: pad.l, y1: height - pad.b, x2: width - pad.r, y2: height - pad.b, stroke: '#57606a' }));
  for (const v of [yMin, (yMin + yMax) / 2, yMax]) {
    svg.appendChild(svgEl('text', { x: pad.l - 4, y: Y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#57606a' }, fmt(v)));
    svg.appendChild(svgEl('line', { x1: pad.l, y1: Y(v), x2: width - pad.r, y2: Y(v), stroke: '#d0d7de', 'stroke-dasharray': '2 3' }));
  }
  const labels = series[0] ? series[0].points.map((p) => p.x) : [];
  const every = Math.ceil(labels.length / 6) || 1;
  labels.forEach((l, i) => {
    const last = labels.length - 1;
    // A regular label too close to the last one would overlap it: skipped.
    if ((i % every === 0 && (i === last || last - i >= every)) || i === last) {
      // The last label ends at its point so it is not cut at the right edge.
      const anchor = i === labels.length - 1 && labels.length > 1 ? 'end' : 'middle';
      svg.appendChild(svgEl('text', { x: X(i), y: height - 5, 'text-anchor': anchor, 'font-size': 10, fill: '#57606a' }, l));
    }
  });
  series.forEach((s, si) => {
    const color = s.color || PALETTE[si % PALETTE.length];
    let d = '';
    let pen = false;
    s.points.forEach((p, i) => {
      if (typeof p.y !== 'number') {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${X(i).toFixed(1)},${Y(p.y).toFixed(1)}`;
      pen = true;
    });
    if (d) svg.appendChild(svgEl('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }));
    s.points.forEach((p, i) => {
      if (typeof p.y !== 'number') return;
      const dot = svgEl('circle', { cx: X(i), cy: Y(p.y), r: 3, fill: p.color || color });
      dot.appendChild(svgEl('title', {}, `${s.name} ${p.x}: ${fmt(p.y, opts.unit)}`));
      svg.appendChild(dot);
    });
  });
  return svg;
}

// bars: [{label, value, color?}]; opts: title, width, height, max, unit.
export function barChart(bars, opts = {}) {
  const desc = bars.map((b) => `${b.label} ${fmt(b.value, opts.unit)}`).join(', ');
  const rowH = 18;
  const height = opts.height || Math.max(40, bars.length * rowH + 8);
  const { svg, width } = frame({ ...opts, height }, desc || 'no data');
  const labelW = opts.labelWidth || 100;
  const max = opts.max ?? Math.max(1, ...bars.map((b) => b.value || 0));
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    const w = ((width - labelW - 44) * Math.max(0, b.value || 0)) / max;
    svg.appendChild(svgEl('text', { x: labelW - 4, y: y + 12, 'text-anchor': 'end', 'font-size': 11, fill: '#1b1f24' }, b.label));
    svg.appendChild(svgEl('rect', { x: labelW, y: y + 2, width: Math.max(0, w), height: rowH - 6, rx: 2,
      fill: b.color || opts.color || PALETTE[0] }));
    svg.appendChild(svgEl('text', { x: labelW + w + 4, y: y + 12, 'font-size': 11, fill: '#1b1f24' }, fmt(b.value, opts.unit)));
  });
  return svg;
}

// A small column per point, no axes or labels, for a dashboard tile; it
// stretches to its box (CSS sets the size).  points: [{x (label), y}];
// opts: title, width, height, unit, color.
export function sparkBars(points, opts = {}) {
  const desc = points.map((p) => `${p.x} ${fmt(p.y, opts.unit)}`).join(', ');
  const { svg, width, height } = frame({ width: 120, height: 24, ...opts, class: `spark ${opts.class || ''}` },
    desc || 'no data');
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(1, ...points.map((p) => p.y || 0));
  const w = width / Math.max(1, points.length);
  // The baseline, so a range with nothing still reads as zeros.
  svg.appendChild(svgEl('line', { x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5, stroke: '#d0d7de' }));
  points.forEach((p, i) => {
    const h = ((height - 2) * Math.max(0, p.y || 0)) / max;
    const bar = svgEl('rect', { x: i * w + w * 0.15, y: height - h, width: w * 0.7, height: h,
      fill: opts.color || PALETTE[0] });
    bar.appendChild(svgEl('title', {}, `${p.x}: ${fmt(p.y, opts.unit)}`));
    svg.appendChild(bar);
  });
  return svg;
}

// The numbers of a chart as a table: columns [header...] and rows [[...]].
export function chartTable(caption, columns, rows, { hidden = true } = {}) {
  const table = document.createElement('table');
  table.className = hidden ? 'chart-table visually-hidden' : 'chart-table';
  const cap = document.createElement('caption');
  cap.textContent = caption;
  table.appendChild(cap);
  const thead = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = c;
    thead.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const v of r) tr.insertCell().textContent = v === null || v === undefined ? '' : String(v);
  }
  return table;
}

// CSV text (RFC 4180 quoting) of columns and rows.
export function toCsv(columns, rows) {
  const q = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}
