// Resources: each one, its limit now (windows applied), holders and waiters; edit, add, delete.

import { api, may } from '../api.js';
import { el, fill, json, link, row, table } from '../dom.js';
import { subscribe } from '../live.js';
import { act } from '../main.js';
import { editDefinition } from './editor.js';

export default async function resources(section) {
  const list = el('div', { id: 'resource-list', class: 'reserve' });
  const editor = el('div', { id: 'resource-editor' });
  fill(section, el('h1', {}, 'Resources'), list, editor);

  async function load() {
    const r = await api('GET', '/api/resources');
    const columns = ['Name', 'Limit', 'Limit now', 'Held', 'Holders', 'Waiting', 'Windows'];
    if (may.admin) {
      columns.push('Actions');
    }
    fill(list, table(r.resources.length + ' resource(s)', columns, r.resources.map(x => row(
      x.name, x.limit, x.now ? x.now.limit + (x.now.available ? '' : ' (unavailable)') : '', x.held ?? 0,
      (x.holders || []).map(h => el('div', {}, typeof h === 'string' ? link('/ui/tasks/' + encodeURIComponent(h), h) : JSON.stringify(h))),
      x.waiting ?? 0, (x.windows || []).length ? json(x.windows) : '—',
      may.admin ? [el('button', { type: 'button', onclick: () => edit(x) }, 'Edit'), ' ',
        el('button', { type: 'button', class: 'danger', onclick: () => act('Delete ' + x.name, () => api('DELETE', '/api/resources/' + encodeURIComponent(x.name))).then(load) }, 'Delete')] : null)),
      'No resources.'));
  }

  function edit(x) {
    const body = { limit: 1 };
    if (x) {
      delete body.limit;
      for (const k of ['limit', 'available', 'windows', 'timezone']) {
        if (x[k] !== undefined) {
          body[k] = x[k];
        }
      }
    }
    editDefinition(editor, { prefix: 'resource', title: x ? 'Edit ' + x.name : 'New resource', nameLabel: 'Name', name: x && x.name, body,
      hint: 'Definition (JSON: limit, available, windows, timezone)', path: n => '/api/resources/' + encodeURIComponent(n), saved: load });
  }

  if (may.admin) {
    section.insertBefore(el('p', {}, el('button', { type: 'button', id: 'new-resource', onclick: () => edit(null) }, 'New resource')), list);
  }
  await load();
  const stop = subscribe(tick => {
    if (tick.changed.resources || tick.changed.tasks.length) {
      load().catch(() => {});
    }
  });
  return { destroy: stop };
}
