import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useChannels, usePersonas } from '../api/queries';
import type { Persona } from '../api/types';
import { useWorkspace } from '../app/auth';
import {
  buildComparison,
  differenceCount,
  formatDay,
  MAX_COMPARED,
  MIN_COMPARED,
  parseIds,
  visibleSections,
  type CompareRow,
  type ListItem,
} from '../personas/compare';
import { PersonaAvatar } from './personaBits';
import '../styles/personas-repo.css';

function Empty() {
  return (
    <span className="cmp-empty" aria-label="not set">
      —
    </span>
  );
}

function ListCell({ items }: { items: ListItem[] }) {
  if (!items.length) return <Empty />;
  return (
    <ul className="cmp-list">
      {items.map((item, i) => (
        <li key={i} className={`cmp-item cmp-${item.presence}`}>
          <span>{item.text}</span>
          {item.presence === 'all' && <span className="cmp-tag">shared</span>}
          {item.presence === 'some' && <span className="cmp-tag cmp-tag-some">some</span>}
        </li>
      ))}
    </ul>
  );
}

function Row({ row, personas }: { row: CompareRow; personas: Persona[] }) {
  return (
    <tr data-row={row.key} className={row.allEqual ? 'cmp-same' : 'cmp-differs'}>
      <th scope="row" className="cmp-label">
        {row.label}
        {!row.allEqual && <span className="cmp-dot" title="Differs" aria-label="differs" role="img" />}
      </th>
      {personas.map((p, i) => {
        if (row.kind === 'list') {
          return (
            <td key={p.id}>
              <ListCell items={row.items[i] ?? []} />
            </td>
          );
        }
        const differs = row.differs[i];
        return (
          <td key={p.id} className={differs ? 'cmp-diff' : undefined} data-differs={differs ? 'true' : undefined}>
            {row.values[i] ? row.values[i] : <Empty />}
          </td>
        );
      })}
    </tr>
  );
}

