import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { MapState } from '../sync/state';
import type { Op, Peer, PresenceFocus } from '../sync/types';
import { BoardGrid } from './Board';
import { BoardContext, type BoardContextValue, type PeerMark, type Selection } from './BoardContext';
import { useAnalysis } from '../api/analysis';
import { useFeatures } from '../api/queries';
import { boardHeat } from '../analysis/heat';
import { AnalysisPanel } from './AnalysisPanel';
import { DetailPanel } from './DetailPanel';
import { ImportEventsDialog } from './ImportEventsDialog';
import { EditableText } from './EditableText';
import { ExportMenu } from './ExportDialog';
import { HistoryPanel } from './HistoryPanel';
import { Icon } from './icons';
import { tallies as countTallies } from './model';
import { PresenceBar } from './Presence';
import { ShareDialog } from './ShareDialog';
import { ShortcutsDialog } from './ShortcutsDialog';
import type { MapEngineHandle } from './useMapEngine';
import { Logo } from '../app/Logo';

function StatusPill({ status, pending, fatal }: { status: string; pending: number; fatal: string | null }) {
  let label: string;
  let tone: string;
  if (fatal) {
    label = fatal;
    tone = 'bad';
  } else if (status === 'online') {
    label = pending ? `Saving ${pending}…` : 'Live';
    tone = 'good';
  } else if (status === 'syncing' || status === 'connecting' || status === 'loading') {
    label = pending ? `Reconnecting · ${pending} unsent` : 'Connecting…';
    tone = 'wait';
  } else {
    label = pending ? `Offline · ${pending} edit${pending === 1 ? '' : 's'} queued` : 'Offline · reconnecting';
    tone = 'bad';
  }
  return (
    <span className={`status-pill status-${tone}`} role="status" aria-live="polite" data-testid="connection-status" data-status={status}>
      <i aria-hidden="true" />
      {label}
    </span>
  );
}

function PersonaFilter({ state, value, onChange }: { state: MapState; value: string | null; onChange: (v: string | null) => void }) {
  const ids = new Set(state.meta.personas);
  const personas = state.directory.personas.filter((p) => ids.has(p.id));
  if (!personas.length) return null;
  return (
    <div className="persona-filter" role="radiogroup" aria-label="Show persona">
      <button type="button" role="radio" aria-checked={value === null} className={value === null ? 'on' : ''} onClick={() => onChange(null)}>
        All personas
      </button>
      {personas.map((p) => (
        <button
          key={p.id}
          type="button"
          role="radio"
          aria-checked={value === p.id}
          className={value === p.id ? 'on' : ''}
          onClick={() => onChange(value === p.id ? null : p.id)}
        >
          <i className="dot" style={{ background: p.color }} />
          {p.name}
        </button>
      ))}
    </div>
  );
}

