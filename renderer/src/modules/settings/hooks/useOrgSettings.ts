import { useMemo } from 'react';
import { defaultSettings, type SettingsRow } from '../../../../../shared/domain/settings';
import { useAppStore } from '../../../app/store';

const NIL_ORG = '00000000-0000-0000-0000-000000000000';

/**
 * The org's settings as screens use them: the synced row, or the defaults every org starts with until it
 * has loaded (the same lists the server assumes for an org that never changed them).
 */
export function useOrgSettings(): SettingsRow {
  const settings = useAppStore((s) => s.orgSettings);
  const orgId = useAppStore((s) => s.session?.user.orgId ?? NIL_ORG);
  return useMemo(() => settings ?? defaultSettings(orgId), [settings, orgId]);
}
