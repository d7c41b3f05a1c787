// Task types: the registry's definitions, each editable as JSON (built-in ones are shown only).

import { api, may } from '../api.js';
import { el, fill, json, row, table } from '../dom.js';
import { subscribe } from '../live.js';
import { act } from '../main.js';
import { editDefinition } from './editor.js';

export default async function taskTypes(section) {
  const list = el('div', { id: 'type-list', class: 'reserve' });
  const editor = el('div', { id: 'type-editor' });
  fill(section, el('h1', {}, 'Task types'), list, editor);

  async function load() {
    const r = await api('GET', '/api/task-types');
    const columns = ['Id', 'Name', 'Description', 'Definition'];
    if (may.admin) {
      columns.push('Actions');
    }
    fill(list, table(r.count + ' task type(s)', columns, r.task_types.map(t => row(
      t.id, t.name || '', t.description || '', el('details', {}, el('summary', {}, 'JSON'), json(t)),
      may.admin && !t.built_in ? [el('button', { type: 'button', onclick: () => edit(t) }, 'Edit'), ' ',
        el('button', { type: 'button', class: 'danger', onclick: () => act('Delete ' + t.id, () => api('DELETE', '/api/task-types/' + encodeURIComponent(t.id))).then(load) }, 'Delete')]
        : may.admin ? el('span', { class: 'muted' }, 'built in') : null)),
      'No task types.'));
  }

  function edit(t) {
    const body = t ? Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'id' && k !== 'built_in')) : { name: '', max_attempts: 3 };
    editDefinition(editor, { prefix: 'type', title: t ? 'Edit ' + t.id : 'New task type', nameLabel: 'Id', name: t && t.id, body,
      hint: 'Definition (JSON)', path: id => '/api/task-types/' + encodeURIComponent(id), saved: load });
  }

  if (may.admin) {
    section.insertBefore(el('p', {}, el('button', { type: 'button', id: 'new-type', onclick: () => edit(null) }, 'New task type')), list);
  }
  await load();
  const stop = subscribe(tick => {
    if (tick.changed.task_types) {
      load().catch(() => {});
    }
  });
  return { destroy: stop };
}
