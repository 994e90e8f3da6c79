import { describe, expect, it } from 'vitest';
import { fromDocument } from '../sync/state';
import { emptyDocument } from '../sync/testing/fakeServer';
import { cellItems, curvePersonas, entityForLane, tallies, visibleFor } from './model';

function board() {
  const doc = emptyDocument();
  doc.personas = ['p1'];
  doc.directory.personas = [
    { id: 'p1', name: 'Maya', tier: 'primary', color: '#0d9488', photo: null },
    { id: 'p2', name: 'Tom', tier: 'secondary', color: '#b45309', photo: null },
  ];
  doc.stages = [{ id: 's1', name: 'Buy', description: '', order_key: 'a0' }];
  doc.lanes = [{ id: 'l1', name: 'Touchpoints', kind: 'touchpoints', order_key: 'a0' }];
  doc.touchpoints = [
    { id: 't2', stage: 's1', lane: 'l1', title: 'Second', persona: 'p2', order_key: 'a1' },
    { id: 't1', stage: 's1', lane: 'l1', title: 'First', persona: null, order_key: 'a0' },
  ];
  doc.emotions = [{ id: 'e1', stage: 's1', persona: 'p2', score: -2, note: '' }];
  // Ids from the server are numbers for users; /api/auth/me/ gives strings.
  doc.votes = [
    { id: 'v1', target_entity: 'touchpoint', target_id: 't1', voter: 7 },
    { id: 'v2', target_entity: 'touchpoint', target_id: 't1', voter: 8 },
  ];
  doc.comments = [
    { id: 'c1', target_entity: 'touchpoint', target_id: 't1', body: 'x', resolved: false, author: 7 },
    { id: 'c2', target_entity: 'touchpoint', target_id: 't1', body: 'y', resolved: true, author: 7 },
  ];
  return fromDocument(doc);
}

describe('board model', () => {
  it('lists a cell in order and maps lane kinds to what they hold', () => {
    expect(cellItems(board(), 'touchpoint', 's1', 'l1').map((r) => r.id)).toEqual(['t1', 't2']);
    expect(entityForLane('friction')).toBe('friction');
    expect(entityForLane('thoughts')).toBe('card');
    expect(entityForLane('emotions')).toBeNull();
  });

  it('filters by persona, keeping items that belong to everyone', () => {
    const state = board();
    const [general, toms] = [state.items.touchpoint.t1!, state.items.touchpoint.t2!];
    expect(visibleFor('touchpoint', general, 'p1')).toBe(true);
    expect(visibleFor('touchpoint', toms, 'p1')).toBe(false);
    expect(visibleFor('touchpoint', toms, null)).toBe(true);
    expect(visibleFor('friction', { id: 'f', personas: ['p2'] }, 'p1')).toBe(false);
  });

  it('counts votes, my votes and open comments', () => {
    const counts = tallies(board(), '7');
    expect(counts.votes.get('t1')).toBe(2);
    expect(counts.myVoteCount).toBe(1);
    expect(counts.myVotes.get('t1')).toEqual(['v1']);
    expect(counts.comments.get('t1')).toBe(1);
  });

  it("draws the map's personas and any with points on the curve", () => {
    expect(curvePersonas(board())).toEqual(['p1', 'p2']);
  });
});
