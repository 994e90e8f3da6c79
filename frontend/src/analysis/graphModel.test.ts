import { describe, expect, it } from 'vitest';
import type { Analysis } from '../api/analysis';
import type { MapDocument } from '../sync/types';
import { journeyGraph, topPathsSankey } from './graphModel';
import { boardHeat } from './heat';

function analysis(overrides: Partial<Analysis> = {}): Analysis {
  const step = (touchpoint: string, stage: string, inflow: number, outflow: number) => ({
    touchpoint,
    title: touchpoint.toUpperCase(),
    stage,
    stage_name: stage,
    inflow,
    outflow,
    started: 0,
    lost: inflow - outflow,
    completed: 0,
    lost_pct: inflow ? (100 * (inflow - outflow)) / inflow : 0,
  });
  return {
    critical_path: { path: ['a', 'b'], transitions: [{ from: 'a', to: 'b', count: 8, probability: 0.8 }] },
    drop_off: {
      steps: [step('a', 's1', 10, 10), step('b', 's2', 8, 0), step('c', 's2', 2, 0)],
      stages: [],
      totals: { started: 10, completed: 8, lost: 2, completed_pct: 80 },
    },
    friction_hotspots: {
      items: [
        { friction: 'f1', title: 'F1', severity: 4, touchpoint: 'b', stage: 's2', stage_name: 's2', traffic: 8, score: 32 },
        { friction: 'f2', title: 'F2', severity: 1, touchpoint: 'c', stage: 's2', stage_name: 's2', traffic: 2, score: 2 },
      ],
      count: 2,
    },
    bottlenecks: { items: [], sources: 0, seed: null, approximate: false, approximation: null },
    path_variants: { items: [], total_share: 0, truncated: false, truncation: null },
    meta: { edges: 'observed' },
    ...overrides,
  } as unknown as Analysis;
}

const doc = {
  stages: [
    { id: 's2', name: 'Two', order_key: 'a1' },
    { id: 's1', name: 'One', order_key: 'a0' },
  ],
  touchpoints: [
    { id: 'c', stage: 's2', title: 'C', order_key: 'a1', channel: null },
    { id: 'b', stage: 's2', title: 'B', order_key: 'a0', channel: 'web' },
    { id: 'a', stage: 's1', title: 'A', order_key: 'a0', channel: null },
  ],
  transitions: [
    { id: 't1', from_touchpoint: 'a', to_touchpoint: 'b', count: 8 },
    { id: 't2', from_touchpoint: 'a', to_touchpoint: 'c', count: 2 },
    { id: 't3', from_touchpoint: 'b', to_touchpoint: 'c', count: 0 },
  ],
} as unknown as MapDocument;

describe('journeyGraph', () => {
  it('puts touchpoints in stage order, weighs edges by traffic and marks the critical path', () => {
    const graph = journeyGraph(doc, analysis());
    expect(graph.stages.map((s) => s.id)).toEqual(['s1', 's2']);
    expect(graph.nodes.map((n) => [n.id, n.stageIndex, n.hotLevel, n.critical])).toEqual([
      ['a', 0, 0, true],
      ['b', 1, 3, true],
      ['c', 1, 1, false],
    ]);
    expect(graph.edges.map((e) => [e.id, e.critical])).toEqual([
      ['a>b', true],
      ['a>c', false],
    ]);
    expect(graph.edges[0]!.width).toBeGreaterThan(graph.edges[1]!.width);
  });
  it('implies edges from stage order when nothing was observed', () => {
    const graph = journeyGraph(doc, analysis({ meta: { edges: 'implied' } as Analysis['meta'] }));
    expect(graph.edges.map((e) => e.id)).toEqual(['a>b', 'a>c']);
  });
});

describe('topPathsSankey', () => {
  it('sums shared steps and leaves out a step that would close a loop', () => {
    const input = topPathsSankey(
      analysis({
        path_variants: {
          items: [
            { rank: 1, path: ['a', 'b', 'c'], share: 0.5, probability: 0.5, length: 2 },
            { rank: 2, path: ['a', 'c', 'b'], share: 0.2, probability: 0.2, length: 2 },
          ],
          total_share: 0.7,
          truncated: false,
          truncation: null,
        },
      }),
      (id) => ({ title: id, stageIndex: 0 }),
    );
    const links = input.links.map((l) => [l.source, l.target, Number(l.value.toFixed(2))]);
    expect(links).toEqual([
      ['a', 'b', 0.5],
      ['b', 'c', 0.5],
      ['a', 'c', 0.2],
    ]);
    expect(input.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('boardHeat', () => {
  it('ranks hotspots and scales traffic to the busiest step', () => {
    const heat = boardHeat(analysis());
    expect(heat.touchpoints.get('b')).toMatchObject({ inflow: 8, level: 0.8 });
    expect(heat.hotspots.get('f1')).toMatchObject({ rank: 1, level: 3 });
    expect(heat.hotspots.get('f2')).toMatchObject({ rank: 2, level: 1 });
    expect(heat.critical.has('a')).toBe(true);
    expect(heat.observed).toBe(true);
  });
});
