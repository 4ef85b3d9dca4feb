import type Database from 'better-sqlite3';
import { defaultSettings, type SettingsRow } from '../../../../shared/domain/settings';
import { getRow } from './rows';

/**
 * The org's settings as this device has them: the synced row (id = org id), or the defaults every org
 * starts with before the first pull has brought it (or while an org has never edited them). The same
 * fallback the shared mutators use, so forms and validation agree offline.
 */
export function getSettings(db: Database.Database, orgId: string): SettingsRow {
  return getRow(db, 'settings', orgId) ?? defaultSettings(orgId);
}
