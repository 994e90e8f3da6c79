import { describe, expect, it } from 'vitest';
import type { PersonaVersion } from '../api/personas';
import {
  cleanList,
  formatValue,
  groupFor,
  interviewProgress,
  isConflict,
  moveItem,
  orderedSections,
  previousVersion,
  quoteSource,
  reconcileIds,
  spanningSections,
  sameValue,
  splitConflict,
  versionDiff,
} from './EditorModel';

const version = (number: number, data: Record<string, unknown>, changed: string[]): PersonaVersion => ({
  id: `v${number}`,
  number,
  changed_fields: changed,
  data,
  created_by: 'ana',
  created_at: '2025-01-01T00:00:00Z',
});

describe('moveItem', () => {
  it('moves an item up and down', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
  });
  it('clamps and ignores out-of-range moves', () => {
    expect(moveItem(['a', 'b'], 1, 9)).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 5, 0)).toEqual(['a', 'b']);
  });
  it('does not touch the original', () => {
    const items = ['a', 'b'];
    moveItem(items, 0, 1);
    expect(items).toEqual(['a', 'b']);
  });
});

describe('reconcileIds', () => {
  let n = 0;
  const fresh = () => `n${++n}`;
  it('keeps ids of unchanged texts across a reorder, duplicates included', () => {
    const first = reconcileIds([], ['x', 'y', 'x'], fresh);
    const again = reconcileIds(first, ['y', 'x', 'x'], fresh);
    expect(again.map((i) => i.id)).toEqual([first[1]!.id, first[0]!.id, first[2]!.id]);
  });
  it('gives new texts new ids', () => {
    const first = reconcileIds([], ['x'], fresh);
    const next = reconcileIds(first, ['x', 'z'], fresh);
    expect(next[0]!.id).toBe(first[0]!.id);
    expect(new Set(next.map((i) => i.id)).size).toBe(2);
  });
});

describe('versions', () => {
  const v1 = version(1, { name: 'Maya', goals: [] }, []);
  const v2 = version(2, { name: 'Maya O.', goals: ['Ship'] }, ['name', 'goals']);
  const v3 = version(3, { name: 'Maya O.', goals: ['Ship', 'Rest'] }, ['goals']);
  it('finds the previous version in a newest-first list', () => {
    expect(previousVersion([v3, v2, v1], v3)).toBe(v2);
    expect(previousVersion([v3, v2, v1], v1)).toBeNull();
  });
  it('diffs the changed fields against the previous version with labels', () => {
    expect(versionDiff(v2, v1)).toEqual([
      { field: 'name', label: 'Name', before: 'Maya', after: 'Maya O.' },
      { field: 'goals', label: 'Goals', before: [], after: ['Ship'] },
    ]);
  });
  it('works out changed fields when the version does not name them', () => {
    const bare = version(4, { name: 'Maya O.', goals: ['Rest'] }, []);
    expect(versionDiff(bare, v3).map((c) => c.field)).toEqual(['goals']);
  });
});

describe('conflicts', () => {
  const body = { detail: 'conflict', conflicts: { name: 'Theirs' }, version: 7, changed_by: 'ben' };
  it('recognises a conflict body', () => {
    expect(isConflict(body)).toBe(true);
    expect(isConflict({ detail: 'nope' })).toBe(false);
    expect(isConflict(null)).toBe(false);
  });
  it('splits the conflicting fields from those that can be sent again', () => {
    const { conflicts, resend } = splitConflict({ name: 'Mine', bio: 'Hello' }, body);
    expect(conflicts).toEqual([{ field: 'name', mine: 'Mine', theirs: 'Theirs', changedBy: 'ben' }]);
    expect(resend).toEqual({ bio: 'Hello' });
  });
});

describe('values', () => {
  it('compares blanks and numbers loosely, lists exactly', () => {
    expect(sameValue(null, '')).toBe(true);
    expect(sameValue('1200.00', 1200)).toBe(true);
    expect(sameValue(['a'], ['a'])).toBe(true);
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
  });
  it('formats values for people', () => {
    expect(formatValue(null)).toBe('—');
    expect(formatValue(['a', 'b'])).toBe('a; b');
    expect(formatValue(['c1'], (id) => (id === 'c1' ? 'Website' : undefined))).toBe('Website');
    expect(formatValue({ says: ['Hi'], thinks: [] })).toBe('says: Hi');
  });
  it('cleans lists', () => {
    expect(cleanList([' a ', '', '  '])).toEqual(['a']);
  });
});

describe('sections and evidence', () => {
  it('completes a partial template in order', () => {
    const sections = orderedSections([{ key: 'value', label: 'Value', visible: false }]);
    expect(sections[0]).toEqual({ key: 'value', label: 'Value', visible: false });
    expect(sections).toHaveLength(13);
  });
  it('maps sections to evidence groups', () => {
    const groups = [{ key: 'goals_needs', label: 'Goals & needs', fields: ['goals'], count: 2, backed: true }];
    expect(groupFor(groups, 'needs')?.count).toBe(2);
    expect(groupFor(groups, 'value')).toBeNull();
  });
  it('finds a quote source by text', () => {
    const items = [
      { id: '1', field: 'goals', text: 'Fast', note: 'n0', note_title: 'T', interviewee: 'I', created_at: '' },
      { id: '2', field: 'quotes', text: 'I want it fast', note: 'n1', note_title: 'Call', interviewee: 'Lee', created_at: '' },
    ];
    expect(quoteSource(items, ' I want it fast ')?.note).toBe('n1');
    expect(quoteSource(items, 'Fast')).toBeNull();
  });
  it('measures interview progress against the minimum', () => {
    expect(interviewProgress(0, { min: 3, max: 5 })).toBe(0);
    expect(interviewProgress(6, { min: 3, max: 5 })).toBe(1);
  });
});

describe('spanningSections', () => {
  const wide = new Set(['demographics', 'empathy_map']);
  it('spans wide sections and a narrow one left alone in its row', () => {
    const spans = spanningSections(['quotes', 'demographics', 'goals', 'needs', 'pain_points', 'empathy_map'], wide);
    expect([...spans].sort()).toEqual(['demographics', 'empathy_map', 'pain_points', 'quotes']);
  });
  it('spans a last narrow section that starts a row', () => {
    expect([...spanningSections(['goals', 'needs', 'value'], wide)]).toEqual(['value']);
    expect([...spanningSections(['goals', 'needs'], wide)]).toEqual([]);
  });
});
