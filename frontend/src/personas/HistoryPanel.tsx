/** The persona's versions, newest first: who changed which fields when, the before/after of each,
 * and restoring an old version (after a confirm step). */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { restoreVersion, usePersonaVersions, type PersonaVersion } from '../api/personas';
import type { Persona } from '../api/types';
import { Dialog } from '../board/Dialog';
import { fieldLabel, formatValue, previousVersion, saveErrorText, versionDiff } from './EditorModel';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function HistoryPanel({
  persona,
  canEdit,
  onClose,
  onRestored,
  names,
}: {
  persona: Persona;
  canEdit: boolean;
  onClose: () => void;
  onRestored: (persona: Persona) => void;
  names?: (id: string) => string | undefined;
}) {
  const versions = usePersonaVersions(persona.id);
  const list = versions.data ?? [];
  return (
    <Dialog title="History" onClose={onClose} wide>
      <div className="history-panel">
        {versions.isPending ? (
          <p className="muted">Loading versions…</p>
        ) : versions.error ? (
          <p className="form-error">Couldn't load the history: {versions.error.message}</p>
        ) : list.length === 0 ? (
          <p className="muted">No version has been recorded yet.</p>
        ) : (
          <ol className="version-list" aria-label="Versions, newest first">
            {list.map((v) => (
              <VersionRow
                key={v.id}
                version={v}
                previous={previousVersion(list, v)}
                current={v.number === persona.version}
                canEdit={canEdit}
                personaId={persona.id}
                onRestored={onRestored}
                names={names}
              />
            ))}
          </ol>
        )}
      </div>
    </Dialog>
  );
}

function VersionRow({
  version,
  previous,
  current,
  canEdit,
  personaId,
  onRestored,
  names,
}: {
  version: PersonaVersion;
  previous: PersonaVersion | null;
  current: boolean;
  canEdit: boolean;
  personaId: string;
  onRestored: (persona: Persona) => void;
  names?: (id: string) => string | undefined;
}) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fields = version.changed_fields.length ? version.changed_fields.map(fieldLabel).join(', ') : 'created';
  const detailsId = `version-${version.number}-changes`;
  const restore = async () => {
    setBusy(true);
    setError(null);
    try {
      const restored = await restoreVersion(personaId, version.number);
      onRestored(restored);
      setConfirming(false);
      void client.invalidateQueries({ queryKey: ['persona-versions', personaId] });
    } catch (caught) {
      setError(saveErrorText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`version-row ${current ? 'current' : ''}`} data-version={version.number}>
      <div className="version-head">
        <span className="version-number">v{version.number}</span>
        <div className="version-meta">
          <span className="version-fields">{fields}</span>
          <span className="muted">
            {version.created_by ?? 'Someone'} · {when(version.created_at)}
            {current ? ' · current' : ''}
          </span>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide changes' : 'Show changes'}
          <span className="sr-only"> of version {version.number}</span>
        </button>
      </div>
      {open && (
        <table className="diff-table" id={detailsId}>
          <caption className="sr-only">Changes in version {version.number}</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {versionDiff(version, previous).map((c) => (
              <tr key={c.field}>
                <th scope="row">{c.label}</th>
                <td className="diff-before">{previous ? formatValue(c.before, names) : '—'}</td>
                <td className="diff-after">{formatValue(c.after, names)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && !current && (
        <div className="version-restore">
          {confirming ? (
            <div className="confirm-row" role="group" aria-label={`Confirm restoring version ${version.number}`}>
              <span>Restore every field to version {version.number}? This is recorded as a new version.</span>
              <button type="button" className="btn btn-sm btn-primary" disabled={busy} onClick={restore}>
                {busy ? 'Restoring…' : 'Yes, restore'}
              </button>
              <button type="button" className="btn btn-sm" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className="btn btn-sm" onClick={() => setConfirming(true)}>
              Restore this version<span className="sr-only"> ({version.number})</span>
            </button>
          )}
          {error && (
            <p className="form-error" role="alert">
              Couldn't restore: {error}
            </p>
          )}
        </div>
      )}
    </li>
  );
}
