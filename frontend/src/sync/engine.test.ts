import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RELOAD_MESSAGE, SyncEngine, type Notice } from './engine';
import { backoffDelay } from './link';
import { IndexedDbOutbox, MemoryOutbox, type OutboxStore } from './outbox';
import { ordered, toDocument } from './state';
import { FakeServer, emptyDocument, type FakeSocket } from './testing/fakeServer';
import { PROTOCOL_VERSION, type MapDocument, type Op } from './types';

let counter = 0;
const newId = () => `id-${++counter}`;

function seeded(): MapDocument {
  const doc = emptyDocument();
  doc.seq = 0;
  doc.stages = [{ id: 's1', name: 'Discover', description: '', order_key: 'a0' }];
  doc.lanes = [{ id: 'l1', name: 'Actions', kind: 'actions', order_key: 'a0' }];
  doc.cards = [
    { id: 'c1', stage: 's1', lane: 'l1', title: 'Search', description: '', color: '', order_key: 'a0' },
  ];
  return doc;
}

function engineFor(
  server: FakeServer,
  user: string,
  outbox: OutboxStore = new MemoryOutbox(),
  extra: { protocol?: number } = {},
) {
  return new SyncEngine({
    ...extra,
    mapId: 'map-1',
    url: 'ws://test/ws/maps/map-1/',
    socketFactory: server.factory(user),
    outbox,
    newId,
    random: () => 1,
    backoffInitialMs: 100,
    backoffMaxMs: 1600,
    heartbeatMs: 60_000,
    ackGraceMs: 500,
  });
}

const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

function lastSocket(server: FakeServer, user: string): FakeSocket {
  return server.allSockets.filter((s) => s.user === user).at(-1)!;
}

function viewDoc(engine: SyncEngine) {
  const view = engine.getSnapshot().view!;
  return { ...toDocument(view), seq: 0 };
}

function serverDoc(server: FakeServer) {
  return { ...server.document(), seq: 0 };
}

const update = (id: string, fields: Op['fields'], entity: Op['entity'] = 'card'): Op => ({
  action: 'update',
  entity,
  id,
  fields,
});

