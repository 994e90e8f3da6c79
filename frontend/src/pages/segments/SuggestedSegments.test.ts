import { describe, expect, it } from 'vitest';
import type { Json } from '../../sync/types';
import { editPath, fidelityText, readDiscarded, rememberDiscarded, suggestionKey } from './SuggestedSegments';

const rules: Json = { all: [{ field: 'age', op: 'between', value: [26, 41] }, { purchases: { within_days: 365 }, agg: 'sum', op: 'gt', value: 500 }] };

function memoryStore() {
  const data = new Map<string, string>();
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    data,
  };
}

describe('suggested segments', () => {
  it('edit opens the segment editor with the rule and name in the query', () => {
    const path = editPath({ rules, name: 'Aged 26–41, spend over 500 in the last year' });
    expect(path.startsWith('/segments/new/?')).toBe(true);
    const query = new URLSearchParams(path.split('?')[1]);
    expect(JSON.parse(query.get('rules') ?? 'null')).toEqual(rules);
    expect(query.get('name')).toBe('Aged 26–41, spend over 500 in the last year');
  });

  it('remembers discarded suggestions per workspace', () => {
    const store = memoryStore();
    expect(readDiscarded('w1', store)).toEqual([]);
    rememberDiscarded('w1', suggestionKey({ rules }), store);
    rememberDiscarded('w1', suggestionKey({ rules }), store);
    expect(readDiscarded('w1', store)).toEqual([JSON.stringify(rules)]);
    expect(readDiscarded('w2', store)).toEqual([]);
  });

  it('reads broken storage as nothing discarded', () => {
    const store = memoryStore();
    store.setItem('journeymap.discardedSuggestions.w1', '{not json');
    expect(readDiscarded('w1', store)).toEqual([]);
    store.setItem('journeymap.discardedSuggestions.w1', '{"a": 1}');
    expect(readDiscarded('w1', store)).toEqual([]);
    expect(readDiscarded('w1', null)).toEqual([]);
  });

  it('says how faithful a rule is', () => {
    const text = fidelityText({ rule_size: 95, cluster_size: 100, precision: 0.9, recall: 0.855 });
    expect(text).toContain('95 customers');
    expect(text).toContain('90% of them');
    expect(text).toContain('86% of the group');
  });
});
