/** The journey graph for drawing: touchpoints in stage columns, transitions weighted by
 * traffic, and the top paths folded into an acyclic Sankey. Pure: no DOM, no Cytoscape. */
import type { Analysis } from '../api/analysis';
import type { MapDocument, Row } from '../sync/types';

export interface GraphNode {
  id: string;
  title: string;
  stage: string;
  stageIndex: number;
  channel: string | null;
  inflow: number;
  outflow: number;
  lost: number;
  lostPct: number;
  completed: number;
  hotScore: number;
  hotLevel: 0 | 1 | 2 | 3;
  critical: boolean;
  betweenness: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  count: number;
  width: number;
  critical: boolean;
}

function byOrder(a: Row, b: Row): number {
  const ka = String(a.order_key ?? '');
  const kb = String(b.order_key ?? '');
  return ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function journeyGraph(doc: MapDocument, analysis: Analysis): { stages: Row[]; nodes: GraphNode[]; edges: GraphEdge[] } {
  const stages = [...doc.stages].sort(byOrder);
  const stageIndex = new Map(stages.map((s, i) => [s.id, i]));
  const flow = new Map(analysis.drop_off.steps.map((s) => [s.touchpoint, s]));
  const hot = new Map<string, number>();
  for (const item of analysis.friction_hotspots.items) {
    if (item.touchpoint) hot.set(item.touchpoint, (hot.get(item.touchpoint) ?? 0) + item.score);
  }
  const topHot = Math.max(1, ...hot.values());
  const critical = new Set(analysis.critical_path.path);
  const between = new Map(analysis.bottlenecks.items.map((b) => [b.touchpoint, b.betweenness]));
  // Only the touchpoints the analysis looked at (a persona's journey leaves others out).
  const nodes: GraphNode[] = [...doc.touchpoints]
    .filter((t) => flow.has(t.id) && stageIndex.has(String(t.stage)))
    .sort((a, b) => (stageIndex.get(String(a.stage))! - stageIndex.get(String(b.stage))!) || byOrder(a, b))
    .map((t) => {
      const f = flow.get(t.id)!;
      const score = hot.get(t.id) ?? 0;
      const ratio = score / topHot;
      return {
        id: t.id,
        title: String(t.title ?? ''),
        stage: String(t.stage),
        stageIndex: stageIndex.get(String(t.stage))!,
        channel: t.channel ? String(t.channel) : null,
        inflow: f.inflow,
        outflow: f.outflow,
        lost: f.lost,
        lostPct: f.lost_pct,
        completed: f.completed,
        hotScore: score,
        hotLevel: score <= 0 ? 0 : ratio > 0.66 ? 3 : ratio > 0.33 ? 2 : 1,
        critical: critical.has(t.id),
        betweenness: between.get(t.id) ?? 0,
      };
    });
  const known = new Set(nodes.map((n) => n.id));
  const criticalSteps = new Set(analysis.critical_path.transitions.map((t) => `${t.from}>${t.to}`));
  let raw = doc.transitions
    .filter((t) => Number(t.count) > 0 && known.has(String(t.from_touchpoint)) && known.has(String(t.to_touchpoint)))
    .map((t) => ({ source: String(t.from_touchpoint), target: String(t.to_touchpoint), count: Number(t.count) }));
  if (analysis.meta.edges === 'implied') {
    // As the analysis does: every touchpoint of a stage to every one of the next non-empty stage.
    raw = [];
    const columns = stages.map((s) => nodes.filter((n) => n.stage === s.id)).filter((c) => c.length);
    for (let i = 0; i + 1 < columns.length; i++) {
      for (const a of columns[i]!) for (const b of columns[i + 1]!) raw.push({ source: a.id, target: b.id, count: 1 });
    }
  }
  const busiest = Math.max(1, ...raw.map((e) => e.count));
  const edges = raw.map((e) => ({
    ...e,
    id: `${e.source}>${e.target}`,
    width: 1.5 + 10 * Math.sqrt(e.count / busiest),
    critical: criticalSteps.has(`${e.source}>${e.target}`),
  }));
  return { stages, nodes, edges };
}

export interface SankeyInput {
  nodes: { id: string; title: string; stageIndex: number }[];
  links: { source: string; target: string; value: number; paths: number[] }[];
}

/** The top paths as Sankey nodes and links: a step shared by several paths carries their
 * summed share. A step that would close a loop (paths crossing in opposite directions) is
 * left out, since a Sankey cannot draw cycles. */
export function topPathsSankey(
  analysis: Analysis,
  info: (id: string) => { title: string; stageIndex: number },
): SankeyInput {
  const links = new Map<string, { source: string; target: string; value: number; paths: number[] }>();
  for (const variant of analysis.path_variants.items) {
    for (let i = 0; i + 1 < variant.path.length; i++) {
      const source = variant.path[i]!;
      const target = variant.path[i + 1]!;
      const key = `${source}>${target}`;
      const link = links.get(key) ?? { source, target, value: 0, paths: [] };
      link.value += variant.share;
      link.paths.push(variant.rank);
      links.set(key, link);
    }
  }
  const kept: typeof links extends Map<string, infer V> ? V[] : never = [];
  const next = new Map<string, Set<string>>();
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const node = stack.pop()!;
      if (node === to) return true;
      if (seen.has(node)) continue;
      seen.add(node);
      for (const n of next.get(node) ?? []) stack.push(n);
    }
    return false;
  };
  for (const link of [...links.values()].sort((a, b) => b.value - a.value)) {
    if (link.value <= 0 || reaches(link.target, link.source)) continue;
    kept.push(link);
    next.set(link.source, new Set([...(next.get(link.source) ?? []), link.target]));
  }
  const ids = new Set(kept.flatMap((l) => [l.source, l.target]));
  return {
    nodes: [...ids].map((id) => ({ id, ...info(id) })),
    links: kept,
  };
}
