import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Analysis } from '../api/analysis';
import { formatCount, formatDuration, formatPct, formatShare } from '../analysis/format';
import { useBoard } from './BoardContext';
import { Icon } from './icons';

function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <section className="analysis-section" aria-label={title}>
      <h3>
        {title}
        {count !== undefined && <span className="count">{count}</span>}
      </h3>
      {children}
    </section>
  );
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="muted small">{children}</p>;
}

/** The journey analysis beside the board: paths, drop-off, friction, timings, conformance. */
export function AnalysisPanel({
  query,
  persona,
  onPersona,
  showOnBoard,
  onShowOnBoard,
  onClose,
}: {
  query: UseQueryResult<Analysis>;
  persona: string | null;
  onPersona: (persona: string | null) => void;
  showOnBoard: boolean;
  onShowOnBoard: (on: boolean) => void;
  onClose: () => void;
}) {
  const board = useBoard();
  const data = query.data;
  const ids = new Set(board.state.meta.personas);
  const personas = board.state.directory.personas.filter((p) => ids.has(p.id));
  const title = (id: string) => String(board.state.items.touchpoint[id]?.title ?? 'a removed touchpoint');
  const stageName = (id: string) => String(board.state.items.stage[id]?.name ?? 'a stage');
  const implied = data?.meta.edges === 'implied';
  const approximations = data ? Object.entries(data.meta.approximations) : [];

  return (
    <aside className="side-panel analysis-panel" aria-label="Journey analysis" data-testid="analysis-panel">
      <div className="side-head">
        <h2>
          <Icon name="analysis" size={18} /> Analysis
        </h2>
        <button type="button" className="icon-btn" aria-label="Close analysis" onClick={onClose}>
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="analysis-controls">
        <label className="field-inline">
          <span>Persona</span>
          <select value={persona ?? ''} onChange={(e) => onPersona(e.target.value || null)}>
            <option value="">Everyone</option>
            {personas.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="switch">
          <input type="checkbox" checked={showOnBoard} onChange={(e) => onShowOnBoard(e.target.checked)} />
          <span>Show on board</span>
        </label>
      </div>
      <p className="small">
        <Link to={`/maps/${board.state.meta.id}/graph/`}>Open the journey graph</Link>
        {' · '}
        <Link to={`/maps/${board.state.meta.id}/content/`}>Content by channel</Link>
      </p>
      {query.isPending && <p className="muted">Analysing…</p>}
      {query.error && <p className="form-error">The analysis is not available: {query.error.message}</p>}
      {data && (
        <div className={`analysis-body ${query.isFetching ? 'refreshing' : ''}`} aria-busy={query.isFetching}>
          {implied && (
            <p className="analysis-note" role="note">
              <strong>Implied edges.</strong> This map has no observed transitions yet: its edges follow the stage
              order, one each, so the figures count links between steps, not customers. Import an event log to
              measure real journeys.
            </p>
          )}
          {approximations.length > 0 && (
            <p className="analysis-note" role="note">
              <strong>Approximate:</strong>{' '}
              {approximations.map(([where, why]) => `${where.split('.')[0]!.replace(/_/g, ' ')}: ${why}`).join('; ')}.
            </p>
          )}

          <Section title="Critical path">
            {data.critical_path.path.length ? (
              <>
                <p className="analysis-lead" data-testid="critical-share">
                  <strong>{formatShare(data.critical_path.share)}</strong> of journeys follow this path
                  {implied ? ' (implied)' : ''}.
                </p>
                <ol className="path-steps" data-testid="critical-path">
                  {data.critical_path.steps.map((step) => (
                    <li key={step.touchpoint}>
                      <span className="path-title">{step.title}</span>
                      <span className="muted small">{step.stage_name}</span>
                    </li>
                  ))}
                </ol>
              </>
            ) : (
              <Empty>No path from an entry to a goal: {data.critical_path.reason}.</Empty>
            )}
          </Section>

          <Section title="Drop-off by stage">
            <table className="mini-table">
              <thead>
                <tr>
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
                </tr>
              </thead>
              <tbody>
                {data.drop_off.stages.map((s) => (
                  <tr key={s.stage}>
                    <th scope="row">{s.stage_name}</th>
                    <td className="num">{formatCount(s.inflow)}</td>
                    <td className="num">{formatCount(s.outflow)}</td>
                    <td className="num">
                      <span className="lost-bar" style={{ ['--w' as string]: `${Math.min(100, s.lost_pct)}%` }}>
                        {formatPct(s.lost_pct)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">
              {formatCount(data.drop_off.totals.started)} started, {formatCount(data.drop_off.totals.completed)} reached
              a goal ({formatPct(data.drop_off.totals.completed_pct)}).
            </p>
          </Section>

          <Section title="Friction hotspots" count={data.friction_hotspots.count}>
            {data.friction_hotspots.items.length ? (
              <ol className="finding-list">
                {data.friction_hotspots.items.map((f) => (
                  <li key={f.friction}>
                    <span className="finding-title">{f.title}</span>
                    <span className="muted small">
                      {f.stage_name} · severity {f.severity} × {formatCount(f.traffic)} customers ={' '}
                      <strong>{formatCount(f.score)}</strong>
                    </span>
                  </li>
                ))}
              </ol>
            ) : (
              <Empty>No friction points on this journey.</Empty>
            )}
          </Section>

          <Section title="Bottlenecks">
            {data.bottlenecks.items.length ? (
              <ol className="finding-list">
                {data.bottlenecks.items.map((b) => (
                  <li key={b.touchpoint}>
                    <span className="finding-title">{b.title}</span>
                    <span className="muted small">
                      {b.stage_name} · on {formatPct(b.betweenness * 100)} of likeliest routes · {formatCount(b.traffic)}{' '}
                      customers
                    </span>
                  </li>
                ))}
              </ol>
            ) : (
              <Empty>No step that most routes pass through.</Empty>
            )}
            {data.bottlenecks.approximate && <p className="muted small">Approximate: {data.bottlenecks.approximation}.</p>}
          </Section>

          <Section title="Dead ends" count={data.dead_ends.count}>
            {data.dead_ends.items.length ? (
              <ul className="finding-list">
                {data.dead_ends.items.slice(0, 8).map((d) => (
                  <li key={d.touchpoint}>
                    <span className="finding-title">{d.title}</span>
                    <span className="muted small">
                      {d.stage_name} · {formatCount(d.inflow)} stranded
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>Every step leads on.</Empty>
            )}
          </Section>

          <Section title="Loops" count={data.cycles.count}>
            {data.cycles.items.length ? (
              <ul className="finding-list">
                {data.cycles.items.map((c, i) => (
                  <li key={i}>
                    <span className="finding-title">
                      {[...c.steps, c.steps[0]!].map((s) => s.title).join(' → ')}
                    </span>
                    <span className="muted small">up to {formatCount(c.traffic)} customers went round</span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>No loops.</Empty>
            )}
          </Section>

          <Section title="Channel switches" count={data.channel_switches.transitions.count}>
            {data.channel_switches.transitions.items.length ? (
              <ul className="finding-list">
                {data.channel_switches.transitions.items.slice(0, 8).map((c) => (
                  <li key={`${c.from_channel}:${c.to_channel}`} className="finding-row">
                    <span className="finding-title">
                      {c.from_name ?? 'Channel'} → {c.to_name ?? 'Channel'}
                    </span>
                    <span className="num">{formatCount(c.count)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>Nobody changes channel.</Empty>
            )}
          </Section>

          <Section title="Step durations">
            {data.step_durations.stages.length ? (
              <>
                <table className="mini-table">
                  <thead>
                    <tr>
                      <th scope="col">Leaving</th>
                      <th scope="col" className="num">
                        Median
                      </th>
                      <th scope="col" className="num">
                        p90
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.step_durations.stages.map((s) => (
                      <tr key={s.stage}>
                        <th scope="row">{s.stage_name}</th>
                        <td className="num">{formatDuration(s.median_s)}</td>
                        <td className="num">{formatDuration(s.p90_s)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {data.step_durations.approximate && (
                  <p className="muted small">Approximate: {data.step_durations.approximation}.</p>
                )}
                <h4>Slowest steps</h4>
                <ul className="finding-list">
                  {data.step_durations.transitions.items.slice(0, 5).map((t) => (
                    <li key={`${t.from}:${t.to}`}>
                      <span className="finding-title">
                        {title(t.from)} → {title(t.to)}
                      </span>
                      <span className="muted small">
                        median {formatDuration(t.median_s)} · p90 {formatDuration(t.p90_s)} · {formatCount(t.count)} steps
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <Empty>No timings yet: import an event log with timestamps.</Empty>
            )}
          </Section>

          <Section title="Conformance">
            <h4>Unknown event names ({data.conformance.unknown_events.count})</h4>
            {data.conformance.unknown_events.items.length ? (
              <ul className="finding-list">
                {data.conformance.unknown_events.items.slice(0, 8).map((u) => (
                  <li key={u.name} className="finding-row">
                    <span className="finding-title">{u.name}</span>
                    <span className="num">{formatCount(u.count)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>Every event names a touchpoint on the map.</Empty>
            )}
            <h4>Unreached touchpoints ({data.conformance.unreached.count})</h4>
            {data.conformance.unreached.items.length ? (
              <ul className="finding-list">
                {data.conformance.unreached.items.slice(0, 8).map((u) => (
                  <li key={u.touchpoint}>
                    <span className="finding-title">{u.title}</span>
                    <span className="muted small">{u.stage_name}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>Customers reached every touchpoint.</Empty>
            )}
            <h4>Backward steps ({formatCount(data.conformance.backward_transitions.traffic)} customers)</h4>
            {data.conformance.backward_transitions.items.length ? (
              <ul className="finding-list">
                {data.conformance.backward_transitions.items.slice(0, 6).map((b) => (
                  <li key={`${b.from}:${b.to}`}>
                    <span className="finding-title">
                      {title(b.from)} → {title(b.to)}
                    </span>
                    <span className="muted small">
                      {stageName(b.from_stage)} back to {stageName(b.to_stage)} · {formatCount(b.count)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <Empty>Nobody goes back to an earlier stage.</Empty>
            )}
            {data.conformance.notes.map((note) => (
              <p key={note} className="muted small">
                {note}.
              </p>
            ))}
          </Section>
        </div>
      )}
    </aside>
  );
}
