// The dashboard: one page, a view per URL, drawn from the REST API and kept live by /api/events.

import { api, ApiError, forgetKey, loadAccess, onKeyNeeded, setKey } from './api.js';
import { connect, onStatus } from './live.js';
import { el, fill } from './dom.js';
import overview from './views/overview.js';
import tasks from './views/tasks.js';
import task from './views/task.js';
import suites from './views/suites.js';
import workers from './views/workers.js';
import resources from './views/resources.js';
import taskTypes from './views/task-types.js';

const routes = [
  [/^\/ui\/?$/, 'overview', overview],
  [/^\/ui\/tasks\/?$/, 'tasks', tasks],
  [/^\/ui\/tasks\/(.+)$/, 'tasks', task],
  [/^\/ui\/suites(?:\/(.+))?\/?$/, 'suites', suites],
  [/^\/ui\/workers\/?$/, 'workers', workers],
  [/^\/ui\/resources\/?$/, 'resources', resources],
  [/^\/ui\/task-types\/?$/, 'task-types', taskTypes],
];

const main = document.getElementById('main');
let current = null;

/** Shows a message for a failed action (or clears it). */
export function notice(message) {
  const n = document.getElementById('notice');
  n.hidden = !message;
  n.textContent = message || '';
}

/** Runs an action, saying what went wrong if it did (403: what the key may not do). */
export async function act(what, run) {
  try {
    notice(null);
    return await run();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      notice(what + ': this key may not do that (' + e.message + ')');
    } else {
      notice(what + ': ' + e.message);
    }
    return undefined;
  }
}

export function navigate(href, replace = false) {
  if (replace) {
    history.replaceState(null, '', href);
  } else {
    history.pushState(null, '', href);
  }
  render();
}

async function render() {
  if (current && current.destroy) {
    current.destroy();
  }
  current = null;
  notice(null);
  const path = decodeURI(location.pathname);
  const found = routes.map(([re, nav, view]) => [path.match(re), nav, view]).find(([m]) => m);
  document.querySelectorAll('[data-nav]').forEach(a => {
    if (found && a.dataset.nav === found[1]) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  const section = el('section', { class: 'view' });
  fill(main, section);
  if (!found) {
    fill(section, el('h1', {}, 'Not found'), el('p', {}, 'No page at ' + path + '. ', el('a', { href: '/ui/' }, 'Overview')));
    return;
  }
  const [match, , view] = found;
  try {
    current = await view(section, { params: match.slice(1).map(p => p && decodeURIComponent(p)), query: new URLSearchParams(location.search) });
  } catch (e) {
    fill(section, el('h1', {}, 'Could not load this page'), el('p', { class: 'error' }, e.message));
  }
  const h1 = section.querySelector('h1');
  if (h1) {
    document.title = h1.textContent + ' · TEF';
  }
}

// Links inside the dashboard change the view without a reload.
document.addEventListener('click', e => {
  const a = e.target.closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) {
    return;
  }
  const url = new URL(a.href, location.href);
  if (url.origin === location.origin && url.pathname.startsWith('/ui')) {
    e.preventDefault();
    navigate(url.pathname + url.search);
    main.focus({ preventScroll: false });
  }
});
window.addEventListener('popstate', render);

// The key prompt: a modal dialog; the call that needed it waits until a key is given.
const dialog = document.getElementById('key-dialog');
let waiting = null;

function askForKey(message) {
  if (message || !dialog.open) {
    document.getElementById('key-message').textContent = message || 'This node asks for an API key.';
  }
  if (!waiting) {
    waiting = new Promise(done => {
      dialog.addEventListener('close', function given() {
        dialog.removeEventListener('close', given);
        waiting = null;
        done();
      });
    });
    dialog.showModal();
    document.getElementById('key-input').focus();
  }
  return waiting;
}

document.getElementById('key-form').addEventListener('submit', () => {
  const input = document.getElementById('key-input');
  setKey(input.value.trim(), document.getElementById('key-remember').checked);
  input.value = '';
});
dialog.addEventListener('cancel', e => e.preventDefault()); // no data without a key: the prompt stays
document.getElementById('key-forget').addEventListener('click', () => {
  forgetKey();
  document.getElementById('key-input').value = '';
});
document.getElementById('key-button').addEventListener('click', () => askForKey('Give another key, or forget this one.')
  .then(() => loadAccess()).then(showAccess).catch(e => notice(e.message)));
onKeyNeeded(askForKey);

function showAccess(access) {
  const may = access.may;
  document.body.dataset.may = ['read', 'submit', 'admin'].filter(r => may[r]).join(' ');
  document.getElementById('key-button').textContent = access.keys_required ? 'Key: ' + (access.key || '?') : 'No key needed';
  render();
}

const liveStatus = document.getElementById('live-status');
onStatus(s => {
  liveStatus.textContent = s;
  liveStatus.dataset.state = s;
});

loadAccess().then(showAccess).catch(e => notice(e.message));
connect(message => askForKey(message));
