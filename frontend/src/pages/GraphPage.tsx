import { useQuery } from '@tanstack/react-query';
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { sankey, sankeyLeft, sankeyLinkHorizontal, type SankeyLink, type SankeyNode } from 'd3-sankey';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAnalysis, type Analysis } from '../api/analysis';
import { api } from '../api/http';
import { formatCount, formatPct, formatShare } from '../analysis/format';
import { journeyGraph, topPathsSankey, type GraphEdge, type GraphNode } from '../analysis/graphModel';
import type { MapDocument, Row } from '../sync/types';

let registered = false;
function registerDagre() {
  if (!registered) {
    cytoscape.use(dagre);
    registered = true;
  }
  // Cytoscape adds a <style> (position: relative on its container) unless an element with
  // this id exists; the CSP refuses inline styles, and .graph-canvas sets that rule already.
  const marker = '__________cytoscape_stylesheet';
  if (typeof document !== 'undefined' && !document.getElementById(marker)) {
    const placeholder = document.createElement('meta');
    placeholder.id = marker;
    document.head.appendChild(placeholder);
  }
}

const COLUMN = 200;
const ROW = 74;
const HEAT_FILL = ['#ffffff', '#ffedd5', '#fed7aa', '#fecaca'];
const HEAT_BORDER = ['#cbd5e1', '#fb923c', '#f97316', '#dc2626'];
const STAGE_COLORS = ['#6366f1', '#0ea5e9', '#14b8a6', '#f59e0b', '#ec4899', '#8b5cf6', '#10b981', '#f97316'];

/** Stage columns: x from the stage's index; within a stage, the order dagre gives the nodes
 * (laid out left to right over all transitions), spread evenly and centred. */
function positions(nodes: GraphNode[], edges: GraphEdge[]): Map<string, { x: number; y: number }> {
  registerDagre();
  const headless = cytoscape({
    headless: true,
    styleEnabled: true,
    style: [{ selector: 'node', style: { width: 150, height: 44 } }],
    elements: [
      ...nodes.map((n) => ({ data: { id: n.id } })),
      ...edges.filter((e) => e.source !== e.target).map((e) => ({ data: { id: e.id, source: e.source, target: e.target } })),
    ],
  });
  headless.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 20, rankSep: 60 } as cytoscape.LayoutOptions).run();
  const dagreY = new Map(headless.nodes().map((n) => [n.id(), n.position().y]));
  headless.destroy();
  const byStage = new Map<number, GraphNode[]>();
  for (const n of nodes) byStage.set(n.stageIndex, [...(byStage.get(n.stageIndex) ?? []), n]);
  const tallest = Math.max(1, ...[...byStage.values()].map((c) => c.length));
  const out = new Map<string, { x: number; y: number }>();
  for (const [index, column] of byStage) {
    const sorted = [...column].sort((a, b) => (dagreY.get(a.id) ?? 0) - (dagreY.get(b.id) ?? 0));
    const offset = ((tallest - sorted.length) * ROW) / 2;
    sorted.forEach((n, i) => out.set(n.id, { x: index * COLUMN + COLUMN / 2, y: offset + i * ROW + ROW / 2 }));
  }
  return out;
}

