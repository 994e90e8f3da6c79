/**
 * Where the emotion curve and the measured drop-off tell different stories.
 *
 * A stage is flagged when:
 * - the feeling there is positive (score ≥ +1 on the −3…+3 scale) but 30% or more of the
 *   customers entering the stage are lost in it ("feels fine, yet many leave"), or
 * - the feeling is negative (score ≤ −1) but 10% or fewer are lost ("feels bad, yet few
 *   leave": the pain may be tolerated, or the curve is out of date).
 *
 * Only stages with at least 20 customers entering are judged (fewer is noise), and only when
 * the counts were observed: drop-off on edges implied by stage order says nothing about
 * customers. A stage without a feeling is never flagged. docs/analysis.md ("In the browser")
 * repeats these thresholds.
 */

export const POSITIVE_EMOTION = 1;
export const NEGATIVE_EMOTION = -1;
export const HIGH_DROP_OFF_PCT = 30;
export const LOW_DROP_OFF_PCT = 10;
export const MIN_STAGE_INFLOW = 20;

export interface StageReading {
  stage: string;
  /** The stage's feeling, −3…+3 (an average may be fractional); null when nobody set one. */
  emotion: number | null;
  lostPct: number;
  inflow: number;
}

export type Disagreement = 'positive-but-lost' | 'negative-but-kept';

export function disagreement(reading: StageReading, observed = true): Disagreement | null {
  if (!observed || reading.emotion === null || reading.inflow < MIN_STAGE_INFLOW) return null;
  if (reading.emotion >= POSITIVE_EMOTION && reading.lostPct >= HIGH_DROP_OFF_PCT) return 'positive-but-lost';
  if (reading.emotion <= NEGATIVE_EMOTION && reading.lostPct <= LOW_DROP_OFF_PCT) return 'negative-but-kept';
  return null;
}

export function disagreements(readings: StageReading[], observed = true): Map<string, Disagreement> {
  const found = new Map<string, Disagreement>();
  for (const reading of readings) {
    const flag = disagreement(reading, observed);
    if (flag) found.set(reading.stage, flag);
  }
  return found;
}

export const DISAGREEMENT_TEXT: Record<Disagreement, string> = {
  'positive-but-lost': 'Feels good, yet many are lost here',
  'negative-but-kept': 'Feels bad, yet few are lost here',
};
