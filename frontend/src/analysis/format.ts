/** Numbers of the journey analysis as people read them. */

/** Seconds as a short human duration: "42 s", "4 min", "2.5 h", "3 days". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return seconds === 0 ? '0 s' : '<1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${trim(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${trim(hours)} h`;
  const days = hours / 24;
  return `${trim(days)} days`;
}

/** One decimal below 10, whole numbers from 10 on; never "60 min" (that is "1 h"). */
function trim(value: number): string {
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
}

/** A share (0–1) as a percentage: "62%", "4.5%", "<0.1%". */
export function formatShare(share: number): string {
  return formatPct(share * 100);
}

/** A percentage (0–100): whole from 10 on, one decimal below. */
export function formatPct(pct: number): string {
  if (!Number.isFinite(pct)) return '–';
  if (pct > 0 && pct < 0.1) return '<0.1%';
  const rounded = pct >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10;
  return `${rounded}%`;
}

/** A count with thousands separators, and k/M past five digits: "1,240", "48k", "1.2M". */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return '–';
  if (Math.abs(count) >= 1_000_000) return `${trim(count / 1_000_000)}M`;
  if (Math.abs(count) >= 100_000) return `${Math.round(count / 1000)}k`;
  return Math.round(count).toLocaleString('en-GB');
}
