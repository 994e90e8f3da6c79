/** What the board paints from the analysis: traffic per touchpoint, heat per hotspot. */
import type { Analysis } from '../api/analysis';

export interface TouchpointHeat {
  inflow: number;
  lost: number;
  lostPct: number;
  /** inflow over the busiest touchpoint's, 0–1, for the traffic bar. */
  level: number;
}

export interface HotspotHeat {
  rank: number;
  score: number;
  traffic: number;
  /** 1 (mild) … 3 (hottest), from the score over the top score. */
  level: 1 | 2 | 3;
}

export interface BoardHeat {
  touchpoints: ReadonlyMap<string, TouchpointHeat>;
  hotspots: ReadonlyMap<string, HotspotHeat>;
  critical: ReadonlySet<string>;
  stages: ReadonlyMap<string, { inflow: number; lostPct: number; lost: number }>;
  observed: boolean;
}

export function boardHeat(analysis: Analysis): BoardHeat {
  const steps = analysis.drop_off.steps;
  const busiest = Math.max(1, ...steps.map((s) => s.inflow));
  const touchpoints = new Map<string, TouchpointHeat>();
  for (const step of steps) {
    touchpoints.set(step.touchpoint, {
      inflow: step.inflow,
      lost: step.lost,
      lostPct: step.lost_pct,
      level: step.inflow / busiest,
    });
  }
  const items = analysis.friction_hotspots.items.filter((item) => item.score > 0);
  const top = Math.max(1, ...items.map((item) => item.score));
  const hotspots = new Map<string, HotspotHeat>();
  items.forEach((item, index) => {
    const ratio = item.score / top;
    hotspots.set(item.friction, {
      rank: index + 1,
      score: item.score,
      traffic: item.traffic,
      level: ratio > 0.66 ? 3 : ratio > 0.33 ? 2 : 1,
    });
  });
  const stages = new Map(
    analysis.drop_off.stages.map((s) => [s.stage, { inflow: s.inflow, lostPct: s.lost_pct, lost: s.lost }]),
  );
  return {
    touchpoints,
    hotspots,
    critical: new Set(analysis.critical_path.path),
    stages,
    observed: analysis.meta.edges === 'observed',
  };
}
