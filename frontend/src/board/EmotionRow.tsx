import { useState, type KeyboardEvent } from 'react';
import type { Row } from '../sync/types';
import { useBoard } from './BoardContext';
import { Face, scoreLabel } from './Face';
import { Icon } from './icons';
import { curvePersonas, newId } from './model';
import { DISAGREEMENT_TEXT, disagreements, type Disagreement } from '../analysis/flags';
import { formatCount, formatPct } from '../analysis/format';

export const ROW_HEIGHT = 168;
const PAD = 22;

function yFor(score: number): number {
  return PAD + ((3 - score) / 6) * (ROW_HEIGHT - PAD * 2);
}

/** A smooth path through the points (Catmull-Rom turned into cubic Béziers). */
function smoothPath(points: [number, number][]): string {
  if (points.length === 0) return '';
  if (points.length === 1) return `M${points[0]![0]},${points[0]![1]}`;
  let d = `M${points[0]![0]},${points[0]![1]}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[i - 1] ?? points[i]!;
    const p1 = points[i]!;
    const p2 = points[i + 1]!;
    const p3 = points[i + 2] ?? p2;
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += ` C${c1[0]},${c1[1]} ${c2[0]},${c2[1]} ${p2[0]},${p2[1]}`;
  }
  return d;
}

interface Point {
  stage: Row;
  index: number;
  score: number;
  explicit: Row | null; // the EmotionPoint, when there is one
}

/**
 * The emotion curve: one line per persona across the stages. A stage without an explicit
 * point takes the average feeling of that persona's touchpoints there (drawn hollow).
 */
export function EmotionRow({ stageList, columnWidth }: { stageList: Row[]; columnWidth: number }) {
  const board = useBoard();
  const [open, setOpen] = useState<{ persona: string; stage: string } | null>(null);
  const shown = curvePersonas(board.state).filter((p) => !board.persona || p === board.persona);
  const active = board.persona ?? shown[0] ?? null;
  const width = stageList.length * columnWidth;
  const emotions = Object.values(board.state.items.emotion);
  const touchpoints = Object.values(board.state.items.touchpoint);

  function pointsFor(persona: string): Point[] {
    const points: Point[] = [];
    stageList.forEach((stage, index) => {
      const explicit = emotions.find((e) => e.stage === stage.id && e.persona === persona) ?? null;
      if (explicit) {
        points.push({ stage, index, score: Number(explicit.score), explicit });
        return;
      }
      const felt = touchpoints.filter((t) => t.stage === stage.id && t.persona === persona);
      if (felt.length) {
        const avg = felt.reduce((sum, t) => sum + Number(t.emotion ?? 0), 0) / felt.length;
        points.push({ stage, index, score: avg, explicit: null });
      }
    });
    return points;
  }

  function setScore(persona: string, stage: Row, score: number) {
    const clamped = Math.max(-3, Math.min(3, Math.round(score)));
    const existing = emotions.find((e) => e.stage === stage.id && e.persona === persona);
    if (existing) {
      if (Number(existing.score) === clamped) return;
      board.perform([{ action: 'update', entity: 'emotion', id: existing.id, fields: { score: clamped } }], 'emotion');
    } else {
      board.perform(
        [{ action: 'create', entity: 'emotion', id: newId(), fields: { stage: stage.id, persona, score: clamped } }],
        'emotion',
      );
    }
    const name = board.personas.get(persona)?.name ?? 'Persona';
    board.announce(`${name} feels ${clamped > 0 ? '+' : ''}${clamped} at ${String(stage.name)}.`);
  }

  function onPointKey(event: KeyboardEvent, persona: string, point: Point) {
    if (board.readOnly) return;
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      setScore(persona, point.stage, point.score + (event.key === 'ArrowUp' ? 1 : -1));
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setOpen({ persona, stage: point.stage.id });
    } else if (event.key === 'Escape') {
      setOpen(null);
    }
  }

  const cx = (index: number) => index * columnWidth + columnWidth / 2;
  const heat = board.heat;
  // The stage's feeling: the mean over the curves drawn, explicit points or derived ones.
  const feelings = new Map<string, number[]>();
  for (const persona of shown) {
    for (const point of pointsFor(persona)) {
      feelings.set(point.stage.id, [...(feelings.get(point.stage.id) ?? []), point.score]);
    }
  }
  const readings = stageList.map((stage) => {
    const scores = feelings.get(stage.id);
    const flow = heat?.stages.get(stage.id);
    return {
      stage: stage.id,
      emotion: scores?.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      lostPct: flow?.lostPct ?? 0,
      inflow: flow?.inflow ?? 0,
    };
  });
  const flags: Map<string, Disagreement> = heat ? disagreements(readings, heat.observed) : new Map();
  return (
    <>
    <div className="emotion-row" style={{ width, height: ROW_HEIGHT }} role="group" aria-label="Emotion curve">
      <svg width={width} height={ROW_HEIGHT} className="emotion-svg" aria-hidden="true">
        <rect x={0} y={yFor(3)} width={width} height={yFor(0) - yFor(3)} className="band-good" />
        <rect x={0} y={yFor(0)} width={width} height={yFor(-3) - yFor(0)} className="band-bad" />
        <line x1={0} x2={width} y1={yFor(0)} y2={yFor(0)} className="baseline" />
        {shown.map((persona) => {
          const color = board.personas.get(persona)?.color ?? '#6366f1';
          const pts = pointsFor(persona).map((p) => [cx(p.index), yFor(p.score)] as [number, number]);
          return (
            <path
              key={persona}
              d={smoothPath(pts)}
              fill="none"
              stroke={color}
              strokeWidth={3}
              strokeLinecap="round"
              opacity={board.persona || shown.length === 1 ? 1 : 0.9}
            />
          );
        })}
      </svg>
      {shown.map((persona) => {
        const info = board.personas.get(persona);
        const color = info?.color ?? '#6366f1';
        return pointsFor(persona).map((point) => (
          <button
            key={`${persona}:${point.stage.id}`}
            type="button"
            className={`emotion-point ${point.explicit ? '' : 'derived'}`}
            style={{ left: cx(point.index), top: yFor(point.score), ['--c' as string]: color }}
            aria-label={`${info?.name ?? 'Persona'} at ${String(point.stage.name)}: ${scoreLabel(point.score)} (Up/Down to change)`}
            title={`${info?.name ?? ''}: ${scoreLabel(point.score)}${point.explicit?.note ? ` — ${String(point.explicit.note)}` : ''}`}
            disabled={board.readOnly}
            onKeyDown={(e) => onPointKey(e, persona, point)}
            onClick={() => setOpen({ persona, stage: point.stage.id })}
          >
            <Face score={point.score} size={22} />
          </button>
        ));
      })}
      {!board.readOnly &&
        active &&
        stageList.map((stage, index) => {
          const has = emotions.some((e) => e.stage === stage.id && e.persona === active);
          if (has) return null;
          return (
            <button
              key={`add:${stage.id}`}
              type="button"
              className="emotion-add"
              style={{ left: cx(index), top: ROW_HEIGHT - 14 }}
              aria-label={`Set how ${board.personas.get(active)?.name ?? 'the persona'} feels at ${String(stage.name)}`}
              onClick={() => setOpen({ persona: active, stage: stage.id })}
            >
              + feeling
            </button>
          );
        })}
      {open &&
        (() => {
          const index = stageList.findIndex((s) => s.id === open.stage);
          const stage = stageList[index];
          if (!stage) return null;
          const current = emotions.find((e) => e.stage === stage.id && e.persona === open.persona);
          return (
            <div
              className="emotion-picker"
              style={{ left: Math.min(Math.max(cx(index), 150), width - 150) }}
              role="dialog"
              aria-label={`How ${board.personas.get(open.persona)?.name ?? ''} feels at ${String(stage.name)}`}
              onKeyDown={(e) => e.key === 'Escape' && setOpen(null)}
            >
              <strong>{board.personas.get(open.persona)?.name}</strong> at {String(stage.name)}
              <div className="picker-scale">
                {[-3, -2, -1, 0, 1, 2, 3].map((score) => (
                  <button
                    key={score}
                    type="button"
                    className={current && Number(current.score) === score ? 'on' : ''}
                    aria-label={`${score}`}
                    autoFocus={current ? Number(current.score) === score : score === 0}
                    onClick={() => {
                      setScore(open.persona, stage, score);
                      setOpen(null);
                    }}
                  >
                    <Face score={score} size={22} />
                    <small>{score > 0 ? `+${score}` : score}</small>
                  </button>
                ))}
              </div>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(null)}>
                Close
              </button>
            </div>
          );
        })()}
      {shown.length > 0 && (
        <div className="emotion-legend">
          {shown.map((p) => (
            <span key={p}>
              <i style={{ background: board.personas.get(p)?.color }} />
              {board.personas.get(p)?.name}
            </span>
          ))}
        </div>
      )}
      {shown.length === 0 && (
        <div className="emotion-empty">Add personas to this map to draw their emotion curves.</div>
      )}
    </div>
    {heat && (
      <div className="dropoff-strip" style={{ width }} role="list" aria-label="Measured drop-off by stage" data-testid="dropoff-strip">
        {stageList.map((stage, index) => {
          const flow = heat.stages.get(stage.id);
          const flag = flags.get(stage.id);
          const pct = flow?.lostPct ?? 0;
          return (
            <div
              key={stage.id}
              role="listitem"
              className={`dropoff-col ${flag ? 'disagrees' : ''}`}
              style={{ left: index * columnWidth, width: columnWidth }}
              title={flag ? `${DISAGREEMENT_TEXT[flag]}: the emotion curve and the measured drop-off disagree` : undefined}
            >
              <span className="dropoff-track" aria-hidden="true">
                <i style={{ width: `${Math.min(100, pct)}%` }} />
              </span>
              <span className="dropoff-label">
                <span className="sr-only">{String(stage.name)}: </span>
                {flow ? `${formatPct(pct)} lost of ${formatCount(flow.inflow)}` : 'no traffic'}
                {!heat.observed && ' (implied)'}
              </span>
              {flag && (
                <span className="disagree-flag" data-testid="disagree-flag">
                  <Icon name="friction" size={11} /> {DISAGREEMENT_TEXT[flag]}
                </span>
              )}
            </div>
          );
        })}
      </div>
    )}
    </>
  );
}