// mubsub 1.4 (the pub/sub Qworker's workers use, on the MongoDB Node driver 2.0) against the
// node's embedded store: its channel is a capped collection, and messages published by one
// client reach a subscriber of another through a tailable awaitData cursor, in order; TEF's own
// MubsubChannel, subscribed beside it, hears them too and answers one.
// Run by MubsubTest: node mubsub-roundtrip.cjs <mongodb url with database>.
const mubsub = require('mubsub');

const url = process.argv[2];
const subscriber = mubsub(url);
const publisher = mubsub(url);
const fail = (why) => { console.error('FAILED: ' + why); process.exit(1); };
subscriber.on('error', (e) => fail('subscriber: ' + (e && e.message)));
publisher.on('error', (e) => fail('publisher: ' + (e && e.message)));
setTimeout(() => fail('timed out'), 45000);

const listening = subscriber.channel('tef-mubsub', { size: 100000 });
listening.on('error', (e) => fail('subscriber channel: ' + (e && e.message)));
const got = [];
listening.subscribe('hello', (message) => {
  got.push(message.n);
  if (got.length === 3) {
    if (JSON.stringify(got) !== '[0,1,2]') return fail('heard ' + JSON.stringify(got));
    listening.collection.isCapped((err, capped) => {
      if (err) return fail('isCapped: ' + err.message);
      if (capped !== true) return fail('the channel is not a capped collection');
      console.log('mubsub: 3 messages in order on a capped channel');
      // TEF's own channel (MubsubChannel) listens too: it answers this one.
      listening.subscribe('from-java', (m) => {
        if (m.answer !== 'heard you') return fail('from-java said ' + JSON.stringify(m));
        console.log('mubsub: TEF answered');
        process.exit(0);
      });
      setTimeout(() => listening.publish('to-java', { from: 'node' }), 500);
    });
  }
});
listening.on('ready', () => {
  const sending = publisher.channel('tef-mubsub', { size: 100000 });
  sending.on('error', (e) => fail('publisher channel: ' + (e && e.message)));
  // After the subscriber's cursor has waited once with nothing to read: the insert wakes it.
  // One after another (each once stored), so they are written in this order.
  const publish = (n) => sending.publish('hello', { n }, (err) => err ? fail('publish: ' + err.message) : n < 2 && publish(n + 1));
  setTimeout(() => publish(0), 1500);
});
