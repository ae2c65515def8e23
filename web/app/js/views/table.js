// A table whose column heads sort it (the lead's QA scores, the dashboard's
// breakdown): each head is a button, the sorted one has aria-sort and a
// ▲ / ▼ beside its name, and the first column heads the rows.  Rows are
// plain objects; a column is [key, label, type] with type 'num' or 'text'.
// (relative, so node's tests/web/ can import it too)
import { el, mount } from '../../../assets/js/dom.js';

// rows sorted by `key` ('ascending' or 'descending'); missing values last,
// ties by the `tie` field.  A new array: rows is left as it is.
export function sortRows(rows, key, dir, tie = 'agent') {
  const sign = dir === 'descending' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === y) return String(a[tie]).localeCompare(String(b[tie]));
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y));
  });
}

function plainCell(row, key) {
  const v = row[key];
  return { text: v === null || v === undefined ? '–' : String(v) };
}

// Draws the table into `box` and redraws it on a click on a head.
// opts: columns, rows, caption (for screen readers), className (the
// table's, besides "sortable"), sortKey / sortDir (sortKey null keeps the
// rows' own order until a head is clicked), cell(row, key) -> {text, cls,
// title} to format a value (the raw value is what sorts), foot (a row kept
// last, in <tfoot>: a total), onSort(sorted, sortKey, sortDir) after each
// draw.
export function sortableTable(box, opts) {
  const { columns, rows, caption, className = '', cell = plainCell, foot, onSort } = opts;
  let sortKey = opts.sortKey || null;
  let sortDir = opts.sortDir || 'descending';

  function head([key, label, type]) {
    const on = key === sortKey;
    const btn = el('button', {
      type: 'button',
      class: 'sort-btn',
      onclick: () => {
        if (sortKey === key) sortDir = sortDir === 'ascending' ? 'descending' : 'ascending';
        else {
          sortKey = key;
          sortDir = type === 'num' ? 'descending' : 'ascending';
        }
        draw();
      },
    },
    label,
    el('span', { class: 'sort-mark', 'aria-hidden': 'true' }, on ? (sortDir === 'ascending' ? ' ▲' : ' ▼') : ''));
    return el('th', { scope: 'col', class: type, 'aria-sort': on ? sortDir : 'none' }, btn);
  }

  function line(r) {
    return el('tr', {}, columns.map(([key, , type], i) => {
      const c = cell(r, key, type);
      const cls = c.cls || type;
      return i === 0
        ? el('th', { scope: 'row', class: cls, title: c.title }, c.text)
        : el('td', { class: cls, title: c.title }, c.text);
    }));
  }

  function draw() {
    const sorted = sortKey ? sortRows(rows, sortKey, sortDir, columns[0][0]) : rows;
    mount(box, el('table', { class: `sortable ${className}`.trim() },
      el('caption', { class: 'visually-hidden' }, `${caption}; the column headers sort`),
      el('thead', {}, el('tr', {}, columns.map(head))),
      el('tbody', {}, sorted.map(line)),
      foot ? el('tfoot', {}, line(foot)) : null));
    if (onSort) onSort(sorted, sortKey, sortDir);
  }

  draw();
}
