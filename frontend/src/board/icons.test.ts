import { describe, expect, it } from 'vitest';
import { avatarColors } from './icons';

function luminance(hex: string): number {
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const linear = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function ratio(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

describe('avatarColors', () => {
  it.each(['#6366f1', '#ec4899', '#f97316', '#14b8a6', '#facc15', '#64748b', '#0f172a', '#ffffff'])(
    'initials on %s pass WCAG AA',
    (color) => {
      const { background, ink } = avatarColors(color);
      expect(ratio(background, ink === '#ffffff' ? '#ffffff' : ink)).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('keeps a colour that already passes', () => {
    expect(avatarColors('#0f172a').background).toBe('#0f172a');
  });
});
