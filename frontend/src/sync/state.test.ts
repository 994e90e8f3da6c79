import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { keyAtIndex, keyBetween } from './order';
import { IndexedDbOutbox } from './outbox';
import { applyOp, applyOps, dependentsOf, fromDocument, ordered, sortByOrder, toDocument } from './state';
import { emptyDocument } from './testing/fakeServer';

describe('map state', () => {
  it('sorts order keys by code point, like the server (not by locale)', () => {
    const rows = [
      { id: '1', order_key: 'a' },
      { id: '2', order_key: 'B' },
      { id: '3', order_key: 'Zz' },
    ];
    expect(sortByOrder(rows).map((r) => r.id)).toEqual(['2', '3', '1']);
  });

  it('ignores updates to rows that are gone and applies the rest', () => {
    let state = fromDocument(emptyDocument());
    state = applyOp(state, { action: 'create', entity: 'stage', id: 's', fields: { name: 'A', order_key: 'a0' } });
    const same = applyOp(state, { action: 'update', entity: 'stage', id: 'nope', fields: { name: 'B' } });
    expect(same).toBe(state);
    state = applyOp(state, { action: 'update', entity: 'map', id: 'map-1', fields: { title: 'Renamed' } });
    expect(state.meta.title).toBe('Renamed');
  });

  it('cascades a delete locally the way the server does', () => {
    let state = fromDocument(emptyDocument());
    state = applyOps(state, [
      { action: 'create', entity: 'stage', id: 's', fields: { name: 'A', order_key: 'a0' } },
      { action: 'create', entity: 'lane', id: 'l', fields: { name: 'T', kind: 'touchpoints', order_key: 'a0' } },
      { action: 'create', entity: 'lane', id: 'f', fields: { name: 'F', kind: 'friction', order_key: 'a1' } },
      { action: 'create', entity: 'stage', id: 's2', fields: { name: 'B', order_key: 'a1' } },
      { action: 'create', entity: 'touchpoint', id: 't', fields: { stage: 's', lane: 'l', title: 'x', order_key: 'a0' } },
      { action: 'create', entity: 'friction', id: 'p', fields: { stage: 's2', lane: 'f', touchpoint: 't', title: 'y', order_key: 'a0' } },
      { action: 'create', entity: 'vote', id: 'v', fields: { target_entity: 'touchpoint', target_id: 't' } },
    ]);
    state = applyOp(state, { action: 'delete', entity: 'stage', id: 's', fields: {} }, { cascade: true });
    expect(state.items.touchpoint.t).toBeUndefined();
    expect(state.items.vote.v).toBeUndefined();
    expect(state.items.friction.p!.touchpoint).toBeNull();
  });

  it('follows the generated cascade rules through every row a delete removes', () => {
    let state = fromDocument(emptyDocument());
    state = applyOps(state, [
      { action: 'create', entity: 'stage', id: 's', fields: { name: 'A', order_key: 'a0' } },
      { action: 'create', entity: 'stage', id: 's2', fields: { name: 'B', order_key: 'a1' } },
      { action: 'create', entity: 'lane', id: 'l', fields: { name: 'T', kind: 'touchpoints', order_key: 'a0' } },
      { action: 'create', entity: 'lane', id: 'f', fields: { name: 'F', kind: 'friction', order_key: 'a1' } },
      { action: 'create', entity: 'touchpoint', id: 't', fields: { stage: 's', lane: 'l', title: 'x', order_key: 'a0' } },
      { action: 'create', entity: 'touchpoint', id: 't2', fields: { stage: 's2', lane: 'l', title: 'y', order_key: 'a0' } },
      { action: 'create', entity: 'transition', id: 'tr', fields: { from_touchpoint: 't2', to_touchpoint: 't', count: 3 } },
      { action: 'create', entity: 'friction', id: 'p', fields: { stage: 's', lane: 'f', touchpoint: 't', title: 'in s', order_key: 'a0' } },
      { action: 'create', entity: 'friction', id: 'p2', fields: { stage: 's2', lane: 'f', touchpoint: 't', title: 'in s2', order_key: 'a1' } },
      { action: 'create', entity: 'emotion', id: 'e', fields: { stage: 's', persona: 'per', score: 1 } },
      { action: 'create', entity: 'comment', id: 'm', fields: { target_entity: 'friction', target_id: 'p', body: 'b' } },
      { action: 'create', entity: 'vote', id: 'v', fields: { target_entity: 'stage', target_id: 's2' } },
    ]);
    const { doomed, cleared } = dependentsOf(state, 'stage', 's');
    const names = Object.fromEntries([...doomed].map(([entity, ids]) => [entity, [...ids].sort()]));
    expect(names).toEqual({
      stage: ['s'],
      touchpoint: ['t'],
      friction: ['p'],
      emotion: ['e'],
      transition: ['tr'],
      comment: ['m'],
    });
    // p is removed with the stage, so only p2 loses its link.
    expect(cleared).toEqual([{ entity: 'friction', id: 'p2', field: 'touchpoint', was: 't' }]);
    const after = applyOp(state, { action: 'delete', entity: 'stage', id: 's', fields: {} }, { cascade: true });
    expect(after.items.friction.p2!.touchpoint).toBeNull();
    expect(after.items.vote.v).toBeDefined();
    expect(Object.keys(after.items.transition)).toEqual([]);
  });

  it('round-trips the document shape', () => {
    const doc = emptyDocument();
    doc.stages = [
      { id: 'b', name: 'B', description: '', order_key: 'a1' },
      { id: 'a', name: 'A', description: '', order_key: 'a0' },
    ];
    const back = toDocument(fromDocument(doc));
    expect(back.stages.map((s) => s.id)).toEqual(['a', 'b']);
    expect(ordered(fromDocument(doc), 'stage').map((s) => s.id)).toEqual(['a', 'b']);
  });
});

describe('order keys', () => {
  it('places between neighbours and at the ends', () => {
    const rows = [{ order_key: 'a0' }, { order_key: 'a1' }];
    const first = keyAtIndex(rows, 0);
    const middle = keyAtIndex(rows, 1);
    const last = keyAtIndex(rows, 2);
    expect(first < 'a0').toBe(true);
    expect('a0' < middle && middle < 'a1').toBe(true);
    expect(last > 'a1').toBe(true);
  });

  it('copes with two rows that share a key', () => {
    expect(keyBetween('a1', 'a1') > 'a1').toBe(true);
  });
});

describe('IndexedDB outbox', () => {
  it('keeps pending batches per user and map', async () => {
    const ann = new IndexedDbOutbox('ann');
    const bob = new IndexedDbOutbox('bob');
    await ann.savePending('m', [{ op_id: 'o1', ops: [] }]);
    await ann.saveBase('m', emptyDocument('m'));
    expect((await ann.load('m')).pending).toEqual([{ op_id: 'o1', ops: [] }]);
    expect((await ann.load('m')).base?.id).toBe('m');
    expect((await bob.load('m')).pending).toEqual([]);
    await ann.clear('m');
    expect((await ann.load('m')).base).toBeNull();
  });
});