export function BoardView({
  handle,
  meId,
  readOnly,
  banner,
  share,
}: {
  handle: MapEngineHandle;
  meId: string | null;
  readOnly: boolean;
  banner?: ReactNode;
  /** The share token of a read-only link view, for the API reads it makes. */
  share?: string;
}) {
  const { snapshot, engine, undo } = handle;
  const state = snapshot.view!;
  const [persona, setPersona] = useState<string | null>(null);
  const [selected, setSelected] = useState<Selection | null>(null);
  const [editRequest, setEditRequest] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<string | null>(null);
  const [panel, setPanel] = useState<'history' | 'analysis' | null>(null);
  const [sharing, setSharing] = useState(false);
  const [importing, setImporting] = useState(false);
  const [analysisPersona, setAnalysisPersona] = useState<string | null>(null);
  // null: the default, on once the map has observed transitions; then the person's choice.
  const [heatChoice, setHeatChoice] = useState<boolean | null>(null);
  const [helping, setHelping] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const announceTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const announce = useCallback((message: string) => {
    setAnnouncement(message);
    if (announceTimer.current) clearTimeout(announceTimer.current);
    announceTimer.current = setTimeout(() => setAnnouncement(''), 5000);
  }, []);

  useEffect(() => {
    // Escape closes the side panel (text fields handle their own Escape first).
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (target?.closest('dialog')) return;
      setPanel(null);
      setSelected(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const myClient = snapshot.you?.client_id ?? null;
  const peerFocus = useMemo(() => {
    const marks = new Map<string, PeerMark>();
    for (const peer of snapshot.peers as Peer[]) {
      // Only other connections outline what they edit (another tab of mine counts).
      if (!peer.focus || (myClient ? peer.client_id === myClient : meId && peer.user?.id === meId)) continue;
      marks.set(peer.focus.id, { name: peer.user?.name || 'Guest', color: peer.color || '#f59e0b' });
    }
    return marks;
  }, [snapshot.peers, meId, myClient]);

  useEffect(() => setAnalysisPersona(persona), [persona]);
  const observed = useMemo(
    () => Object.values(state.items.transition).some((t) => Number(t.count) > 0),
    [state.items.transition],
  );
  const showHeat = heatChoice ?? observed;
  // A burst of edits (typing, dragging) asks for one analysis, not one per change.
  const [analysisSeq, setAnalysisSeq] = useState(state.seq);
  useEffect(() => {
    const timer = setTimeout(() => setAnalysisSeq(state.seq), 600);
    return () => clearTimeout(timer);
  }, [state.seq]);
  const analysis = useAnalysis(state.meta.id, {
    persona: analysisPersona,
    seq: analysisSeq,
    enabled: panel === 'analysis' || showHeat,
    share,
  });
  const heat = useMemo(() => (showHeat && analysis.data ? boardHeat(analysis.data) : null), [showHeat, analysis.data]);

  const tallies = useMemo(() => countTallies(state, meId), [state, meId]);
  const channels = useMemo(() => new Map(state.directory.channels.map((c) => [c.id, c])), [state.directory]);
  const personas = useMemo(() => new Map(state.directory.personas.map((p) => [p.id, p])), [state.directory]);
  // A share link reads no workspace records: its document has no workspace, so no query.
  const workspaceFeatures = useFeatures(share ? undefined : state.meta.workspace || undefined);
  const features = useMemo(() => new Map((workspaceFeatures.data ?? []).map((f) => [f.id, f])), [workspaceFeatures.data]);

  const value: BoardContextValue = {
    state,
    readOnly,
    meId,
    perform: (ops: Op[], label?: string) => {
      handle.perform(ops, label);
    },
    setFocus: (focus: PresenceFocus | null) => engine.setFocus(focus),
    peerFocus,
    flash: handle.flash,
    persona,
    tallies,
    selected,
    select: (selection: Selection | null) => {
      // Details take the side from the analysis (history keeps it, as before).
      if (selection && panel === 'analysis') setPanel(null);
      setSelected(selection);
    },
    channels,
    personas,
    features,
    editRequest,
    requestEdit: setEditRequest,
    focusRequest,
    requestFocus: setFocusRequest,
    announce,
    votesLeft: Math.max(0, state.meta.votes_per_user - tallies.myVoteCount),
    heat,
  };

  const side = panel === 'history' ? (
    <HistoryPanel mapId={state.meta.id} onClose={() => setPanel(null)} />
  ) : panel === 'analysis' ? (
    <AnalysisPanel
      query={analysis}
      persona={analysisPersona}
      onPersona={setAnalysisPersona}
      showOnBoard={showHeat}
      onShowOnBoard={setHeatChoice}
      onClose={() => setPanel(null)}
    />
  ) : selected ? (
    <DetailPanel />
  ) : null;

  return (
    <BoardContext.Provider value={value}>
      <div className={`board-page ${side ? 'with-side' : ''}`}>
        <header className="board-bar">
          <div className="board-bar-left">
            {readOnly ? (
              <span className="brand small">
                <Logo size={24} />
              </span>
            ) : (
              <Link to="/" className="icon-btn back" aria-label="Back to all maps">
                <Icon name="back" size={18} />
              </Link>
            )}
            <div className="board-title">
              <h1>
                <EditableText
                  value={state.meta.title}
                  label="Map title"
                  focus={{ entity: 'map', id: state.meta.id, field: 'title' }}
                  maxLength={200}
                  onCommit={(title) =>
                    handle.perform([{ action: 'update', entity: 'map', id: state.meta.id, fields: { title } }], 'rename map')
                  }
                />
              </h1>
            </div>
            <PersonaFilter state={state} value={persona} onChange={setPersona} />
          </div>
          <div className="board-bar-right">
            {!readOnly && (
              <div className="btn-group" role="group" aria-label="Undo and redo">
                <button type="button" className="icon-btn" aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl+Z)" disabled={!undo.canUndo} onClick={() => undo.undo()}>
                  <Icon name="undo" size={17} />
                </button>
                <button type="button" className="icon-btn" aria-label="Redo (Ctrl+Shift+Z)" title="Redo (Ctrl+Shift+Z)" disabled={!undo.canRedo} onClick={() => undo.redo()}>
                  <Icon name="redo" size={17} />
                </button>
              </div>
            )}
            {!readOnly && (
              <span className="votes-left" title="Dot votes you have left on this map" data-testid="votes-left">
                <span className="dots" aria-hidden="true">
                  {Array.from({ length: Math.min(state.meta.votes_per_user, 10) }).map((_, i) => (
                    <i key={i} className={i < value.votesLeft ? 'on' : ''} />
                  ))}
                </span>
                {value.votesLeft} vote{value.votesLeft === 1 ? '' : 's'} left
              </span>
            )}
            <PresenceBar peers={snapshot.peers} meId={meId} myClient={myClient} />
            <StatusPill status={snapshot.status} pending={snapshot.pendingCount} fatal={snapshot.fatal} />
            <button
              type="button"
              className={`icon-btn ${panel === 'analysis' ? 'on' : ''}`}
              aria-label="Analysis"
              aria-pressed={panel === 'analysis'}
              title="Journey analysis"
              onClick={() => {
                setSelected(null);
                setPanel(panel === 'analysis' ? null : 'analysis');
              }}
            >
              <Icon name="analysis" size={17} />
            </button>
            {!share && (
              <ExportMenu
                mapId={state.meta.id}
                title={state.meta.title}
                personas={state.directory.personas.filter((p) => state.meta.personas.includes(p.id))}
              />
            )}
            {!readOnly && (
              <>
                <button type="button" className="icon-btn" aria-label="Import events" title="Import an event log" onClick={() => setImporting(true)}>
                  <Icon name="upload" size={17} />
                </button>
                <Link to={`/maps/${state.meta.id}/graph/`} className="icon-btn" aria-label="Journey graph" title="Journey graph">
                  <Icon name="graph" size={17} />
                </Link>
                <Link to={`/maps/${state.meta.id}/content/`} className="icon-btn" aria-label="Content by channel" title="Content × channel matrix">
                  <Icon name="matrix" size={17} />
                </Link>
                <button type="button" className="icon-btn" aria-label="Keyboard shortcuts" title="Keyboard shortcuts" onClick={() => setHelping(true)}>
                  <span aria-hidden="true" className="kbd-icon">?</span>
                </button>
                <button type="button" className={`icon-btn ${panel === 'history' ? 'on' : ''}`} aria-label="History" title="History and versions" onClick={() => setPanel(panel === 'history' ? null : 'history')}>
                  <Icon name="history" size={17} />
                </button>
                <button type="button" className="btn btn-primary btn-sm" onClick={() => setSharing(true)}>
                  <Icon name="share" size={15} /> Share
                </button>
              </>
            )}
          </div>
        </header>
        {banner}
        <div className="board-body">
          <div className="board-scroll">
            <BoardGrid />
          </div>
          {side}
        </div>
        <div className="toasts" aria-live="assertive">
          {handle.toasts.map((t) => (
            <div key={t.id} className={`toast toast-${t.tone}`} role="alert">
              {t.text}
              <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => handle.dismiss(t.id)}>
                <Icon name="close" size={14} />
              </button>
            </div>
          ))}
          {announcement && (
            <div className="toast toast-info" key="announce">
              {announcement}
            </div>
          )}
        </div>
        <div className="sr-only" aria-live="polite">
          {announcement}
        </div>
        {sharing && <ShareDialog mapId={state.meta.id} onClose={() => setSharing(false)} />}
        {helping && <ShortcutsDialog onClose={() => setHelping(false)} />}
        {importing && <ImportEventsDialog onClose={() => setImporting(false)} />}
      </div>
    </BoardContext.Provider>
  );
}
