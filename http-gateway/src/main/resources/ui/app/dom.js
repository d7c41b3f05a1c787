// Small helpers to build markup without innerHTML (no injection from task data).

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k === 'class') {
      e.className = v;
    } else if (k.startsWith('on')) {
      e.addEventListener(k.slice(2), v);
    } else if (v === true) {
      e.setAttribute(k, '');
    } else {
      e.setAttribute(k, v);
    }
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(e, c);
    } else {
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
}

/** A time in the browser's zone, its UTC value on hover. */
export function time(iso) {
  if (!iso) {
    return el('span', { class: 'muted' }, '—');
  }
  const d = new Date(iso);
  if (isNaN(d)) {
    return el('span', {}, iso);
  }
  return el('time', { datetime: d.toISOString(), title: d.toISOString().replace('T', ' ').replace('Z', ' UTC') },
    d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }));
}

export function link(href, text) {
  return el('a', { href }, text);
}

export function table(caption, columns, rows, empty = 'None.') {
  return el('table', {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, columns.map(c => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: columns.length, class: 'muted' }, empty))));
}

export function row(...cells) {
  return el('tr', {}, cells.map((c, i) => i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)));
}

export function state(s) {
  return el('span', { class: 'state state-' + s }, s);
}

export function json(value) {
  return el('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

/** Replaces the children of a node in place (the node keeps its place and size class: no jump). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}
