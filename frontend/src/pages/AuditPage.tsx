import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router-dom';
import { auditCsvPath, auditPath, type AuditFilters, type AuditPage as Page } from '../api/audit';
import { api, ApiError } from '../api/http';
import type { Member } from '../api/types';
import { useWorkspace } from '../app/auth';
import { KINDS, kindActions, note, what, who } from '../audit/describe';
import '../styles/audit.css';

// The API's page size (REST_FRAMEWORK PAGE_SIZE).
const PAGE_SIZE = 50;
const FILTER_KEYS = ['kind', 'actor', 'since', 'until'] as const;

function when(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function Refusal() {
  return (
    <div className="page audit-page">
      <div className="audit-refused" role="status">
        <h1>Audit log</h1>
        <p>Only owners can read the audit log.</p>
        <p className="muted">Ask an owner of this workspace if you need to know who changed what.</p>
      </div>
    </div>
  );
}

/** `/audit/`: who did what in the workspace, and from where (owners only). The filters
 * live in the URL, so a filtered view can be shared with another owner or reloaded. */
export function AuditPage() {
  const membership = useWorkspace();
  const workspace = membership?.workspace ?? '';
  const isOwner = membership?.role === 'owner';
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const filters: AuditFilters = {
    action: kindActions(kind),
    actor: params.get('actor') ?? undefined,
    since: params.get('since') ?? undefined,
    until: params.get('until') ?? undefined,
  };
  const entries = useQuery({
    queryKey: ['audit', workspace, filters, page],
    queryFn: () => api<Page>(auditPath(workspace, filters, page)),
    enabled: isOwner && Boolean(workspace),
    placeholderData: keepPreviousData,
  });
  const members = useQuery({
    queryKey: ['members', workspace],
    queryFn: () => api<Member[]>(`/api/workspaces/${workspace}/members/`),
    enabled: isOwner && Boolean(workspace),
  });

  if (!isOwner || (entries.error instanceof ApiError && entries.error.status === 403)) return <Refusal />;

  const setFilter = (key: (typeof FILTER_KEYS)[number] | 'page', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };
  const filtered = FILTER_KEYS.some((key) => params.get(key));
  const data = entries.data;
  // Today's members, and whoever acted on this page who no longer is one (a removed
  // member's actions stay searchable by person).
  const people = new Map<string, string>();
  for (const m of members.data ?? []) people.set(String(m.user_id), m.username);
  for (const e of data?.results ?? []) if (e.actor.id !== null && !people.has(String(e.actor.id))) people.set(String(e.actor.id), e.actor.name);
  const chosen = params.get('actor');
  if (chosen && !people.has(chosen)) people.set(chosen, `user ${chosen}`);
  const pages = data ? Math.max(1, Math.ceil(data.count / PAGE_SIZE)) : 1;

  return (
    <div className="page audit-page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Workspace</p>
          <h1>Audit log</h1>
          <p className="muted">
            Who changed the team, shared or exported maps, imported data or deleted something in{' '}
            {membership?.workspace_name}, and from which address.
          </p>
        </div>
        <a className="btn" href={auditCsvPath(workspace, filters)} download>
          Download CSV
        </a>
      </div>

      <form className="audit-filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div className="audit-kinds" role="group" aria-label="Kind">
          <button type="button" className={`audit-kind ${kind ? '' : 'active'}`} aria-pressed={!kind} onClick={() => setFilter('kind', '')}>
            All
          </button>
          {KINDS.map((k) => (
            <button
              key={k.value}
              type="button"
              className={`audit-kind ${kind === k.value ? 'active' : ''}`}
              aria-pressed={kind === k.value}
              onClick={() => setFilter('kind', k.value)}
            >
              {k.label}
            </button>
          ))}
        </div>
        <label>
          <span>Person</span>
          <select value={params.get('actor') ?? ''} onChange={(e) => setFilter('actor', e.target.value)}>
            <option value="">Everyone</option>
            {[...people].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>From</span>
          <input type="date" value={params.get('since') ?? ''} onChange={(e) => setFilter('since', e.target.value)} />
        </label>
        <label>
          <span>To</span>
          <input type="date" value={params.get('until') ?? ''} onChange={(e) => setFilter('until', e.target.value)} />
        </label>
        {filtered && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setParams(new URLSearchParams())}>
            Clear filters
          </button>
        )}
      </form>

      {entries.error && !(entries.error instanceof ApiError && entries.error.status === 403) && (
        <p className="form-error" role="alert">
          Could not read the audit log: {entries.error.message}
        </p>
      )}
      <p className="muted audit-count" aria-live="polite">
        {data ? `${data.count.toLocaleString('en-US')} ${data.count === 1 ? 'entry' : 'entries'}` : 'Loading…'}
      </p>
      {data && data.count > 0 && (
        <table className="table audit-table">
          <caption className="sr-only">Audit log entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Where</th>
            </tr>
          </thead>
          <tbody>
            {data.results.map((entry) => {
              const extra = note(entry);
              return (
                <tr key={entry.id} data-action={entry.action}>
                  <td className="audit-when">
                    <time dateTime={entry.created_at}>{when(entry.created_at)}</time>
                  </td>
                  <td>
                    <span className="audit-what">
                      <strong>{who(entry)}</strong> {what(entry)}
                    </span>
                    {extra && <span className="audit-note">{extra}</span>}
                  </td>
                  <td className="audit-where">{entry.address ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {data && data.count === 0 && (
        <div className="empty-inline audit-empty">
          <p>{filtered ? 'Nothing recorded matches these filters.' : 'Nothing has been recorded yet.'}</p>
          {filtered && (
            <button type="button" className="btn btn-sm" onClick={() => setParams(new URLSearchParams())}>
              Show everything
            </button>
          )}
        </div>
      )}
      {data && (data.next || data.previous) && (
        <nav className="pager" aria-label="Audit log pages">
          <button type="button" className="btn btn-sm" disabled={!data.previous} onClick={() => setFilter('page', String(page - 1))}>
            Newer
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" className="btn btn-sm" disabled={!data.next} onClick={() => setFilter('page', String(page + 1))}>
            Older
          </button>
        </nav>
      )}
    </div>
  );
}
