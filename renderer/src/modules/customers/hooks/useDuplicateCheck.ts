import { useEffect, useMemo, useState } from 'react';
import type { DuplicateMatch, UniqueCustomerField } from '../../../../../shared/domain/uniqueness';
import { getApi } from '../../../api/client';
import { duplicateCheckRequest, duplicateRequestKey, duplicatesByField } from '../utils/duplicates';
import { useDebouncedValue } from './useDebouncedValue';

/** Typing pauses this long before the core (and, online, the server) is asked. */
const CHECK_DEBOUNCE_MS = 400;

export type DuplicateCheck = {
  /** The collision to show under each unique field, from the latest answer for the current values. */
  byField: Partial<Record<UniqueCustomerField, DuplicateMatch>>;
  /** False when the last answer came from this device's data only (offline); null before any answer. */
  checkedOnline: boolean | null;
  checking: boolean;
};

/**
 * Uniqueness at capture: asks `customers.checkDuplicate` about the name, credit code and phone as the
 * user types (debounced; a value is asked about once it is worth asking), so a duplicate is named under
 * its field before anything is saved. A failed check says nothing: saving still runs the real checks.
 */
export function useDuplicateCheck(
  values: { name: string; creditCode: string; phone: string },
  excludeId?: string,
  enabled = true,
): DuplicateCheck {
  const request = useMemo(
    () => (enabled ? duplicateCheckRequest(values, excludeId) : null),
    [enabled, values, excludeId],
  );
  const key = duplicateRequestKey(request);
  const debouncedKey = useDebouncedValue(key, CHECK_DEBOUNCE_MS);
  const [answer, setAnswer] = useState<{ key: string; matches: DuplicateMatch[]; online: boolean } | null>(
    null,
  );

  useEffect(() => {
    if (!debouncedKey) return;
    let live = true;
    const [name, creditCode, phone, exclude] = JSON.parse(debouncedKey) as string[];
    getApi()
      .call('customers.checkDuplicate', {
        ...(name ? { name } : {}),
        ...(creditCode ? { creditCode } : {}),
        ...(phone ? { phone } : {}),
        ...(exclude ? { excludeId: exclude } : {}),
      })
      .then(
        (res) => live && setAnswer({ key: debouncedKey, matches: res.matches, online: res.checkedOnline }),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, [debouncedKey]);

  // An answer about values the user has since changed is not shown: only the current question's.
  const current = answer && answer.key === key ? answer : null;
  const byField = useMemo(() => {
    if (!current || !request) return {};
    const all = duplicatesByField(current.matches);
    // A field the user has since cleared or made unaskable shows nothing.
    const asked: Partial<Record<UniqueCustomerField, DuplicateMatch>> = {};
    for (const f of ['name', 'creditCode', 'phone'] as const) if (request[f] && all[f]) asked[f] = all[f];
    return asked;
  }, [current, request]);
  return {
    byField,
    checkedOnline: current ? current.online : null,
    checking: key !== '' && (answer?.key ?? '') !== key,
  };
}
