import type { TFunction } from 'i18next';
import type { InboxAction, InboxItem } from '../../../../../shared/api/contract';
import {
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  FOLLOW_UP_TYPES,
  LEAD_STATUSES,
  POOL_STATES,
} from '../../../../../shared/domain/rows';
import { REAPPLY_AFTER_CLAIM } from '../../../../../shared/mutations';
import { describeError } from '../../../i18n/errors';
import { claimableCustomerId, duplicateHolderOf } from '../../customers/utils/duplicates';
import { formatDateTime, formatNumber } from '../../../i18n/format';
import { DEFAULT_LOCALE, type Locale } from '../../../i18n/locale';
import { claimRefusalText } from '../../publicSea/utils/claimRefusal';

/**
 * Pure readings of an inbox entry (conflict or rejection) for the Sync page: which actions it offers,
 * which customer it is about, which values to put side by side, and how to say why it is there.
 */

/**
 * A conflict can take my value, keep theirs or be dropped; a rejection can be retried ("apply mine"
 * re-issues it) or dropped: there is no "their" value to keep. A capture refused as a duplicate would be
 * refused again: it is dropped, or, when the customer waits in the public sea, claimed instead.
 */
export function inboxActions(item: InboxItem, customerOnDevice = true): readonly InboxAction[] {
  if (item.kind === 'conflict') return ['applyMine', 'keepTheirs', 'discard'];
  if (item.reason.code === 'duplicate') {
    return inboxClaimCustomerId(item) ? ['claim', 'discard'] : ['discard'];
  }
  // Retried as it is, the edit of a customer now in the public sea would be refused again: claim first.
  if (inboxBackInSea(item, customerOnDevice)) return ['claimAndReapply', 'discard'];
  return ['applyMine', 'discard'];
}

/**
 * Work refused because its customer left the private sea meanwhile (recycled or moved while the rep
 * was offline): refused as not found or forbidden, about a customer no longer on this device (or that
 * the server says is in the public sea). It can be claimed back and applied again (`claimAndReapply`);
 * whether the claim succeeds the server judges, and a refusal comes back here with its reason.
 */
export function inboxBackInSea(item: InboxItem, customerOnDevice: boolean): boolean {
  if (item.kind !== 'rejection' || !REAPPLY_AFTER_CLAIM.has(item.mutationName)) return false;
  if (item.reason.code !== 'not_found' && item.reason.code !== 'forbidden') return false;
  if (inboxCustomerId(item) === null) return false;
  return !customerOnDevice || item.reason.params?.['poolState'] === 'public';
}

