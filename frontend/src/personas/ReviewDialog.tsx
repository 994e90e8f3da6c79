/** "Mark reviewed…": first what changed since the last review, then an optional note. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { markReviewed, useSinceReview } from '../api/personas';
import type { Persona } from '../api/types';
import { Dialog } from '../board/Dialog';
import { fieldLabel, formatValue, saveErrorText } from './EditorModel';

function formatDay(iso: string): string {
  return new Date(iso.length === 10 ? `${iso}T12:00:00` : iso).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

export function ReviewDialog({
  persona,
  onClose,
  onReviewed,
  names,
}: {
  persona: Persona;
  onClose: () => void;
  onReviewed: (persona: Persona) => void;
  names?: (id: string) => string | undefined;
}) {
  const client = useQueryClient();
  const since = useSinceReview(persona.id);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const data = since.data;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const updated = await markReviewed(persona.id, note);
      onReviewed(updated);
      void client.invalidateQueries({ queryKey: ['persona-reviews', persona.id] });
      void client.invalidateQueries({ queryKey: ['persona-since-review', persona.id] });
      void client.invalidateQueries({ queryKey: ['personas', persona.workspace] });
      onClose();
    } catch (caught) {
      setError(saveErrorText(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Review ${persona.name}`} onClose={onClose} wide>
      <div className="review-dialog">
        <section aria-labelledby="since-review-heading">
          <h3 id="since-review-heading">
            {data?.last_review
              ? `Since the last review (${formatDay(data.last_review.reviewed_on)}${data.last_review.reviewed_by ? `, ${data.last_review.reviewed_by}` : ''})`
              : 'Since the persona was created (never reviewed)'}
          </h3>
          {since.isPending ? (
            <p className="muted">Loading what changed…</p>
          ) : since.error ? (
            <p className="form-error">Couldn't load what changed: {since.error.message}</p>
          ) : data ? (
            <>
              <ul className="review-counts">
                <li>
                  <strong>{data.versions}</strong> edit{data.versions === 1 ? '' : 's'}
                </li>
                <li>
                  <strong>{data.new_evidence}</strong> new evidence item{data.new_evidence === 1 ? '' : 's'}
                </li>
                <li>
                  <strong>{data.new_interviews}</strong> new interview{data.new_interviews === 1 ? '' : 's'}
                </li>
              </ul>
              {data.changes.length === 0 ? (
                <p className="muted">No field has changed.</p>
              ) : (
                <table className="diff-table">
                  <caption className="sr-only">Fields changed since the last review</caption>
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">Before</th>
                      <th scope="col">Now</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.changes.map((c) => (
                      <tr key={c.field}>
                        <th scope="row">{fieldLabel(c.field)}</th>
                        <td className="diff-before">{formatValue(c.before, names)}</td>
                        <td className="diff-after">{formatValue(c.after, names)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          ) : null}
        </section>
        <div className="field">
          <label htmlFor="review-note" className="editor-label">
            Review note (optional)
          </label>
          <textarea
            id="review-note"
            rows={3}
            maxLength={2000}
            value={note}
            placeholder="What did you check? e.g. “Compared with the Q3 interviews; goals still hold.”"
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
        {error && (
          <p className="form-error" role="alert">
            Couldn't mark reviewed: {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={submit}>
            {busy ? 'Saving…' : 'Mark reviewed'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