beforeEach(() => {
  vi.useFakeTimers();
  counter = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SyncEngine', () => {
  it('says hello with no seq, takes the snapshot and goes online', async () => {
    const server = new FakeServer(seeded());
    const engine = engineFor(server, 'ann');
    await engine.start();
    await settle();
    expect(lastSocket(server, 'ann').sent[0]).toEqual({ type: 'hello', last_seq: null, protocol: PROTOCOL_VERSION });
    expect(engine.getSnapshot().status).toBe('online');
    expect(viewDoc(engine)).toEqual(serverDoc(server));
  });

  it('shows a local edit at once and settles it on ack + patch', async () => {
    const server = new FakeServer(seeded());
    const engine = engineFor(server, 'ann');
    await engine.start();
    await settle();
    lastSocket(server, 'ann').hold = true;
    engine.submit([update('c1', { title: 'Search online' })]);
    expect(engine.getSnapshot().view!.items.card.c1!.title).toBe('Search online');
    expect(engine.getSnapshot().pendingCount).toBe(1);
    lastSocket(server, 'ann').release();
    await settle();
    expect(engine.getSnapshot().pendingCount).toBe(0);
    expect(server.state.items.card.c1!.title).toBe('Search online');
    expect(engine.getSnapshot().server!.seq).toBe(1);
  });

  it('applies remote patches under pending local edits without losing either', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    const bob = engineFor(server, 'bob');
    await ann.start();
    await bob.start();
    await settle();
    lastSocket(server, 'ann').hold = true; // Ann's edit is in flight
    ann.submit([update('c1', { title: 'Ann title' })]);
    bob.submit([
      update('c1', { description: 'Bob notes' }),
      { action: 'create', entity: 'card', id: 'c2', fields: { stage: 's1', lane: 'l1', title: 'Bob card', order_key: 'a1' } },
    ]);
    await settle();
    const during = ann.getSnapshot().view!;
    expect(during.items.card.c1!.title).toBe('Ann title'); // still hers on screen
    expect(during.items.card.c1!.description).toBe('Bob notes'); // his arrived beneath it
    expect(during.items.card.c2!.title).toBe('Bob card');
    lastSocket(server, 'ann').release();
    await settle();
    expect(viewDoc(ann)).toEqual(serverDoc(server));
    expect(viewDoc(bob)).toEqual(serverDoc(server));
    expect(server.state.items.card.c1!.title).toBe('Ann title');
  });

  it('detects a gap in seq and catches up with hello(last_seq)', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    const bob = engineFor(server, 'bob');
    await ann.start();
    await bob.start();
    await settle();
    const annSocket = lastSocket(server, 'ann');
    annSocket.dropTypes.add('patch'); // the channel layer loses two broadcasts
    bob.submit([update('c1', { title: 'one' })]);
    bob.submit([update('c1', { title: 'two' })]);
    await settle();
    annSocket.dropTypes.clear();
    bob.submit([update('c1', { description: 'three' })]);
    await settle();
    expect(annSocket.sent).toContainEqual({ type: 'hello', last_seq: 0, protocol: PROTOCOL_VERSION });
    expect(ann.getSnapshot().server!.seq).toBe(3);
    expect(viewDoc(ann)).toEqual(serverDoc(server));
  });

  it('catches up when an ack arrives but its patch is lost', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    await ann.start();
    await settle();
    lastSocket(server, 'ann').dropTypes.add('patch');
    ann.submit([update('c1', { title: 'acked' })]);
    await settle();
    expect(ann.getSnapshot().pendingCount).toBe(1); // acked, but not yet in the server state
    lastSocket(server, 'ann').dropTypes.clear();
    await settle(600);
    expect(ann.getSnapshot().pendingCount).toBe(0);
    expect(ann.getSnapshot().server!.items.card.c1!.title).toBe('acked');
  });

  it('reconnects with growing backoff and resends queued edits once back', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    await ann.start();
    await settle();
    server.goOffline();
    await settle();
    expect(ann.getSnapshot().status).toBe('offline');
    ann.submit([update('c1', { title: 'offline edit' })]);
    const before = server.allSockets.length;
    await settle(100); // attempt 1 after 100 ms
    await settle(200); // attempt 2 after 200 ms more
    await settle(400); // attempt 3 after 400 ms more
    expect(server.allSockets.length - before).toBe(3);
    await settle(500); // not yet: the next wait is 800 ms
    expect(server.allSockets.length - before).toBe(3);
    server.online = true;
    await settle(300);
    expect(ann.getSnapshot().status).toBe('online');
    expect(ann.getSnapshot().pendingCount).toBe(0);
    expect(server.state.items.card.c1!.title).toBe('offline edit');
    expect(server.log).toHaveLength(1);
  });

  it('resends with the same op_id, so an edit the server already has is not applied twice', async () => {
    const server = new FakeServer(seeded());
    server.catchupWindow = 0; // reconnect gets a snapshot, which does not name op_ids
    const ann = engineFor(server, 'ann');
    await ann.start();
    await settle();
    const socket = lastSocket(server, 'ann');
    socket.dropTypes.add('ack');
    socket.dropTypes.add('patch');
    const opId = ann.submit([
      { action: 'create', entity: 'card', id: 'c9', fields: { stage: 's1', lane: 'l1', title: 'once', order_key: 'a5' } },
    ]);
    await settle();
    expect(server.log).toHaveLength(1);
    socket.drop(); // the connection dies before the ack gets through
    await settle(200);
    const resent = lastSocket(server, 'ann').sent.filter((m) => m.type === 'ops');
    expect(resent).toEqual([expect.objectContaining({ op_id: opId })]);
    expect(server.log).toHaveLength(1);
    expect(ann.getSnapshot().pendingCount).toBe(0);
    expect(viewDoc(ann)).toEqual(serverDoc(server));
  });

  it('rolls a rejected batch back and reports why', async () => {
    const server = new FakeServer(seeded());
    server.rejectTitle = 'bad';
    const ann = engineFor(server, 'ann');
    const notices: Notice[] = [];
    ann.onNotice((n) => notices.push(n));
    await ann.start();
    await settle();
    lastSocket(server, 'ann').hold = true;
    ann.submit([update('c1', { title: 'bad' })]);
    expect(ann.getSnapshot().view!.items.card.c1!.title).toBe('bad');
    lastSocket(server, 'ann').release();
    await settle();
    expect(ann.getSnapshot().view!.items.card.c1!.title).toBe('Search');
    expect(ann.getSnapshot().pendingCount).toBe(0);
    expect(notices).toContainEqual(expect.objectContaining({ kind: 'reject', code: 'invalid', detail: 'bad title' }));
  });

  it('keeps offline edits in the outbox across a reload and sends them on reconnect', async () => {
    const server = new FakeServer(seeded());
    const outbox = new MemoryOutbox();
    const first = engineFor(server, 'ann', outbox);
    await first.start();
    await settle(500); // the base state is saved
    server.goOffline();
    await settle();
    first.submit([update('c1', { title: 'written on the train' })]);
    await first.flushed();
    first.stop(); // the tab is reloaded

    const second = engineFor(server, 'ann', outbox);
    await second.start();
    await settle();
    // Offline, after the reload: the board still shows the edit.
    expect(second.getSnapshot().view!.items.card.c1!.title).toBe('written on the train');
    expect(second.getSnapshot().pendingCount).toBe(1);
    server.online = true;
    await settle(2000);
    expect(second.getSnapshot().status).toBe('online');
    expect(server.state.items.card.c1!.title).toBe('written on the train');
    expect(outbox.pending.get('map-1')).toEqual([]);
  });

  it('asks for a snapshot when its seq is beyond the catch-up window', async () => {
    const server = new FakeServer(seeded());
    server.catchupWindow = 1;
    const ann = engineFor(server, 'ann');
    const bob = engineFor(server, 'bob');
    await ann.start();
    await bob.start();
    await settle();
    lastSocket(server, 'ann').drop();
    server.online = false;
    await settle();
    server.online = true;
    bob.submit([update('c1', { title: 'x' })]);
    bob.submit([update('c1', { title: 'y' })]);
    bob.submit([update('c1', { title: 'z' })]);
    await settle(5000);
    expect(ann.getSnapshot().status).toBe('online');
    expect(viewDoc(ann)).toEqual(serverDoc(server));
  });

  it('converges: random concurrent edits, drops and reconnects end in the server state', async () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const server = new FakeServer(seeded());
    const users = ['ann', 'bob', 'cat'];
    const engines = users.map((u) => engineFor(server, u));
    for (const e of engines) await e.start();
    await settle();
    for (let step = 0; step < 300; step++) {
      const i = Math.floor(rand() * engines.length);
      const engine = engines[i]!;
      const view = engine.getSnapshot().view!;
      const cards = ordered(view, 'card');
      const roll = rand();
      if (roll < 0.3 || cards.length === 0) {
        engine.submit([{ action: 'create', entity: 'card', id: newId(), fields: { stage: 's1', lane: 'l1', title: `t${step}`, order_key: `a${step}` } }]);
      } else if (roll < 0.7) {
        const card = cards[Math.floor(rand() * cards.length)]!;
        engine.submit([update(card.id, { title: `u${step}` })]);
      } else if (roll < 0.8) {
        const card = cards[Math.floor(rand() * cards.length)]!;
        engine.submit([{ action: 'delete', entity: 'card', id: card.id, fields: {} }]);
      } else if (roll < 0.9) {
        lastSocket(server, users[i]!).drop();
      } else {
        lastSocket(server, users[i]!).dropTypes.add('patch');
        await settle(1);
        lastSocket(server, users[i]!).dropTypes.clear();
      }
      if (rand() < 0.3) await settle(Math.floor(rand() * 300));
    }
    await settle(20_000);
    for (const engine of engines) {
      expect(engine.getSnapshot().status).toBe('online');
      expect(engine.getSnapshot().pendingCount).toBe(0);
      expect(viewDoc(engine)).toEqual(serverDoc(server));
    }
  });
});

