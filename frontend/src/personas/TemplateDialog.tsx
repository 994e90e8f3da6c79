/** The workspace's persona template: which sections show, in which order. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { saveTemplate, type TemplateSection } from '../api/personas';
import { Dialog } from '../board/Dialog';
import { moveItem, saveErrorText } from './EditorModel';

export function TemplateDialog({
  workspace,
  sections,
  onClose,
}: {
  workspace: string;
  sections: TemplateSection[];
  onClose: () => void;
}) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(sections);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await saveTemplate(
        workspace,
        draft.map((s) => ({ key: s.key, visible: s.visible })),
      );
      client.setQueryData(['persona-template', workspace], saved);
      onClose();
    } catch (caught) {
      setError(saveErrorText(caught));
      setBusy(false);
    }
  };
  const move = (index: number, to: number) => {
    setDraft(moveItem(draft, index, to));
    // Keep the focus on the moved row's button (the row moved, the button with it).
    requestAnimationFrame(() => {
      const row = document.querySelector<HTMLElement>(`[data-section="${draft[index]?.key}"]`);
      const buttons = row ? [...row.querySelectorAll<HTMLButtonElement>('button')] : [];
      const want = buttons.find((b) => b.dataset.dir === (to < index ? 'up' : 'down') && !b.disabled);
      (want ?? buttons.find((b) => !b.disabled))?.focus();
    });
  };
  return (
    <Dialog title="Persona sections" onClose={onClose}>
      <p className="muted">
        Choose which sections every persona of this workspace shows, and their order. The header (name, photo, tier,
        colour, bio, owner and review cadence) always shows.
      </p>
      <ol className="template-list" aria-label="Sections in display order">
        {draft.map((s, i) => (
          <li key={s.key} data-section={s.key} className={s.visible ? '' : 'hidden-section'}>
            <label className="template-toggle">
              <input
                type="checkbox"
                checked={s.visible}
                onChange={() => setDraft(draft.map((d) => (d.key === s.key ? { ...d, visible: !d.visible } : d)))}
              />
              <span>{s.label}</span>
              <span className="sr-only">{s.visible ? ' (shown)' : ' (hidden)'}</span>
            </label>
            <span className="template-moves">
              <button
                type="button"
                className="icon-btn icon-btn-sm"
                data-dir="up"
                aria-label={`Move ${s.label} up`}
                disabled={i === 0}
                onClick={() => move(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-btn icon-btn-sm"
                data-dir="down"
                aria-label={`Move ${s.label} down`}
                disabled={i === draft.length - 1}
                onClick={() => move(i, i + 1)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      {error && (
        <p className="form-error" role="alert">
          Couldn't save the sections: {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={save}>
          {busy ? 'Saving…' : 'Save sections'}
        </button>
      </div>
    </Dialog>
  );
}
