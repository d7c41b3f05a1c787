// The JSON editor of a named definition (a resource, a task type): PUT to `path(name)` on save.

import { api } from '../api.js';
import { el, fill } from '../dom.js';
import { act } from '../main.js';

/**
 * Draws the editor into `container`. `name`: the existing name (read-only) or null for a new one;
 * `prefix`: the ids of its fields; `saved`: called once the API took it.
 */
export function editDefinition(container, { prefix, title, nameLabel, name, body, hint, path, saved }) {
  const nameInput = el('input', { id: prefix + '-name', required: true, value: name || '', readonly: !!name, autocomplete: 'off' });
  const text = el('textarea', { id: prefix + '-json', rows: 10, spellcheck: 'false' }, JSON.stringify(body, null, 2));
  fill(container, el('form', { class: 'editor', onsubmit: async e => {
    e.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(text.value);
    } catch (err) {
      act('Save', () => { throw new Error('not JSON: ' + err.message); });
      return;
    }
    const id = nameInput.value.trim();
    if (await act('Save ' + id, () => api('PUT', path(id), parsed)) !== undefined) {
      fill(container);
      saved();
    }
  } }, el('h2', {}, title),
    el('label', { for: prefix + '-name' }, nameLabel), nameInput,
    el('label', { for: prefix + '-json' }, hint), text,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Save'),
      el('button', { type: 'button', class: 'quiet', onclick: () => fill(container) }, 'Close'))));
  (name ? text : nameInput).focus();
}