describe('protocol version', () => {
  const hellos = (server: FakeServer, user: string) =>
    server.allSockets
      .filter((s) => s.user === user)
      .flatMap((s) => s.sent)
      .filter((m) => m.type === 'hello');

  it('announces the generated protocol version in every hello', async () => {
    expect(Number.isInteger(PROTOCOL_VERSION)).toBe(true);
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    await ann.start();
    await settle();
    lastSocket(server, 'ann').drop();
    await settle(200);
    expect(ann.getSnapshot().status).toBe('online');
    const sent = hellos(server, 'ann');
    expect(sent).toHaveLength(2);
    for (const hello of sent) expect(hello).toMatchObject({ type: 'hello', protocol: PROTOCOL_VERSION });
  });

  it('stops reconnecting and reports reload_required when the server is newer', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    const notices: Notice[] = [];
    ann.onNotice((n) => notices.push(n));
    await ann.start();
    await settle();
    server.protocol = PROTOCOL_VERSION + 1; // the server is upgraded…
    lastSocket(server, 'ann').drop(1012); // …and restarts
    await settle(200);
    const snapshot = ann.getSnapshot();
    expect(snapshot.status).toBe('reload_required');
    expect(snapshot.reloadRequired).toEqual({ detail: expect.any(String), protocol: PROTOCOL_VERSION + 1 });
    expect(snapshot.fatal).toBe(RELOAD_MESSAGE);
    expect(notices).toContainEqual({ kind: 'reload_required', detail: expect.any(String), protocol: PROTOCOL_VERSION + 1 });
    const sockets = server.allSockets.length;
    ann.reconnectNow(); // the browser says the network is back: still no point
    await settle(60_000);
    expect(server.allSockets.length).toBe(sockets);
    expect(ann.getSnapshot().status).toBe('reload_required');
  });

  it('takes a bare close with 4426 (the error frame lost) the same way', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    await ann.start();
    await settle();
    lastSocket(server, 'ann').drop(4426);
    const sockets = server.allSockets.length;
    await settle(60_000);
    expect(server.allSockets.length).toBe(sockets);
    expect(ann.getSnapshot().status).toBe('reload_required');
    expect(ann.getSnapshot().reloadRequired).toEqual({ detail: expect.any(String), protocol: null });
    expect(ann.getSnapshot().fatal).toBe(RELOAD_MESSAGE);
  });

  it('keeps edits queued offline in the outbox, and the reloaded page sends them', async () => {
    // Real IndexedDB semantics (fake-indexeddb), which schedules with setImmediate.
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const server = new FakeServer(seeded());
    // The page was loaded before a deploy: its bundle speaks the previous protocol.
    const before = engineFor(server, 'ann', new IndexedDbOutbox('ann'), { protocol: PROTOCOL_VERSION - 1 });
    await before.start();
    await settle(500); // online; the base state is saved
    expect(before.getSnapshot().status).toBe('online');
    server.goOffline();
    await settle();
    const first = before.submit([update('c1', { title: 'written on the train' })]);
    const second = before.submit([
      { action: 'create', entity: 'card', id: 'c7', fields: { stage: 's1', lane: 'l1', title: 'new card', order_key: 'a3' } },
    ]);
    server.protocol = PROTOCOL_VERSION; // deployed meanwhile
    server.online = true;
    await settle(2000); // it reconnects and is told to reload
    expect(before.getSnapshot().status).toBe('reload_required');
    expect(before.getSnapshot().pendingCount).toBe(2);
    before.submit([update('c1', { description: 'typed before reloading' })]); // still queued
    await before.flushed();
    expect(server.log).toHaveLength(0);
    const saved = await new IndexedDbOutbox('ann').load('map-1');
    expect(saved.pending.map((b) => b.op_id)).toEqual([first, second, expect.any(String)]);
    before.stop(); // the reload

    const reloaded = engineFor(server, 'ann', new IndexedDbOutbox('ann'));
    const acked: string[] = [];
    const sockets = server.allSockets.length;
    await reloaded.start();
    await settle();
    const socket = server.allSockets[sockets]!;
    expect(socket.sent[0]).toMatchObject({ type: 'hello', protocol: PROTOCOL_VERSION });
    await settle(2000);
    for (const m of socket.sent) if (m.type === 'ops') acked.push(m.op_id);
    expect(acked).toEqual(saved.pending.map((b) => b.op_id));
    expect(server.log.map((p) => p.op_id)).toEqual(acked);
    expect(reloaded.getSnapshot().status).toBe('online');
    expect(reloaded.getSnapshot().pendingCount).toBe(0);
    expect(server.state.items.card.c1).toMatchObject({ title: 'written on the train', description: 'typed before reloading' });
    expect(server.state.items.card.c7!.title).toBe('new card');
    await reloaded.flushed();
    expect((await new IndexedDbOutbox('ann').load('map-1')).pending).toEqual([]);
    reloaded.stop();
  });
});

