/**
 * A batch the server could not apply (`error` `server_error` with its op_id: PostgreSQL was
 * restarting, say) is sent again on the same socket with the same op_id, and lands once; a
 * hello answered so is asked again. Without the retry the edit would wait for a reconnect
 * that a healthy socket never brings.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SyncEngine } from './engine';
import { MemoryOutbox } from './outbox';
import { FakeServer, emptyDocument, type FakeSocket } from './testing/fakeServer';
import type { ClientMessage, MapDocument } from './types';

/** Answers the first `opsErrors` batches and `helloErrors` hellos with `server_error`. */
class FlakyServer extends FakeServer {
  opsErrors = 0;
  helloErrors = 0;
  readonly sent: ClientMessage[] = [];

  override receive(socket: FakeSocket, message: ClientMessage): void {
    this.sent.push(message);
    if (message.type === 'ops' && this.opsErrors > 0) {
      this.opsErrors -= 1;
      socket.deliver({
        type: 'error',
        code: 'server_error',
        detail: 'the server could not apply this batch; it changed nothing, retry it',
        op_id: message.op_id,
      });
      return;
    }
    if (message.type === 'hello' && this.helloErrors > 0) {
      this.helloErrors -= 1;
      socket.deliver({ type: 'error', code: 'server_error', detail: 'retry' });
      return;
    }
    super.receive(socket, message);
  }
}

function seeded(): MapDocument {
  const doc = emptyDocument();
  doc.seq = 0;
  doc.stages = [{ id: 's1', name: 'Discover', description: '', order_key: 'a0' }];
  doc.lanes = [{ id: 'l1', name: 'Actions', kind: 'actions', order_key: 'a0' }];
  return doc;
}

let counter = 0;

function engineFor(server: FakeServer): SyncEngine {
  return new SyncEngine({
    mapId: 'map-1',
    url: 'ws://test/ws/maps/map-1/',
    socketFactory: server.factory('ann'),
    outbox: new MemoryOutbox(),
    newId: () => `id-${++counter}`,
    random: () => 1,
    backoffInitialMs: 100,
    backoffMaxMs: 1600,
    heartbeatMs: 60_000,
    ackGraceMs: 500,
  });
}

const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  counter = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retry after server_error', () => {
  it('re-sends the batch with its op_id until it is applied, once', async () => {
    const server = new FlakyServer(seeded());
    server.opsErrors = 2;
    const engine = engineFor(server);
    await engine.start();
    await settle();
    const opId = engine.submit([
      { action: 'create', entity: 'card', id: 'c9', fields: { stage: 's1', lane: 'l1', title: 'Pay' } },
    ]);
    await settle(10_000);

    const sent = server.sent.filter((m) => m.type === 'ops');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((m) => (m.type === 'ops' ? m.op_id : '')))).toEqual(new Set([opId]));
    expect(server.document().cards.map((c) => c.title)).toEqual(['Pay']);
    expect(server.allSockets).toHaveLength(1); // on the same socket, no reconnect needed
    expect(engine.getSnapshot().pendingCount).toBe(0);
    engine.stop();
  });

  it('asks again when its hello is answered server_error', async () => {
    const server = new FlakyServer(seeded());
    server.helloErrors = 1;
    const engine = engineFor(server);
    await engine.start();
    await settle(10_000);

    expect(server.sent.filter((m) => m.type === 'hello')).toHaveLength(2);
    expect(engine.getSnapshot().status).toBe('online');
    expect(server.allSockets).toHaveLength(1);
    engine.stop();
  });
});
