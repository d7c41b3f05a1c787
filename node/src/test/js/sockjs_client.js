// A web page's view of TEF, run in Node: Vert.x's own JavaScript event-bus client
// (@vertx/eventbus-bridge-client.js over sockjs-client) against the node's /eventbus.
//   node sockjs_client.js submit  URL KEY GUID   submits an echo task, prints its completion event
//   node sockjs_client.js refused URL KEY GUID   expects the submit refused, prints the refusal
//   node sockjs_client.js worker  URL KEY NAME   expects a worker address refused, prints the refusal
const EventBus = require('@vertx/eventbus-bridge-client.js');

const [mode, url, key, name] = process.argv.slice(2);
const eb = new EventBus(url);
if (key && key !== '-') {
  eb.defaultHeaders = { 'api-key': key };
}
const done = (code, line) => {
  console.log(line);
  try { eb.close(); } catch (e) { /* closing anyway */ }
  process.exit(code);
};
setTimeout(() => done(1, 'FAILED: nothing within 30 s'), 30000);
eb.onerror = err => console.log('error ' + JSON.stringify(err));

eb.onopen = () => {
  if (mode === 'worker') {
    eb.registerHandler('tef.worker.' + name, (err, msg) => {
      if (err) done(0, 'refused ' + JSON.stringify(err));
      else done(1, 'FAILED: a dispatch reached a web page: ' + JSON.stringify(msg));
    });
    return;
  }
  eb.registerHandler('tef.events.tasks', (err, msg) => {
    if (err && mode === 'refused') console.log('listening refused ' + JSON.stringify(err));
    else if (err) done(1, 'FAILED: listening refused ' + JSON.stringify(err));
    else if (msg.body.guid === name && ['completed', 'failed', 'cancelled'].includes(msg.body.state)) {
      done(0, 'event ' + JSON.stringify(msg.body));
    }
  });
  eb.send('tef.tasks.submit', { task_type: 'echo', guid: name, task_data: { from: 'js' } }, (err, reply) => {
    if (mode === 'refused') {
      if (err) done(0, 'refused ' + JSON.stringify(err));
      else done(1, 'FAILED: submitted ' + JSON.stringify(reply.body));
    } else if (err) {
      done(1, 'FAILED: submit refused ' + JSON.stringify(err));
    } else {
      console.log('submitted ' + reply.body.task.guid);
    }
  });
};
