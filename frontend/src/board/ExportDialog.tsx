import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import {
  EXPORT_SECTIONS,
  downloadExport,
  exportFilename,
  mapExportPath,
  type ExportSection,
  type MapExportFormat,
  type Paper,
} from '../api/exports';
import type { DirectoryPersona } from '../sync/types';
import { Dialog } from './Dialog';

export function DownloadIcon({ size = 15 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d="M12 4v11" />
      <path d="m7 10 5 5 5-5" />
      <path d="M5 20h14" />
    </svg>
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'The export failed.';
}

/** The PDF report's options: paper, personas, sections; downloads and shows any refusal. */
export function ExportDialog({
  mapId,
  title,
  personas,
  share,
  onClose,
}: {
  mapId: string;
  title: string;
  personas: DirectoryPersona[];
  share?: string;
  onClose: () => void;
}) {
  const [paper, setPaper] = useState<Paper>('a4');
  const [chosenPersonas, setChosenPersonas] = useState<Set<string>>(() => new Set(personas.map((p) => p.id)));
  const [sections, setSections] = useState<Set<ExportSection>>(() => new Set(EXPORT_SECTIONS.map((s) => s.id)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const errorId = useId();
  useEffect(() => () => abort.current?.abort(), []);

  const toggle = <T,>(set: Set<T>, value: T, on: boolean): Set<T> => {
    const next = new Set(set);
    if (on) next.add(value);
    else next.delete(value);
    return next;
  };

  const problem =
    sections.size === 0
      ? 'Choose at least one section.'
      : personas.length > 0 && chosenPersonas.size === 0
        ? 'Choose at least one persona.'
        : null;

  const submit = async () => {
    if (problem || busy) return;
    setBusy(true);
    setError(null);
    setDone(false);
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const all = chosenPersonas.size === personas.length;
    const path = mapExportPath(mapId, 'pdf', {
      paper,
      personas: all ? undefined : personas.filter((p) => chosenPersonas.has(p.id)).map((p) => p.id),
      sections: EXPORT_SECTIONS.map((s) => s.id).filter((id) => sections.has(id)),
    });
    try {
      await downloadExport(path, exportFilename(title, 'pdf'), { share, signal: controller.signal });
      setDone(true);
    } catch (caught) {
      if ((caught as Error).name !== 'AbortError') setError(errorText(caught));
    } finally {
      if (abort.current === controller) {
        abort.current = null;
        setBusy(false);
      }
    }
  };

  return (
    <Dialog title="Export a PDF report" onClose={onClose}>
      <form
        className="export-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        aria-describedby={error ? errorId : undefined}
      >
        <fieldset className="export-fieldset">
          <legend>Paper</legend>
          <div className="export-choices export-choices-row">
            {(['a4', 'a3'] as const).map((size) => (
              <label key={size} className="export-choice">
                <input type="radio" name="paper" value={size} checked={paper === size} onChange={() => setPaper(size)} />
                {size.toUpperCase()} landscape
                <span className="muted"> · {size === 'a4' ? '6' : '9'} stages a page</span>
              </label>
            ))}
          </div>
        </fieldset>
        {personas.length > 0 && (
          <fieldset className="export-fieldset">
            <legend>Personas</legend>
            <div className="export-choices">
              {personas.map((p) => (
                <label key={p.id} className="export-choice">
                  <input
                    type="checkbox"
                    checked={chosenPersonas.has(p.id)}
                    onChange={(e) => setChosenPersonas(toggle(chosenPersonas, p.id, e.target.checked))}
                  />
                  <i className="dot" style={{ background: p.color }} aria-hidden="true" />
                  {p.name}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <fieldset className="export-fieldset">
          <legend>Sections</legend>
          <div className="export-choices export-choices-grid">
            {EXPORT_SECTIONS.map((s) => (
              <label key={s.id} className="export-choice">
                <input
                  type="checkbox"
                  name="sections"
                  value={s.id}
                  checked={sections.has(s.id)}
                  onChange={(e) => setSections(toggle(sections, s.id, e.target.checked))}
                />
                {s.label}
              </label>
            ))}
          </div>
        </fieldset>
        {problem && <p className="form-hint">{problem}</p>}
        {error && (
          <p className="form-error" role="alert" id={errorId}>
            {error}
          </p>
        )}
        {done && !error && (
          <p className="export-done" role="status">
            The report was downloaded.
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {done ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || problem !== null}>
            <DownloadIcon />
            {busy ? 'Preparing the PDF…' : 'Download PDF'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const MENU_ITEMS: { fmt: MapExportFormat; label: string; hint: string }[] = [
  { fmt: 'pdf', label: 'PDF report…', hint: 'Choose paper, personas and sections' },
  { fmt: 'png', label: 'PNG image', hint: 'The first page of the map grid' },
  { fmt: 'csv', label: 'CSV spreadsheet', hint: 'Every item on the map' },
];

/** "Export" on the board toolbar: a menu button (PDF…, PNG, CSV). */
export function ExportMenu({
  mapId,
  title,
  personas,
  share,
}: {
  mapId: string;
  title: string;
  personas: DirectoryPersona[];
  share?: string;
}) {
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState(false);
  const [working, setWorking] = useState<MapExportFormat | null>(null);
  const [notice, setNotice] = useState<{ tone: 'error' | 'ok'; text: string } | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();
  const buttonId = useId();

  useEffect(() => {
    if (!open) return;
    items.current[0]?.focus();
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  useEffect(() => {
    if (notice?.tone !== 'ok') return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const choose = async (fmt: MapExportFormat) => {
    close();
    if (fmt === 'pdf') {
      setDialog(true);
      return;
    }
    setWorking(fmt);
    setNotice(null);
    try {
      await downloadExport(mapExportPath(mapId, fmt), exportFilename(title, fmt), { share });
      setNotice({ tone: 'ok', text: `${fmt.toUpperCase()} downloaded.` });
    } catch (caught) {
      setNotice({ tone: 'error', text: `${fmt.toUpperCase()} export failed: ${errorText(caught)}` });
    } finally {
      setWorking(null);
    }
  };

  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const list = items.current.filter((el): el is HTMLButtonElement => el !== null);
    const index = list.indexOf(document.activeElement as HTMLButtonElement);
    let next: number | null = null;
    if (event.key === 'ArrowDown') next = (index + 1) % list.length;
    else if (event.key === 'ArrowUp') next = (index - 1 + list.length) % list.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = list.length - 1;
    else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    } else if (event.key === 'Tab') {
      close(false);
      return;
    }
    if (next !== null) {
      event.preventDefault();
      list[next]?.focus();
    }
  };

  return (
    <div className="export-menu" ref={root}>
      <button
        ref={button}
        id={buttonId}
        type="button"
        className="btn btn-sm"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={working !== null}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <DownloadIcon />
        {working ? `Exporting ${working.toUpperCase()}…` : 'Export'}
      </button>
      {open && (
        <div className="export-menu-list" role="menu" id={menuId} aria-labelledby={buttonId} onKeyDown={onMenuKey}>
          {MENU_ITEMS.map((item, i) => (
            <button
              key={item.fmt}
              ref={(el) => {
                items.current[i] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="export-menu-item"
              onClick={() => void choose(item.fmt)}
            >
              <span className="export-menu-label">{item.label}</span>
              <span className="export-menu-hint" aria-hidden="true">
                {item.hint}
              </span>
            </button>
          ))}
        </div>
      )}
      {notice && (
        <div className={`export-notice export-notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}
      {dialog && <ExportDialog mapId={mapId} title={title} personas={personas} share={share} onClose={() => setDialog(false)} />}
    </div>
  );
}