function JourneyCanvas({
  stages,
  nodes,
  edges,
  selected,
  onSelect,
}: {
  stages: Row[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    if (!ref.current) return;
    const at = positions(nodes, edges);
    const used = new Set(nodes.map((n) => n.stage));
    // As tall as the graph needs at the width it is shown in (set through CSSOM: CSP-safe).
    const tallest = Math.max(1, ...stages.map((s) => nodes.filter((n) => n.stage === s.id).length));
    const scale = Math.min(1.15, ref.current.clientWidth / (used.size * COLUMN + 60));
    ref.current.style.height = `${Math.round(Math.min(680, Math.max(320, (tallest * ROW + 90) * scale)))}px`;
    const elements: ElementDefinition[] = [
      ...stages
        .filter((s) => used.has(s.id))
        .map((s) => ({ data: { id: `stage:${s.id}`, label: String(s.name) }, classes: 'stage', selectable: false })),
      ...nodes.map((n) => ({
        data: {
          id: n.id,
          parent: `stage:${n.stage}`,
          label: n.title.length > 44 ? `${n.title.slice(0, 42)}…` : n.title,
          fill: HEAT_FILL[n.hotLevel],
          border: n.critical ? '#4f46e5' : HEAT_BORDER[n.hotLevel],
        },
        position: at.get(n.id) ?? { x: 0, y: 0 },
        classes: [n.critical ? 'critical' : '', n.hotLevel ? 'hot' : ''].join(' '),
      })),
      ...edges.map((e) => ({
        data: { id: e.id, source: e.source, target: e.target, width: e.width, label: formatCount(e.count) },
        classes: e.critical ? 'critical' : '',
      })),
    ];
    const cy = cytoscape({
      container: ref.current,
      elements,
      layout: { name: 'preset', padding: 24 },
      minZoom: 0.2,
      maxZoom: 2.5,
      autoungrabify: true,
      style: [
        {
          selector: 'node.stage',
          style: {
            'background-color': '#f1f5f9',
            'background-opacity': 0.6,
            'border-width': 1,
            'border-color': '#e2e8f0',
            shape: 'round-rectangle',
            label: 'data(label)',
            'text-valign': 'top',
            'text-halign': 'center',
            'font-size': 13,
            'font-weight': 700,
            color: '#334155',
            'text-margin-y': -6,
            padding: '14px',
          },
        },
        {
          selector: 'node[fill]',
          style: {
            shape: 'round-rectangle',
            width: 172,
            height: 48,
            'background-color': 'data(fill)',
            'border-width': 1.5,
            'border-color': 'data(border)',
            label: 'data(label)',
            'text-wrap': 'wrap',
            'text-max-width': '158px',
            'text-valign': 'center',
            'font-size': 11,
            color: '#0f172a',
            'font-family': 'Inter Variable, system-ui, sans-serif',
          },
        },
        { selector: 'node.hot', style: { 'border-width': 2.5 } },
        { selector: 'node.critical', style: { 'border-width': 3.5, 'border-color': '#4f46e5' } },
        { selector: 'node:selected', style: { 'overlay-color': '#4f46e5', 'overlay-opacity': 0.12, 'overlay-padding': 6 } },
        {
          selector: 'edge',
          style: {
            width: 'data(width)',
            'line-color': '#94a3b8',
            'line-opacity': 0.55,
            'curve-style': 'bezier',
            'target-arrow-shape': 'triangle',
            'target-arrow-color': '#94a3b8',
            'arrow-scale': 0.8,
          },
        },
        {
          selector: 'edge.critical',
          style: { 'line-color': '#4f46e5', 'target-arrow-color': '#4f46e5', 'line-opacity': 0.9, 'z-index': 10 },
        },
      ],
    });
    cy.on('tap', 'node[fill]', (event) => select.current(event.target.id()));
    cy.on('tap', (event) => {
      if (event.target === cy) select.current(null);
    });
    cy.fit(undefined, 24);
    cyRef.current = cy;
    return () => {
      cy.destroy();
      cyRef.current = null;
    };
  }, [stages, nodes, edges]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.nodes().unselect();
    if (selected) cy.getElementById(selected).select();
  }, [selected]);

  return (
    <div
      ref={ref}
      className="graph-canvas"
      role="img"
      aria-label={`Journey graph: ${nodes.length} touchpoints in ${stages.length} stage columns, ${edges.length} transitions. The table of nodes below lists the same figures.`}
      data-testid="graph-canvas"
    />
  );
}

