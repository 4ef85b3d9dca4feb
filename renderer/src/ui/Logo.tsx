/** The Tidepool mark: a pool with two tide lines. Drawn inline so it renders offline and under the CSP. */
export function Logo({
  size = 28,
  withWordmark = false,
  wordmark = 'Tidepool',
}: {
  size?: number;
  withWordmark?: boolean;
  wordmark?: string;
}) {
  return (
    <span className="tp-logo">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <defs>
          <linearGradient id="tp-logo-g" x1="0" y1="0" x2="1" y2="1">
            <stop offset="0" stopColor="#2BB3C0" />
            <stop offset="1" stopColor="#0A5C6B" />
          </linearGradient>
        </defs>
        <rect x="1" y="1" width="30" height="30" rx="9" fill="url(#tp-logo-g)" />
        <path
          d="M7 13.5c2.2-2.4 4.4-2.4 6.6 0s4.4 2.4 6.6 0 3.6-2.4 4.8-1.2"
          fill="none"
          stroke="#fff"
          strokeWidth="2.2"
          strokeLinecap="round"
        />
        <path
          d="M7 19.5c2.2-2.4 4.4-2.4 6.6 0s4.4 2.4 6.6 0 3.6-2.4 4.8-1.2"
          fill="none"
          stroke="#fff"
          strokeOpacity=".6"
          strokeWidth="2.2"
          strokeLinecap="round"
        />
      </svg>
      {withWordmark ? <span className="tp-logo__word">{wordmark}</span> : null}
    </span>
  );
}
