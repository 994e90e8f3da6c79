import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { api } from '../api/http';
import { eventsPath, uploadEvents, type EventImport } from '../api/analysis';
import { formatCount } from '../analysis/format';
import { useBoard } from './BoardContext';
import { Dialog } from './Dialog';
import { Icon } from './icons';
import { stages } from './model';

const POLL_MS = 700;

function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

function createdCount(report: EventImport['report']): number {
  const created = report?.created_touchpoints;
  return Array.isArray(created) ? created.length : Number(created ?? 0);
}

/** What one import did, or why it did nothing. */
export function ImportReportView({ item }: { item: EventImport }) {
  const report = item.report ?? {};
  if (item.status === 'running') {
    const p = item.progress;
    const pct = p?.total_bytes ? Math.min(100, Math.round(((p.bytes ?? 0) / p.total_bytes) * 100)) : null;
    return (
      <div className="import-progress" role="status" aria-live="polite">
        <div className="progress" aria-hidden="true">
          <i style={{ width: `${pct ?? 15}%` }} className={pct === null ? 'indeterminate' : ''} />
        </div>
        <span>
          {p ? `${p.phase[0]?.toUpperCase()}${p.phase.slice(1)}… ${formatCount(p.rows)} rows` : 'Starting…'}
          {pct !== null ? ` · ${pct}%` : ''}
        </span>
      </div>
    );
  }
  const errors = report.errors ?? [];
  const unknown = report.unknown_touchpoints ?? [];
  return (
    <div className={`import-report ${item.status}`} data-testid="import-report">
      {item.status === 'failed' ? (
        <p className="form-error" role="alert">
          Not imported: {report.detail ?? 'the import failed'}
        </p>
      ) : (
        <p className="import-ok" role="status">
          <Icon name="check" size={15} /> Imported {item.filename}
        </p>
      )}
      {item.status === 'done' && (
        <dl className="import-stats">
          <div>
            <dt>Rows</dt>
            <dd>{formatCount(report.rows ?? 0)}</dd>
          </div>
          <div>
            <dt>Cases</dt>
            <dd>{formatCount(report.cases ?? 0)}</dd>
          </div>
          <div>
            <dt>Transitions</dt>
            <dd>{formatCount(report.transitions ?? 0)}</dd>
          </div>
          <div>
            <dt>Changed</dt>
            <dd>{formatCount(report.transitions_changed ?? 0)}</dd>
          </div>
          {createdCount(item.report) > 0 && (
            <div>
              <dt>New touchpoints</dt>
              <dd>{createdCount(item.report)}</dd>
            </div>
          )}
        </dl>
      )}
      {unknown.length > 0 && (
        <div>
          <h4>Not on the map ({unknown.length})</h4>
          <ul className="import-unknown">
            {unknown.slice(0, 12).map((u) => (
              <li key={u.name}>
                <span>{u.name}</span> <span className="muted">{formatCount(u.events)} events</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {errors.length > 0 && (
        <div>
          <h4>Errors by line</h4>
          <table className="mini-table">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {errors.slice(0, 20).map((e, i) => (
                <tr key={i}>
                  <td>{e.line}</td>
                  <td>{e.column}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Upload an event log (CSV of case_id, touchpoint, timestamp…); its counts become the
 * map's transitions, which reach every open board as a live patch. */
export function ImportEventsDialog({ onClose }: { onClose: () => void }) {
  const board = useBoard();
  const mapId = board.state.meta.id;
  const client = useQueryClient();
  const inputId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [over, setOver] = useState(false);
  const [createIn, setCreateIn] = useState<string>('');
  const [current, setCurrent] = useState<string | null>(null);

  const list = useQuery({
    queryKey: ['event-imports', mapId],
    queryFn: () => api<EventImport[] | { results: EventImport[] }>(eventsPath(mapId)),
    select: (data) => (Array.isArray(data) ? data : data.results),
  });
  const running = useQuery({
    queryKey: ['event-import', mapId, current],
    queryFn: () => api<EventImport>(eventsPath(mapId, current!)),
    enabled: Boolean(current),
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? POLL_MS : false),
  });
  const done = running.data && running.data.status !== 'running';
  useEffect(() => {
    if (!done) return;
    void client.invalidateQueries({ queryKey: ['event-imports', mapId] });
    // The counts arrive as a patch (a new seq), but timings and event names come with the
    // finished import, possibly after that patch: read the analysis again.
    void client.invalidateQueries({ queryKey: ['analysis', mapId] });
  }, [done, client, mapId]);

  const upload = useMutation({
    mutationFn: (chosen: File) => uploadEvents(mapId, chosen, { createMissingIn: createIn || null }),
    onSuccess: ({ body }) => {
      client.setQueryData(['event-import', mapId, body.id], body);
      setCurrent(body.id);
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
      void client.invalidateQueries({ queryKey: ['event-imports', mapId] });
    },
  });
  const remove = useMutation({
    mutationFn: (item: EventImport) => api(eventsPath(mapId, item.id), { method: 'DELETE' }),
    onSuccess: (_d, item) => {
      if (item.id === current) setCurrent(null);
      void client.invalidateQueries({ queryKey: ['event-imports', mapId] });
      void client.invalidateQueries({ queryKey: ['analysis', mapId] });
      board.announce(`Removed the import of ${item.filename}; its counts are taken out.`);
    },
  });

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  }

  const earlier = (list.data ?? []).filter((item) => item.id !== current);
  const shown = running.data ?? null;
  return (
    <Dialog title="Import events" onClose={onClose} wide>
      <p className="muted">
        A CSV with one event a row: <code>case_id</code>, <code>touchpoint</code> (a touchpoint's title or id) and{' '}
        <code>timestamp</code>, optionally <code>persona</code> and <code>channel</code>. The steps customers took
        become the map's transition counts, live for everyone on the board.
      </p>
      <div
        className={`dropzone ${over ? 'over' : ''} ${file ? 'has-file' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="event-dropzone"
      >
        <Icon name="upload" size={26} />
        {file ? (
          <p>
            <strong>{file.name}</strong> <span className="muted">· {bytes(file.size)}</span>
          </p>
        ) : (
          <p>Drop a CSV file here, or</p>
        )}
        <label htmlFor={inputId} className="btn btn-sm">
          Choose a file…
        </label>
        <input
          id={inputId}
          ref={fileRef}
          className="sr-only"
          type="file"
          accept=".csv,text/csv"
          aria-label="Event log file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <div className="import-options">
        <label className="field-inline">
          <span>Events naming no touchpoint</span>
          <select value={createIn} onChange={(e) => setCreateIn(e.target.value)} aria-label="Create missing touchpoints in stage">
            <option value="">Leave out (listed in the report)</option>
            {stages(board.state).map((s) => (
              <option key={s.id} value={s.id}>
                Create missing touchpoints in “{String(s.name)}”
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!file || upload.isPending || shown?.status === 'running'}
          onClick={() => file && upload.mutate(file)}
        >
          {upload.isPending ? 'Uploading…' : 'Import'}
        </button>
      </div>
      {upload.error && (
        <p className="form-error" role="alert">
          {upload.error.message}
        </p>
      )}
      {shown && <ImportReportView item={shown} />}
      <h3 className="imports-head">Earlier imports</h3>
      {list.isPending && <p className="muted">Loading…</p>}
      {earlier.length === 0 && !list.isPending && <p className="muted small">None yet.</p>}
      <ul className="import-list">
        {earlier.map((item) => (
          <li key={item.id}>
            <div>
              <strong>{item.filename}</strong>{' '}
              <span className={`import-status ${item.status}`}>{item.status}</span>
              <div className="muted small">
                {item.created_by?.name ? `${item.created_by.name} · ` : ''}
                {when(item.created_at)}
                {item.status === 'done' && item.report
                  ? ` · ${formatCount(item.report.rows ?? 0)} rows, ${formatCount(item.report.cases ?? 0)} cases`
                  : ''}
              </div>
            </div>
            <button
              type="button"
              className="btn btn-sm btn-danger"
              disabled={item.status === 'running' || remove.isPending}
              aria-label={`Delete the import of ${item.filename}`}
              onClick={() => remove.mutate(item)}
            >
              <Icon name="trash" size={14} /> Delete
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
