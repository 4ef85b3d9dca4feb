/**
 * The renderer's Content-Security-Policy (SPEC §6): only our own scripts, no eval, no plugins, no
 * framing, data only from our own origin (the Node host's `/api`; Electron's renderer talks over IPC and
 * needs no network at all). Inline styles stay allowed because React and TanStack Virtual position rows
 * with `style` attributes. Applied by `electron/main/security.ts` (Electron) and the Node host.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
