import { beforeEach, describe, expect, it } from 'vitest';
import { applyOps, fromDocument, type MapState } from './state';
import { emptyDocument } from './testing/fakeServer';
import type { Op } from './types';
import { UndoManager } from './undo';

/** A target that applies batches at once, as the optimistic view does. */
class Board {
  state: MapState;
  sent: Op[][] = [];
  constructor() {
    const doc = emptyDocument();
    doc.stages = [
      { id: 's1', name: 'Discover', description: '', order_key: 'a0' },
      { id: 's2', name: 'Buy', description: '', order_key: 'a1' },
    ];
    doc.lanes = [{ id: 'l1', name: 'Actions', kind: 'actions', order_key: 'a0' }];
    doc.cards = [
      { id: 'c1', stage: 's1', lane: 'l1', title: 'Search', description: '', color: '', order_key: 'a0' },
      { id: 'c2', stage: 's1', lane: 'l1', title: 'Compare', description: '', color: '', order_key: 'a1' },
    ];
    doc.comments = [
      { id: 'm1', target_entity: 'card', target_id: 'c1', body: 'hm', resolved: false, author: 'ann', author_name: 'Ann', created_at: '' },
    ];
    this.state = fromDocument(doc);
  }
  submit(ops: Op[]): string {
    this.sent.push(ops);
    this.state = applyOps(this.state, ops, { cascade: true });
    return `op-${this.sent.length}`;
  }
  /** Someone else's edit. */
  remote(ops: Op[]) {
    this.state = applyOps(this.state, ops, { cascade: true });
  }
}

let board: Board;
let undo: UndoManager;
beforeEach(() => {
  board = new Board();
  undo = new UndoManager(board, 'ann');
});

const card = (id: string) => board.state.items.card[id];

describe('UndoManager', () => {
  it('undoes and redoes a field edit', () => {
    undo.perform([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'Search online' } }]);
    expect(undo.undo()).toBe(true);
    expect(card('c1')!.title).toBe('Search');
    expect(board.sent.at(-1)).toEqual([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'Search' } }]);
    expect(undo.redo()).toBe(true);
    expect(card('c1')!.title).toBe('Search online');
  });

  it("undoes only this user's edit while someone else edits elsewhere", () => {
    undo.perform([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'Mine' } }]);
    board.remote([{ action: 'update', entity: 'card', id: 'c2', fields: { title: 'Theirs' } }]);
    board.remote([{ action: 'update', entity: 'card', id: 'c1', fields: { description: 'their note' } }]);
    undo.undo();
    expect(card('c1')!.title).toBe('Search');
    expect(card('c1')!.description).toBe('their note');
    expect(card('c2')!.title).toBe('Theirs');
  });

  it('does not overwrite a field somebody changed after this user', () => {
    undo.perform([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'Mine' } }]);
    board.remote([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'Theirs, later' } }]);
    const sent = board.sent.length;
    expect(undo.undo()).toBe(false);
    expect(board.sent.length).toBe(sent);
    expect(card('c1')!.title).toBe('Theirs, later');
  });

  it('undoes a create by deleting, and redo brings it back with the same id', () => {
    undo.perform([{ action: 'create', entity: 'card', id: 'c3', fields: { stage: 's2', lane: 'l1', title: 'New', order_key: 'a0' } }]);
    undo.undo();
    expect(card('c3')).toBeUndefined();
    undo.redo();
    expect(card('c3')).toMatchObject({ stage: 's2', title: 'New' });
  });

  it('undoes a stage delete by recreating the stage, its cards and own comments, parents first', () => {
    undo.perform([{ action: 'delete', entity: 'stage', id: 's1', fields: {} }]);
    expect(card('c1')).toBeUndefined();
    undo.undo();
    const ops = board.sent.at(-1)!;
    expect(ops.map((op) => `${op.action} ${op.entity} ${op.id}`)).toEqual([
      'create stage s1',
      'create card c1',
      'create card c2',
      'create comment m1',
    ]);
    expect(ops[3]!.fields).not.toHaveProperty('author');
    expect(card('c1')).toMatchObject({ stage: 's1', title: 'Search' });
    undo.redo();
    expect(board.state.items.stage.s1).toBeUndefined();
    // One delete: the cascade takes the cards, and naming them too would make the batch fail.
    expect(board.sent.at(-1)).toEqual([{ action: 'delete', entity: 'stage', id: 's1', fields: {} }]);
  });

  it('relinks a friction point to the touchpoint a stage delete took from it', () => {
    board.remote([
      { action: 'create', entity: 'lane', id: 'lt', fields: { name: 'T', kind: 'touchpoints', order_key: 'a1' } },
      { action: 'create', entity: 'lane', id: 'lf', fields: { name: 'F', kind: 'friction', order_key: 'a2' } },
      { action: 'create', entity: 'touchpoint', id: 't1', fields: { stage: 's1', lane: 'lt', title: 'Site', order_key: 'a0' } },
      { action: 'create', entity: 'friction', id: 'f1', fields: { stage: 's2', lane: 'lf', touchpoint: 't1', title: 'Slow', order_key: 'a0' } },
    ]);
    undo.perform([{ action: 'delete', entity: 'stage', id: 's1', fields: {} }]);
    expect(board.state.items.friction.f1!.touchpoint).toBeNull();
    undo.undo();
    expect(board.state.items.touchpoint.t1).toMatchObject({ stage: 's1' });
    expect(board.state.items.friction.f1!.touchpoint).toBe('t1');
  });

  it('moves back, unless someone moved the card since', () => {
    undo.perform([{ action: 'move', entity: 'card', id: 'c1', fields: { stage: 's2', lane: 'l1', order_key: 'a0' } }]);
    undo.undo();
    expect(card('c1')).toMatchObject({ stage: 's1', order_key: 'a0' });
    undo.redo();
    board.remote([{ action: 'move', entity: 'card', id: 'c1', fields: { stage: 's1', lane: 'l1', order_key: 'a5' } }]);
    expect(undo.undo()).toBe(false);
    expect(card('c1')).toMatchObject({ stage: 's1', order_key: 'a5' });
  });

  it('skips an entry whose row is gone and undoes the one before', () => {
    undo.perform([{ action: 'update', entity: 'card', id: 'c2', fields: { title: 'first' } }]);
    undo.perform([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'second' } }]);
    board.remote([{ action: 'delete', entity: 'card', id: 'c1', fields: {} }]);
    expect(undo.undo()).toBe(true);
    expect(card('c2')!.title).toBe('Compare');
  });

  it('forgets an entry whose batch the server refused', () => {
    const opId = undo.perform([{ action: 'update', entity: 'card', id: 'c1', fields: { title: 'x' } }])!;
    undo.forget(opId);
    expect(undo.canUndo).toBe(false);
  });
});