/** `/personas/compare/?ids=a,b[,c,d]`: two to four personas side by side, differences marked. */
export function PersonaComparePage() {
  const workspace = useWorkspace()?.workspace;
  const personas = usePersonas(workspace);
  const channels = useChannels(workspace);
  const [params, setParams] = useSearchParams();
  const ids = parseIds(params.get('ids'));
  const differencesOnly = params.get('diff') === '1';
  const all = useMemo(() => personas.data ?? [], [personas.data]);
  const byId = new Map(all.map((p) => [p.id, p]));
  const compared = ids.map((id) => byId.get(id)).filter((p): p is Persona => Boolean(p));
  const missing = personas.data ? ids.filter((id) => !byId.has(id)).length : 0;
  const available = all.filter((p) => !ids.includes(p.id)).sort((a, b) => a.name.localeCompare(b.name));

  const channelNames = useMemo(() => new Map((channels.data ?? []).map((c) => [c.id, c.name])), [channels.data]);
  const sections = buildComparison(compared, { channelNames, formatDate: formatDay });
  const shown = visibleSections(sections, differencesOnly);
  const { differing, total } = differenceCount(sections);

  function update(next: string[], diff = differencesOnly) {
    const query = new URLSearchParams();
    if (next.length) query.set('ids', next.join(','));
    if (diff) query.set('diff', '1');
    setParams(query);
  }

  const ready = compared.length >= MIN_COMPARED;
  return (
    <div className="page compare-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/personas/">Personas</Link> / <span>Compare</span>
      </nav>
      <div className="page-head">
        <div>
          <p className="eyebrow">Personas</p>
          <h1>Compare personas</h1>
          <p className="muted">
            {ready
              ? `${compared.length} personas · ${differing} of ${total} fields differ`
              : `Choose ${MIN_COMPARED}–${MAX_COMPARED} personas to see them side by side.`}
          </p>
        </div>
        <div className="compare-controls">
          <label className="field compare-add">
            <span>Add persona</span>
            <select
              value=""
              disabled={ids.length >= MAX_COMPARED || available.length === 0}
              onChange={(e) => e.target.value && update([...ids, e.target.value])}
            >
              <option value="">
                {ids.length >= MAX_COMPARED ? `Up to ${MAX_COMPARED} personas` : 'Choose a persona…'}
              </option>
              {available.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.job_title ? ` — ${p.job_title}` : ''}
                </option>
              ))}
            </select>
          </label>
          <label className={`switch ${differencesOnly ? 'on' : ''}`}>
            <input
              type="checkbox"
              checked={differencesOnly}
              disabled={!ready}
              onChange={(e) => update(ids, e.target.checked)}
            />
            <span className="switch-track" aria-hidden="true" />
            Show differences only
          </label>
        </div>
      </div>

      {missing > 0 && (
        <div className="banner banner-warn" role="status">
          {missing === 1 ? 'One persona' : `${missing} personas`} in this link could not be found in this workspace.
        </div>
      )}
      {personas.isPending && <p className="muted">Loading…</p>}
      {personas.error && (
        <p className="form-error" role="alert">
          {personas.error.message}
        </p>
      )}

      {compared.length > 0 && (
        <>
          <div className="compare-legend" aria-label="Legend">
            <span>
              <span className="legend-swatch legend-diff" aria-hidden="true" /> value differs
            </span>
            <span>
              <strong>Bold</strong> only this persona
            </span>
            <span>
              <span className="cmp-tag">shared</span> all of them
            </span>
            {compared.length > 2 && (
              <span>
                <span className="cmp-tag cmp-tag-some">some</span> more than one
              </span>
            )}
          </div>
          <div className="compare-scroll" role="region" aria-label="Comparison" tabIndex={0}>
            <table className="compare-table" style={{ ['--cols' as string]: compared.length }}>
              <thead>
                <tr>
                  <th scope="col" className="cmp-label cmp-corner">
                    <span className="sr-only">Field</span>
                  </th>
                  {compared.map((p) => (
                    <th key={p.id} scope="col" className="cmp-head" style={{ borderTopColor: p.color }}>
                      <div className="cmp-head-inner">
                        <PersonaAvatar persona={p} size={56} />
                        <div>
                          <Link to={`/personas/${p.id}/`} className="cmp-name">
                            {p.name}
                          </Link>
                          <div className="cmp-sub">
                            <span className={`tier tier-${p.tier}`}>{p.tier}</span>
                          </div>
                          <div className="muted cmp-job">{[p.job_title, p.company].filter(Boolean).join(' at ') || '—'}</div>
                        </div>
                        <button
                          type="button"
                          className="icon-btn cmp-remove"
                          aria-label={`Remove ${p.name} from the comparison`}
                          title="Remove"
                          onClick={() => update(ids.filter((id) => id !== p.id))}
                        >
                          ×
                        </button>
                      </div>
                    </th>
                  ))}
                </tr>
              </thead>
              {shown.map((section) => (
                <tbody key={section.key} data-section={section.key}>
                  <tr className="cmp-section">
                    <th scope="colgroup" colSpan={compared.length + 1}>
                      <span>{section.label}</span>
                    </th>
                  </tr>
                  {section.rows.map((row) => (
                    <Row key={row.key} row={row} personas={compared} />
                  ))}
                </tbody>
              ))}
            </table>
          </div>
          {shown.length === 0 && (
            <p className="empty-inline compare-none">These personas agree on every field.</p>
          )}
          {!ready && (
            <p className="muted compare-hint">Add at least one more persona to compare.</p>
          )}
        </>
      )}
      {personas.data && compared.length === 0 && (
        <div className="empty-inline">
          <p>
            No personas chosen yet. Pick them above, or select cards in the <Link to="/personas/?compare=1">repository</Link>.
          </p>
        </div>
      )}
    </div>
  );
}