describe('Link', () => {
  it('backs off exponentially, capped, with jitter', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 100, 1000, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(400);
  });

  it('stops retrying when the server says access is gone', async () => {
    const server = new FakeServer(seeded());
    const ann = engineFor(server, 'ann');
    await ann.start();
    await settle();
    lastSocket(server, 'ann').drop(4403);
    const sockets = server.allSockets.length;
    await settle(10_000);
    expect(server.allSockets.length).toBe(sockets);
    expect(ann.getSnapshot().fatal).toMatch(/no longer have access/);
    expect(ann.getSnapshot().status).toBe('offline');
  });

  it('pings while idle and reconnects a socket that went silent', async () => {
    const server = new FakeServer(seeded());
    const ann = new SyncEngine({
      mapId: 'map-1',
      url: 'ws://test/',
      socketFactory: server.factory('ann'),
      outbox: new MemoryOutbox(),
      newId,
      random: () => 1,
      heartbeatMs: 1000,
      backoffInitialMs: 100,
    });
    await ann.start();
    await settle();
    const first = lastSocket(server, 'ann');
    await settle(1000);
    expect(first.sent).toContainEqual({ type: 'ping' });
    first.dropTypes.add('pong'); // the network silently eats everything from now on
    await settle(9000);
    expect(server.allSockets.filter((s) => s.user === 'ann').length).toBeGreaterThan(1);
    expect(ann.getSnapshot().status).toBe('online');
  });
});
