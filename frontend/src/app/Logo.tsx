export function Logo({ size = 26 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="#4f46e5" />
      <path
        d="M6 21 C 10 21, 11 11, 16 11 S 22 19, 26 12"
        stroke="#fff"
        strokeWidth="2.6"
        fill="none"
        strokeLinecap="round"
      />
      <circle cx="6" cy="21" r="2.4" fill="#a5b4fc" />
      <circle cx="16" cy="11" r="2.4" fill="#fff" />
      <circle cx="26" cy="12" r="2.4" fill="#fbbf24" />
    </svg>
  );
}
