/** Small stroke icons (24×24 grid) for channels, lane kinds and board actions. */
import type { ReactNode } from 'react';

const PATHS: Record<string, ReactNode> = {
  email: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3 7 9 6 9-6" />
    </>
  ),
  web: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z" />
    </>
  ),
  app: (
    <>
      <rect x="7" y="2.5" width="10" height="19" rx="2" />
      <path d="M11 18.5h2" />
    </>
  ),
  store: (
    <>
      <path d="M4 9h16l-1-4H5z" />
      <path d="M5 9v11h14V9M9 20v-6h6v6" />
    </>
  ),
  phone: <path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z" />,
  social: (
    <>
      <circle cx="6" cy="12" r="2.5" />
      <circle cx="18" cy="6" r="2.5" />
      <circle cx="18" cy="18" r="2.5" />
      <path d="m8.2 10.8 7.6-3.6M8.2 13.2l7.6 3.6" />
    </>
  ),
  chat: <path d="M4 5h16v11H9l-5 4z" />,
  event: (
    <>
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M3 10h18M8 3v4M16 3v4" />
    </>
  ),
  mail: (
    <>
      <path d="M3 8l9-5 9 5v12H3z" />
      <path d="m3 8 9 6 9-6" />
    </>
  ),
  other: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 12h.01M12 12h.01M16 12h.01" />
    </>
  ),
  // lane kinds
  actions: <path d="M5 12h12M13 6l6 6-6 6" />,
  thoughts: (
    <>
      <path d="M6 15a5 5 0 1 1 3-9 5 5 0 0 1 9 2 4 4 0 0 1-1 7H6z" />
      <circle cx="6" cy="19" r="1.2" />
    </>
  ),
  emotions: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 14.5c1 1.3 2.3 2 4 2s3-.7 4-2M9 9.5h.01M15 9.5h.01" />
    </>
  ),
  touchpoints: (
    <>
      <circle cx="12" cy="12" r="3" />
      <circle cx="12" cy="12" r="8" />
    </>
  ),
  friction: <path d="M12 3 2 20h20zM12 10v4M12 17h.01" />,
  opportunities: <path d="M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z" />,
  content: (
    <>
      <path d="M6 3h9l4 4v14H6z" />
      <path d="M14 3v5h5M9 13h7M9 17h7" />
    </>
  ),
  backstage: (
    <>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9 7 7M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1" />
    </>
  ),
  text: <path d="M5 6h14M5 11h14M5 16h9" />,
  // actions
  grip: (
    <>
      <circle cx="9" cy="6" r="1" />
      <circle cx="15" cy="6" r="1" />
      <circle cx="9" cy="12" r="1" />
      <circle cx="15" cy="12" r="1" />
      <circle cx="9" cy="18" r="1" />
      <circle cx="15" cy="18" r="1" />
    </>
  ),
  plus: <path d="M12 5v14M5 12h14" />,
  trash: <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" />,
  comment: <path d="M4 5h16v11H9l-5 4z" />,
  undo: <path d="M9 14 4 9l5-5M4 9h10a6 6 0 0 1 0 12h-3" />,
  redo: <path d="m15 14 5-5-5-5M20 9H10a6 6 0 0 0 0 12h3" />,
  history: (
    <>
      <path d="M3 12a9 9 0 1 0 3-6.7L3 8" />
      <path d="M3 3v5h5M12 7v5l3 2" />
    </>
  ),
  share: (
    <>
      <path d="M4 12v7a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-7" />
      <path d="m16 6-4-4-4 4M12 2v13" />
    </>
  ),
  graph: (
    <>
      <circle cx="5" cy="18" r="2" />
      <circle cx="12" cy="6" r="2" />
      <circle cx="19" cy="16" r="2" />
      <path d="m6.2 16.3 4.7-8.6M13.4 7.5l4.5 6.8" />
    </>
  ),
  close: <path d="M6 6l12 12M18 6 6 18" />,
  analysis: <path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />,
  upload: (
    <>
      <path d="M4 16v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
      <path d="m16 8-4-4-4 4M12 4v12" />
    </>
  ),
  check: <path d="m5 12 5 5L20 7" />,
  matrix: (
    <>
      <rect x="3" y="3" width="18" height="18" rx="2" />
      <path d="M3 9h18M3 15h18M9 3v18M15 3v18" />
    </>
  ),
  vote: <circle cx="12" cy="12" r="5" fill="currentColor" />,
  link: <path d="M10 14a5 5 0 0 0 7 0l3-3a5 5 0 0 0-7-7l-1 1M14 10a5 5 0 0 0-7 0l-3 3a5 5 0 0 0 7 7l1-1" />,
  back: <path d="M15 5l-7 7 7 7" />,
};

export function Icon({
  name,
  size = 16,
  className,
  title,
}: {
  name: string;
  size?: number;
  className?: string;
  title?: string;
}) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.9}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
    >
      {title && <title>{title}</title>}
      {PATHS[name] ?? PATHS.other}
    </svg>
  );
}

/** Fallback colours per channel kind, when a channel has none of its own. */
export const CHANNEL_COLORS: Record<string, string> = {
  email: '#0ea5e9',
  web: '#6366f1',
  app: '#8b5cf6',
  store: '#f59e0b',
  phone: '#10b981',
  social: '#ec4899',
  chat: '#14b8a6',
  event: '#f97316',
  mail: '#a16207',
  other: '#64748b',
};

/** The channels (0–255) of a #rgb or #rrggbb colour; null for anything else. */
function channels(color: string): [number, number, number] | null {
  const hex = color.trim().replace(/^#/, '');
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  if (!/^[0-9a-f]{6}$/i.test(full)) return null;
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance, as WCAG 2 defines it for contrast. */
function luminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const INK = '#0f172a';
const INK_LUMINANCE = luminance(channels(INK)!);

/** Dark or white text, whichever reads better on a user-chosen background colour. */
export function inkOn(background: string): string {
  const bg = channels(background);
  if (!bg) return '#ffffff';
  const l = luminance(bg);
  return contrast(l, INK_LUMINANCE) >= contrast(l, 1) ? INK : '#ffffff';
}

/**
 * A user-chosen colour darkened only as far as text in it needs to pass WCAG AA (4.5:1,
 * with a little margin) on a light `background`, so an amber channel's label still looks amber.
 */
export function readableOn(color: string, background = '#ffffff'): string {
  const fg = channels(color);
  const bg = channels(background);
  if (!fg || !bg) return color;
  const target = luminance(bg);
  for (let keep = 1; keep > 0; keep -= 0.04) {
    const shade = fg.map((c) => Math.round(c * keep)) as [number, number, number];
    if (contrast(luminance(shade), target) >= 4.6) {
      return `#${shade.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    }
  }
  return INK;
}

/**
 * Background and text colours for initials on a user-chosen colour: dark initials when they
 * read better, else white ones on the colour darkened just far enough to pass WCAG AA
 * (#6366f1, the default persona colour, gives white only 4.46:1).
 */
export function avatarColors(color: string): { background: string; ink: string } {
  const ink = inkOn(color);
  if (ink !== '#ffffff' || !channels(color)) return { background: color, ink };
  return { background: readableOn(color, '#ffffff'), ink };
}
