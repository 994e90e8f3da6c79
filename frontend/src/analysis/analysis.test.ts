import { describe, expect, it } from 'vitest';
import { disagreement, disagreements } from './flags';
import { formatCount, formatDuration, formatPct, formatShare } from './format';

describe('formatDuration', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.4)).toBe('<1 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(240)).toBe('4 min');
    expect(formatDuration(330)).toBe('5.5 min');
    expect(formatDuration(9000)).toBe('2.5 h');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(36 * 3600)).toBe('36 h');
    expect(formatDuration(3 * 86400)).toBe('3 days');
  });
  it('says a dash for what is not a duration', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatDuration(-5)).toBe('–');
  });
});

describe('percentages and counts', () => {
  it('rounds by size', () => {
    expect(formatPct(62.4)).toBe('62%');
    expect(formatPct(4.56)).toBe('4.6%');
    expect(formatPct(0.04)).toBe('<0.1%');
    expect(formatPct(0)).toBe('0%');
    expect(formatShare(0.75)).toBe('75%');
  });
  it('groups thousands and shortens big counts', () => {
    expect(formatCount(1240)).toBe('1,240');
    expect(formatCount(48_200)).toBe('48,200');
    expect(formatCount(480_000)).toBe('480k');
    expect(formatCount(1_200_000)).toBe('1.2M');
  });
});

describe('emotion against drop-off', () => {
  const base = { stage: 's', inflow: 100 };
  it('flags a positive feeling where many are lost', () => {
    expect(disagreement({ ...base, emotion: 2, lostPct: 45 })).toBe('positive-but-lost');
    expect(disagreement({ ...base, emotion: 1, lostPct: 30 })).toBe('positive-but-lost');
    expect(disagreement({ ...base, emotion: 2, lostPct: 29.9 })).toBeNull();
  });
  it('flags a negative feeling where few are lost', () => {
    expect(disagreement({ ...base, emotion: -2, lostPct: 4 })).toBe('negative-but-kept');
    expect(disagreement({ ...base, emotion: -1, lostPct: 10 })).toBe('negative-but-kept');
    expect(disagreement({ ...base, emotion: -2, lostPct: 25 })).toBeNull();
  });
  it('leaves neutral feelings, thin traffic, no feeling and implied edges alone', () => {
    expect(disagreement({ ...base, emotion: 0.5, lostPct: 80 })).toBeNull();
    expect(disagreement({ ...base, emotion: 2, lostPct: 80, inflow: 19 })).toBeNull();
    expect(disagreement({ ...base, emotion: null, lostPct: 80 })).toBeNull();
    expect(disagreement({ ...base, emotion: 2, lostPct: 80 }, false)).toBeNull();
  });
  it('collects the flags by stage', () => {
    const found = disagreements([
      { stage: 'a', emotion: 2, lostPct: 50, inflow: 100 },
      { stage: 'b', emotion: 0, lostPct: 50, inflow: 100 },
      { stage: 'c', emotion: -3, lostPct: 1, inflow: 100 },
    ]);
    expect([...found.entries()]).toEqual([
      ['a', 'positive-but-lost'],
      ['c', 'negative-but-kept'],
    ]);
  });
});
