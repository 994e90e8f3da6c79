/** A feeling from −3 to +3 as a small face: colour and mouth both carry the score. */
const COLORS = ['#dc2626', '#f97316', '#f59e0b', '#94a3b8', '#84cc16', '#22c55e', '#16a34a'];

export function faceColor(score: number): string {
  return COLORS[Math.max(0, Math.min(6, Math.round(score) + 3))]!;
}

export function Face({ score, size = 18 }: { score: number; size?: number }) {
  const s = Math.max(-3, Math.min(3, score));
  const color = faceColor(s);
  // Mouth: a quadratic curve whose bend follows the score.
  const bend = 12.5 + s * 1.6;
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" className="face">
      <circle cx="12" cy="12" r="10.5" fill={color} />
      <circle cx="8.5" cy="9.5" r="1.4" fill="#fff" />
      <circle cx="15.5" cy="9.5" r="1.4" fill="#fff" />
      <path d={`M7.5 15 Q12 ${bend + 2.5} 16.5 15`} stroke="#fff" strokeWidth="1.8" fill="none" strokeLinecap="round" />
    </svg>
  );
}

export function scoreLabel(score: number): string {
  const rounded = Math.round(score * 10) / 10;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}