/** The public-sea customer a duplicate refusal names, which the user may claim instead. */
export function inboxClaimCustomerId(item: InboxItem): string | null {
  if (item.kind !== 'rejection' || item.reason.code !== 'duplicate') return null;
  return claimableCustomerId(duplicateHolderOf(item.reason.params));
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Mutations whose `id` argument is the customers row itself. */
const CUSTOMER_ROW_MUTATIONS = new Set(['createCustomer', 'updateCustomer', 'createLead', 'convertLead']);

/** The customer an entry concerns, to link to: the row itself, or the customer a follow-up was for. */
export function inboxCustomerId(item: InboxItem): string | null {
  if (item.table === 'customers' && item.rowId) return item.rowId;
  const args = asRecord(item.args);
  if (typeof args?.customerId === 'string') return args.customerId;
  if (CUSTOMER_ROW_MUTATIONS.has(item.mutationName) && typeof args?.id === 'string') {
    return args.id;
  }
  return null;
}

/** Mutations that create the customers row: refused, the record was never saved on the server. */
const CREATE_MUTATIONS = new Set(['createCustomer', 'createLead', 'convertLead']);

/**
 * Why an entry's record can no longer be opened: 'notSaved' when the server refused the change that
 * created it (it never existed there: "not saved", not "no longer in your private sea"), 'notClaimed'
 * for a refused claim (it never came in), else 'gone'.
 */
export function inboxRecordMissing(item: InboxItem): 'notSaved' | 'notClaimed' | 'gone' {
  if (item.kind !== 'rejection') return 'gone';
  if (CREATE_MUTATIONS.has(item.mutationName)) return 'notSaved';
  // A refused claim or assignment: the customer never came into this private sea.
  if (item.mutationName === 'claimCustomer' || item.mutationName === 'assignCustomer') return 'notClaimed';
  return 'gone';
}

/**
 * The refusal that explains why a record this device wrote is gone (a customer whose create the server
 * refused, as a duplicate say): the newest rejection about it, if any.
 */
export function refusalFor(items: readonly InboxItem[], recordId: string): InboxItem | null {
  return (
    [...items]
      .filter((item) => item.kind === 'rejection' && inboxCustomerId(item) === recordId)
      .sort((a, b) => b.at - a.at)[0] ?? null
  );
}

/** One line of the side-by-side comparison; `theirs` is absent for a rejection (nothing stands instead). */
export type InboxValueRow = { field: string; mine: unknown } & (
  { hasTheirs: true; theirs: unknown } | { hasTheirs: false }
);

/** Ids and merge bookkeeping mean nothing to a user; every other argument is a value they typed. */
function isShownArg(key: string): boolean {
  return key !== 'id' && key !== 'base' && !key.endsWith('Id');
}

/** A nested value the user typed (a lead's person met) as `contact.name` rows beside the others. */
function flatten(source: Record<string, unknown>): [string, unknown][] {
  return Object.entries(source).flatMap(([key, value]): [string, unknown][] => {
    const nested = asRecord(value);
    if (!nested || key === 'base' || key === 'attrs') return [[key, value]];
    return Object.entries(nested).map(([k, v]): [string, unknown] => [`${key}.${k}`, v]);
  });
}

/**
 * What to compare: a conflict's one field (mine vs theirs); a rejection's submitted values (the fields of
 * an edit's `set`, or the arguments of any other mutation), the field the server objected to first.
 */
export function inboxValueRows(item: InboxItem): InboxValueRow[] {
  if (item.kind === 'conflict' && item.field) {
    return [{ field: item.field, mine: item.mine, hasTheirs: true, theirs: item.theirs }];
  }
  // A refused claim carries nothing the user typed (its reason is the app's): the record and the
  // reason say it all.
  if (item.mutationName === 'claimCustomer') return [];
  const args = asRecord(item.args);
  const source = asRecord(args?.set) ?? args;
  const rows: InboxValueRow[] = source
    ? flatten(source)
        // A blank the user left blank is not something they "submitted"; it would only be noise.
        .filter(([key, value]) => isShownArg(key) && value !== undefined && value !== null && value !== '')
        .map(([field, mine]) => ({ field, mine, hasTheirs: false }))
    : [];
  if (rows.length === 0 && item.field) return [{ field: item.field, mine: item.mine, hasTheirs: false }];
  const blamed = (item.reason.field ?? item.field ?? '').replace(/^(set|args)\./, '');
  return rows.sort((a, b) => Number(b.field === blamed) - Number(a.field === blamed));
}

/** A field's value as the user would write it: translated enums, local date-times, "(empty)". */
export function formatFieldValue(t: TFunction, locale: Locale, field: string, value: unknown): string {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
    return t('inbox.emptyValue');
  }
  if (typeof value === 'string') {
    if (field === 'level' && (CUSTOMER_LEVELS as readonly string[]).includes(value))
      return t(`customer.level.${value}`);
    if (field === 'status' && (CUSTOMER_STATUSES as readonly string[]).includes(value))
      return t(`customer.status.${value}`);
    if (field === 'poolState' && (POOL_STATES as readonly string[]).includes(value))
      return t(`customer.poolState.${value}`);
    if (field === 'type' && (FOLLOW_UP_TYPES as readonly string[]).includes(value))
      return t(`followUp.types.${value}`);
    if (field === 'leadStatus' && (LEAD_STATUSES as readonly string[]).includes(value))
      return t(`lead.status.${value}`);
    return value;
  }
  if (typeof value === 'number') {
    // Every instant in our rows is an epoch-ms field named `…At` (occurredAt, nextFollowUpAt, claimedAt).
    if (field.endsWith('At') && Number.isFinite(value)) return formatDateTime(value, locale);
    return formatNumber(value, locale);
  }
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  return JSON.stringify(value);
}

/** Fields whose values read best in a fixed-width face (numbers to compare digit by digit). */
export function isMonoField(field: string): boolean {
  return field === 'phone' || field === 'website' || field === 'creditCode' || field === 'email';
}

/** The mutation in the user's words ("修改客户资料"), or its name when this build does not know it. */
export function mutationLabel(t: TFunction, exists: (key: string) => boolean, name: string): string {
  const key = `inbox.mutations.${name}`;
  return exists(key) ? t(key) : name;
}

/**
 * Why the entry is there, in the user's language: a conflict is always "a colleague changed it first";
 * a rejection says what its code means here ("不在你的私海中" for not_found), else the general sentence
 * for the code with the field it names ("电话：输入有误").
 */
export function inboxReason(
  t: TFunction,
  exists: (key: string) => boolean,
  item: InboxItem,
  locale: Locale = DEFAULT_LOCALE,
): string {
  if (item.kind === 'conflict') return t('inbox.reasons.conflictEdited');
  // A claim that lost says to whom or to which rule, with the rule's numbers.
  const claim = claimRefusalText(t, locale, item.mutationName, item.reason);
  if (claim) return claim;
  // A duplicate names its holder ("客户名称：已由 张伟 负责"): the generic sentence says who.
  if (item.reason.code === 'duplicate' && duplicateHolderOf(item.reason.params)) {
    return describeError(t, exists, item.reason);
  }
  const key = `inbox.reasons.${item.reason.code}`;
  if (item.reason.code !== 'validation' && exists(key)) return t(key, item.reason.params ?? {});
  return describeError(t, exists, item.reason);
}