function NodeCard({ node, analysis, doc }: { node: GraphNode | null; analysis: Analysis; doc: MapDocument }) {
  if (!node) {
    return (
      <aside className="panel node-card" aria-label="Touchpoint figures">
        <h2>Pick a touchpoint</h2>
        <p className="muted">Click a node in the graph to see its traffic, drop-off and friction.</p>
      </aside>
    );
  }
  const stage = doc.stages.find((s) => s.id === node.stage);
  const channel = doc.directory.channels.find((c) => c.id === node.channel);
  const frictions = analysis.friction_hotspots.items.filter((f) => f.touchpoint === node.id);
  return (
    <aside className="panel node-card" aria-label="Touchpoint figures" data-testid="node-card">
      <p className="eyebrow">{String(stage?.name ?? '')}</p>
      <h2>{node.title}</h2>
      <p className="muted small">{channel?.name ?? 'No channel'}</p>
      <dl>
        <dt>Customers in</dt>
        <dd>{formatCount(node.inflow)}</dd>
        <dt>Went on</dt>
        <dd>{formatCount(node.outflow)}</dd>
        <dt>Lost here</dt>
        <dd>
          {formatCount(node.lost)} ({formatPct(node.lostPct)})
        </dd>
        {node.completed > 0 && (
          <>
            <dt>Reached the goal</dt>
            <dd>{formatCount(node.completed)}</dd>
          </>
        )}
        <dt>On likeliest routes</dt>
        <dd>{formatPct(node.betweenness * 100)}</dd>
        <dt>Critical path</dt>
        <dd>{node.critical ? 'Yes' : 'No'}</dd>
        <dt>Friction score</dt>
        <dd>{formatCount(node.hotScore)}</dd>
      </dl>
      {frictions.length > 0 && (
        <ul className="finding-list" style={{ marginTop: 12 }}>
          {frictions.map((f) => (
            <li key={f.friction}>
              <span className="finding-title">{f.title}</span>
              <span className="muted small">
                severity {f.severity} × {formatCount(f.traffic)} = {formatCount(f.score)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

type SNode = SankeyNode<{ id: string; title: string; stageIndex: number }, { paths: number[] }>;
type SLink = SankeyLink<{ id: string; title: string; stageIndex: number }, { paths: number[] }>;

function TopPathsSankey({ analysis, doc }: { analysis: Analysis; doc: MapDocument }) {
  // A column per step of the longest path, wide enough for its labels (the view scrolls).
  const steps = Math.max(2, ...analysis.path_variants.items.map((v) => v.path.length));
  const width = Math.max(1100, steps * 150 + 40);
  const height = 400;
  const layout = useMemo(() => {
    const stageIndex = new Map([...doc.stages].sort((a, b) => String(a.order_key) < String(b.order_key) ? -1 : 1).map((s, i) => [s.id, i]));
    const touchpoints = new Map(doc.touchpoints.map((t) => [t.id, t]));
    const input = topPathsSankey(analysis, (id) => {
      const t = touchpoints.get(id);
      return { title: String(t?.title ?? id), stageIndex: stageIndex.get(String(t?.stage)) ?? 0 };
    });
    if (!input.links.length) return null;
    const generator = sankey<{ id: string; title: string; stageIndex: number }, { paths: number[] }>()
      .nodeId((n) => n.id)
      .nodeAlign(sankeyLeft)
      .nodeWidth(12)
      .nodePadding(18)
      .extent([
        [8, 12],
        [width - 140, height - 12],
      ]);
    return generator({
      nodes: input.nodes.map((n) => ({ ...n })),
      links: input.links.map((l) => ({ ...l, value: l.value * 100 })),
    });
  }, [analysis, doc, width]);
  if (!layout) return <p className="muted">No paths to draw yet.</p>;
  const path = sankeyLinkHorizontal<{ id: string; title: string; stageIndex: number }, { paths: number[] }>();
  const color = (n: SNode) => STAGE_COLORS[n.stageIndex % STAGE_COLORS.length]!;
  return (
    // Wider than the page on long paths: focusable, so the keyboard can scroll it too.
    <div className="sankey-wrap" tabIndex={0} role="group" aria-label="Top paths diagram, scrolls sideways">
      <svg
        className="sankey"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="sankey-title"
        data-testid="sankey"
      >
        <title id="sankey-title">
          {`Sankey of the top ${analysis.path_variants.items.length} paths, covering ${formatShare(analysis.path_variants.total_share)} of journeys`}
        </title>
        <g>
          {(layout.links as SLink[]).map((l, i) => (
            <path
              key={i}
              className="link"
              d={path(l) ?? ''}
              stroke={color(l.source as SNode)}
              strokeWidth={Math.max(1, l.width ?? 1)}
            >
              <title>{`${(l.source as SNode).title} → ${(l.target as SNode).title}: ${formatPct(l.value)} of journeys (paths ${l.paths.join(', ')})`}</title>
            </path>
          ))}
        </g>
        <g>
          {(layout.nodes as SNode[]).map((n) => (
            <g key={n.id}>
              <rect x={n.x0} y={n.y0} width={(n.x1 ?? 0) - (n.x0 ?? 0)} height={Math.max(2, (n.y1 ?? 0) - (n.y0 ?? 0))} fill={color(n)} rx={2} />
              <text x={(n.x1 ?? 0) + 5} y={((n.y0 ?? 0) + (n.y1 ?? 0)) / 2} dy="0.35em">
                <title>{n.title}</title>
                {n.title.length > 22 ? `${n.title.slice(0, 21)}…` : n.title}
              </text>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}

export function GraphPage() {
  const { mapId = '' } = useParams();
  const [persona, setPersona] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const doc = useQuery({
    queryKey: ['map', mapId, 'graph'],
    queryFn: () => api<MapDocument>(`/api/maps/${mapId}/`),
    staleTime: 0,
  });
  const analysis = useAnalysis(mapId, { persona, seq: doc.data?.seq ?? null, enabled: Boolean(doc.data) });
  const graph = useMemo(
    () => (doc.data && analysis.data ? journeyGraph(doc.data, analysis.data) : null),
    [doc.data, analysis.data],
  );
  useEffect(() => {
    if (doc.data?.title) document.title = `Graph · ${doc.data.title} · Journeymap`;
  }, [doc.data?.title]);
  const personas = doc.data
    ? doc.data.directory.personas.filter((p) => (doc.data.personas as string[] | undefined)?.includes(p.id))
    : [];
  const node = graph?.nodes.find((n) => n.id === selected) ?? null;
  const data = analysis.data;

  return (
    <div className="page graph-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to={`/maps/${mapId}/`}>Back to the board</Link>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">Journey graph{doc.data ? ` · ${doc.data.title}` : ''}</p>
          <h1>Paths, drop-offs and bottlenecks</h1>
        </div>
        {personas.length > 0 && (
          <label className="field-inline" style={{ margin: 0 }}>
            <span>Persona</span>
            <select value={persona ?? ''} onChange={(e) => setPersona(e.target.value || null)}>
              <option value="">Everyone</option>
              {personas.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {(doc.isPending || analysis.isPending) && !doc.error && !analysis.error && <p className="muted">Analysing…</p>}
      {(doc.error || analysis.error) && (
        <p className="muted">The analysis is not available: {(doc.error ?? analysis.error)?.message}</p>
      )}
      {data && graph && doc.data && (
        <>
          {data.meta.edges === 'implied' && (
            <p className="analysis-note" role="note">
              <strong>Implied edges.</strong> The map has no observed transitions: edges follow the stage order with a
              count of 1 each, so widths and shares compare links between steps, not customers.
            </p>
          )}
          <div className="graph-summary">
            <div>
              <strong>{formatCount(data.drop_off.totals.started)}</strong>
              <span>journeys started</span>
            </div>
            <div>
              <strong>{formatPct(data.drop_off.totals.completed_pct)}</strong>
              <span>reached a goal</span>
            </div>
            <div>
              <strong>{formatShare(data.critical_path.share)}</strong>
              <span>follow the critical path</span>
            </div>
            <div>
              <strong>{formatCount(data.friction_hotspots.count)}</strong>
              <span>friction points weighed</span>
            </div>
          </div>
          <div className="graph-layout">
            <section className="panel graph-canvas-wrap" aria-label="Journey graph">
              <JourneyCanvas
                stages={graph.stages}
                nodes={graph.nodes}
                edges={graph.edges}
                selected={selected}
                onSelect={setSelected}
              />
              <div className="graph-legend" aria-hidden="true">
                <span>
                  <i style={{ background: '#4f46e5' }} />
                  Critical path
                </span>
                <span>
                  <i style={{ background: HEAT_FILL[1], border: `1px solid ${HEAT_BORDER[1]}` }} />
                  <i style={{ background: HEAT_FILL[2], border: `1px solid ${HEAT_BORDER[2]}` }} />
                  <i style={{ background: HEAT_FILL[3], border: `1px solid ${HEAT_BORDER[3]}` }} />
                  Friction hotspots, mild to hottest
                </span>
                <span>Edge width: customers making the step</span>
              </div>
            </section>
            <NodeCard node={node} analysis={data} doc={doc.data} />
          </div>
          <details className="text-alt panel graph-section">
            <summary>Table of the graph's nodes</summary>
            <table className="table" data-testid="graph-table">
              <caption className="sr-only">Touchpoints of the journey graph with their figures</caption>
              <thead>
                <tr>
                  <th scope="col">Touchpoint</th>
                  <th scope="col">Stage</th>
                  <th scope="col" className="num">
                    In
                  </th>
                  <th scope="col" className="num">
                    Out
                  </th>
                  <th scope="col" className="num">
                    Lost
                  </th>
                  <th scope="col" className="num">
                    Friction score
                  </th>
                  <th scope="col">Critical path</th>
                </tr>
              </thead>
              <tbody>
                {graph.nodes.map((n) => (
                  <tr key={n.id}>
                    <th scope="row">
                      <button type="button" className="link-btn" onClick={() => setSelected(n.id)}>
                        {n.title}
                      </button>
                    </th>
                    <td>{String(graph.stages[n.stageIndex]?.name ?? '')}</td>
                    <td className="num">{formatCount(n.inflow)}</td>
                    <td className="num">{formatCount(n.outflow)}</td>
                    <td className="num">{formatPct(n.lostPct)}</td>
                    <td className="num">{formatCount(n.hotScore)}</td>
                    <td>{n.critical ? 'Yes' : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <section className="panel graph-section" aria-labelledby="sankey-head">
            <h2 id="sankey-head">Top paths</h2>
            <p className="muted small" style={{ marginBottom: 12 }}>
              The {data.path_variants.items.length} likeliest paths from an entry to a goal, together{' '}
              {formatShare(data.path_variants.total_share)} of journeys; a band's width is its share.
            </p>
            <TopPathsSankey analysis={data} doc={doc.data} />
            <details className="text-alt">
              <summary>The paths as text</summary>
              <ol className="finding-list" data-testid="path-list">
                {data.path_variants.items.map((v) => (
                  <li key={v.rank}>
                    <span className="finding-title">
                      {formatShare(v.share)} ·{' '}
                      {v.path
                        .map((id) => String(doc.data.touchpoints.find((t) => t.id === id)?.title ?? '…'))
                        .join(' → ')}
                    </span>
                  </li>
                ))}
              </ol>
            </details>
          </section>
        </>
      )}
    </div>
  );
}
