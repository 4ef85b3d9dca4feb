import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { sessionUserSchema } from '../../../shared/sync/protocol';

/**
 * The signed-in session, kept in `<dataDir>/session.json` (0600) so the app reopens on the same user's
 * database with no network: a rep opening the laptop in a car park must not be asked to log in.
 */
export const storedSessionSchema = z.object({
  serverUrl: z.string(),
  token: z.string(),
  expiresAt: z.int(),
  user: sessionUserSchema,
});
export type StoredSession = z.infer<typeof storedSessionSchema>;

export function sessionFile(dataDir: string): string {
  return join(dataDir, 'session.json');
}

/** The saved session, or null when there is none or it cannot be read (then the user logs in again). */
export function readSession(dataDir: string): StoredSession | null {
  let text: string;
  try {
    text = readFileSync(sessionFile(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = storedSessionSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Saves atomically (write a private temp file, then rename) so a crash never leaves half a token. */
export function writeSession(dataDir: string, session: StoredSession): void {
  const file = sessionFile(dataDir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(session), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function deleteSession(dataDir: string): void {
  rmSync(sessionFile(dataDir), { force: true });
}
