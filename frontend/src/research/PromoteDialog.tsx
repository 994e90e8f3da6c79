import { useState } from 'react';
import type { Persona } from '../api/types';
import type { PromoteField } from '../api/research';
import { Dialog } from '../board/Dialog';
import { PROMOTE_TARGETS } from './logic';

export interface PromoteRequest {
  /** Where the text came from, e.g. the question. */
  source: string;
  text: string;
}

/** Choose a persona and where on it the text goes; the text stays editable. */
export function PromoteDialog({
  request,
  personas,
  linked,
  initialPersona,
  busy,
  error,
  onPromote,
  onClose,
}: {
  request: PromoteRequest;
  personas: Persona[];
  linked: string[];
  initialPersona: string;
  busy: boolean;
  error?: string;
  onPromote: (body: { persona: string; field: PromoteField; text: string }) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(request.text);
  const [persona, setPersona] = useState(initialPersona);
  const [field, setField] = useState<PromoteField>('quotes');
  const ordered = [...personas].sort((a, b) => Number(linked.includes(b.id)) - Number(linked.includes(a.id)));
  const groups = ['Persona', 'Empathy map'] as const;
  return (
    <Dialog title="Promote to a persona" onClose={onClose} wide>
      <form
        className="stack promote-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!persona || !text.trim()) return;
          onPromote({ persona, field, text: text.trim() });
        }}
      >
        <p className="muted small promote-source">From “{request.source}”</p>
        <div className="field">
          <label htmlFor="promote-text">Text</label>
          <textarea id="promote-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="promote-persona">Persona</label>
          <select id="promote-persona" value={persona} onChange={(e) => setPersona(e.target.value)} required>
            {ordered.length === 0 && <option value="">No personas in this workspace</option>}
            {ordered.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {linked.includes(p.id) ? ' (linked)' : ''}
              </option>
            ))}
          </select>
        </div>
        {groups.map((group) => (
          <fieldset key={group} className="field promote-targets">
            <legend>{group === 'Persona' ? 'Add as' : 'Or to the empathy map'}</legend>
            <div className="chip-row">
              {PROMOTE_TARGETS.filter((t) => t.group === group).map((t) => (
                <label key={t.field} className={`chip chip-toggle ${field === t.field ? 'on' : ''}`}>
                  <input
                    type="radio"
                    name="promote-field"
                    value={t.field}
                    checked={field === t.field}
                    onChange={() => setField(t.field)}
                  />
                  {t.label}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !persona || !text.trim()}>
            {busy ? 'Promoting…' : 'Promote'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
