import { describe, expect, it } from 'vitest';
import type { Persona } from '../api/types';
import {
  buildComparison,
  differenceCount,
  listDiff,
  normalise,
  parseIds,
  reviewStatus,
  scalarDiff,
  visibleSections,
} from './compare';

function persona(overrides: Partial<Persona> = {}): Persona {
  return {
    id: 'p1',
    workspace: 'w1',
    name: 'Ana',
    photo: null,
    tier: 'primary',
    color: '#6366f1',
    bio: '',
    quotes: [],
    age: 34,
    gender: '',
    location: 'Lisbon',
    income: '',
    education: '',
    family: '',
    job_title: 'Designer',
    company: '',
    personality: [],
    values: [],
    interests: [],
    lifestyle: '',
    behaviours: [],
    goals: [],
    needs: [],
    pain_points: [],
    motivations: [],
    expectations: [],
    objections: [],
    preferred_channels: [],
    preferred_content: [],
    empathy_map: { says: [], thinks: [], does: [], feels: [] },
    lifetime_value: null,
    churn_risk: '',
    owner: null,
    owner_name: null,
    version: 1,
    primary_count: 1,
    review_cadence_days: 90,
    last_reviewed_at: null,
    review_due_on: null,
    is_stale: true,
    segments: [],
    updated_at: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}

function row(sections: ReturnType<typeof buildComparison>, key: string) {
  const found = sections.flatMap((s) => s.rows).find((r) => r.key === key);
  if (!found) throw new Error(`no row ${key}`);
  return found;
}

describe('parseIds', () => {
  it('keeps distinct non-empty ids in order, at most four', () => {
    expect(parseIds('a, b,,a,c,d,e')).toEqual(['a', 'b', 'c', 'd']);
    expect(parseIds(null)).toEqual([]);
    expect(parseIds('')).toEqual([]);
  });
});

describe('normalise', () => {
  it('ignores case, outer and repeated spaces; blanks are one value', () => {
    expect(normalise('  Hello   World ')).toBe('hello world');
    expect(normalise(null)).toBe('');
    expect(normalise(undefined)).toBe('');
    expect(normalise(42)).toBe('42');
  });
});

describe('scalarDiff', () => {
  it('highlights nothing when all agree', () => {
    expect(scalarDiff(['Lisbon', 'lisbon ', 'LISBON'])).toEqual({ differs: [false, false, false], allEqual: true });
    expect(scalarDiff([null, ''])).toEqual({ differs: [false, false], allEqual: true });
  });
  it('highlights both of two different values', () => {
    expect(scalarDiff(['Lisbon', 'Porto'])).toEqual({ differs: [true, true], allEqual: false });
  });
  it('highlights only the odd one out when a value is the usual one', () => {
    expect(scalarDiff([34, 34, 51])).toEqual({ differs: [false, false, true], allEqual: false });
    expect(scalarDiff(['a', 'b', 'a', 'a'])).toEqual({ differs: [false, true, false, false], allEqual: false });
  });
  it('highlights everyone on a tie or when all differ', () => {
    expect(scalarDiff(['a', 'a', 'b', 'b']).differs).toEqual([true, true, true, true]);
    expect(scalarDiff(['a', 'b', 'c']).differs).toEqual([true, true, true]);
  });
  it('treats a blank as a value of its own', () => {
    expect(scalarDiff(['', 'Porto'])).toEqual({ differs: [true, true], allEqual: false });
  });
});

describe('listDiff', () => {
  it('marks items in every list as shared, the rest as unique', () => {
    const { items, allEqual } = listDiff([
      ['Save time', 'Look good'],
      ['save time', 'Spend less'],
    ]);
    expect(allEqual).toBe(false);
    expect(items[0]).toEqual([
      { text: 'Save time', presence: 'all' },
      { text: 'Look good', presence: 'unique' },
    ]);
    expect(items[1]).toEqual([
      { text: 'save time', presence: 'all' },
      { text: 'Spend less', presence: 'unique' },
    ]);
  });
  it('tells items some (not all) personas share', () => {
    const { items } = listDiff([['x', 'y'], ['x'], ['y']]);
    expect(items[0]?.map((i) => i.presence)).toEqual(['some', 'some']);
    expect(items[1]?.map((i) => i.presence)).toEqual(['some']);
  });
  it('is equal when the sets are, whatever the order', () => {
    expect(listDiff([['a', 'b'], ['B', 'a']]).allEqual).toBe(true);
    expect(listDiff([[], []]).allEqual).toBe(true);
    expect(listDiff([['a'], []]).allEqual).toBe(false);
    expect(listDiff([['a', 'b'], ['a']]).allEqual).toBe(false);
  });
  it('drops blank items', () => {
    expect(listDiff([['a', '  '], ['a']])).toEqual({
      items: [[{ text: 'a', presence: 'all' }], [{ text: 'a', presence: 'all' }]],
      allEqual: true,
    });
  });
});

describe('buildComparison', () => {
  const ana = persona({
    goals: ['Ship faster', 'Grow the team'],
    preferred_channels: ['c1'],
    empathy_map: { says: ['Too slow'], thinks: [], does: [], feels: [] },
    last_reviewed_at: '2024-05-01',
    is_stale: false,
    owner_name: 'Ana Lima',
  });
  const ben = persona({
    id: 'p2',
    name: 'Ben',
    tier: 'secondary',
    age: 51,
    goals: ['ship faster'],
    preferred_channels: ['c1', 'c2'],
    empathy_map: { says: ['Too slow'], thinks: [], does: [], feels: [] },
    owner_name: 'Ana Lima',
  });
  const sections = buildComparison([ana, ben], {
    channelNames: new Map([
      ['c1', 'Email'],
      ['c2', 'Phone'],
    ]),
    formatDate: (iso) => `on ${iso}`,
  });

  it('has every section in order', () => {
    expect(sections.map((s) => s.key)).toEqual([
      'overview',
      'demographics',
      'psychographics',
      'goals_needs',
      'behaviour',
      'empathy_map',
      'value',
      'review',
    ]);
  });
  it('compares scalars and lists', () => {
    expect(row(sections, 'tier')).toMatchObject({ values: ['primary', 'secondary'], differs: [true, true] });
    expect(row(sections, 'location')).toMatchObject({ allEqual: true, differs: [false, false] });
    expect(row(sections, 'age')).toMatchObject({ values: ['34', '51'], allEqual: false });
    const goals = row(sections, 'goals');
    expect(goals.kind === 'list' && goals.items[0]?.map((i) => i.presence)).toEqual(['all', 'unique']);
    expect(row(sections, 'says').allEqual).toBe(true);
    expect(row(sections, 'owner').allEqual).toBe(true);
  });
  it('names channels and formats review facts', () => {
    const channels = row(sections, 'preferred_channels');
    expect(channels.kind === 'list' && channels.items[1]?.map((i) => i.text)).toEqual(['Email', 'Phone']);
    expect(row(sections, 'last_reviewed_at')).toMatchObject({ values: ['on 2024-05-01', 'Never'] });
    expect(row(sections, 'review_status')).toMatchObject({ values: ['Current', 'Never reviewed'] });
  });
  it('hides equal rows and empty sections with differences only', () => {
    const shown = visibleSections(sections, true);
    const keys = shown.flatMap((s) => s.rows.map((r) => r.key));
    expect(keys).toContain('tier');
    expect(keys).toContain('goals');
    expect(keys).not.toContain('location');
    expect(keys).not.toContain('says');
    expect(shown.map((s) => s.key)).not.toContain('psychographics');
    expect(visibleSections(sections, false)).toBe(sections);
    const { differing, total } = differenceCount(sections);
    expect(differing).toBe(keys.length);
    expect(total).toBeGreaterThan(differing);
  });
});

describe('reviewStatus', () => {
  it('says never, overdue or current', () => {
    expect(reviewStatus({ last_reviewed_at: null, is_stale: true })).toBe('Never reviewed');
    expect(reviewStatus({ last_reviewed_at: '2024-01-01', is_stale: true })).toBe('Review overdue');
    expect(reviewStatus({ last_reviewed_at: '2024-01-01', is_stale: false })).toBe('Current');
  });
});
