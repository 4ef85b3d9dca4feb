import type { z } from 'zod';
import { addContact, updateContact } from './contacts';
import {
  assignCustomer,
  claimCustomer,
  createCustomer,
  lockCustomer,
  releaseCustomer,
  transferCustomer,
  updateCustomer,
} from './customers';
import { deleteFollowUp, logFollowUp, updateFollowUp } from './followUps';
import { convertLead, createLead } from './leads';
import { createOpportunity, moveOpportunityStage, updateOpportunity } from './opportunities';
import { updateSettings } from './settings';
import { cancelTask, createTask } from './tasks';
import type { MutationDef, Reads } from './types';

/**
 * Every named mutation, by name. A device may only push names found here, and the server only runs
 * names found here: adding a mutation is adding it to this map.
 */
export const mutations = {
  createCustomer,
  updateCustomer,
  transferCustomer,
  logFollowUp,
  addContact,
  // protocol 3
  claimCustomer,
  updateFollowUp,
  deleteFollowUp,
  createLead,
  convertLead,
  createOpportunity,
  updateOpportunity,
  moveOpportunityStage,
  createTask,
  cancelTask,
  updateSettings,
  // protocol 4
  updateContact,
  // protocol 5
  releaseCustomer,
  assignCustomer,
  lockCustomer,
} as const;

export type MutationName = keyof typeof mutations;

/** Mutations a protocol-2 device may push; the rest need protocol 3. */
export const PROTOCOL_2_MUTATIONS: ReadonlySet<MutationName> = new Set([
  'createCustomer',
  'updateCustomer',
  'transferCustomer',
  'logFollowUp',
  'addContact',
]);
/** Mutations a protocol-3 device may push (without attributes); the rest need protocol 4. */
export const PROTOCOL_3_MUTATIONS: ReadonlySet<MutationName> = new Set(
  (Object.keys(mutations) as MutationName[]).filter(
    (n) => !['updateContact', 'releaseCustomer', 'assignCustomer', 'lockCustomer'].includes(n),
  ),
);
/** Mutations a protocol-4 device may push; the pool operations need protocol 5. */
export const PROTOCOL_4_MUTATIONS: ReadonlySet<MutationName> = new Set(
  (Object.keys(mutations) as MutationName[]).filter(
    (n) => !['releaseCustomer', 'assignCustomer', 'lockCustomer'].includes(n),
  ),
);
/**
 * Work on one customer that makes sense again once the customer is back in the user's private sea
 * ("claim it back and re-apply", docs/pools.md): edits of it and of its records, new records under it.
 * Not the moves themselves (claim, release, transfer, assign, lock), captures, nor settings. The client
 * core offers the inbox action for these and the renderer shows it by the same set.
 */
export const REAPPLY_AFTER_CLAIM: ReadonlySet<string> = new Set<MutationName>([
  'updateCustomer',
  'convertLead',
  'logFollowUp',
  'updateFollowUp',
  'deleteFollowUp',
  'addContact',
  'updateContact',
  'createOpportunity',
  'updateOpportunity',
  'moveOpportunityStage',
  'createTask',
  'cancelTask',
]);
export type MutationArgs<N extends MutationName> = z.infer<(typeof mutations)[N]['args']>;
/** Arguments as a caller writes them (before defaults and normalisation). */
export type MutationInput<N extends MutationName> = z.input<(typeof mutations)[N]['args']>;

export function isMutationName(name: string): name is MutationName {
  return Object.hasOwn(mutations, name);
}

/** Looks a mutation up by name with its types erased, for generic runners. */
export function getMutation(name: MutationName): MutationDef<string, unknown, Reads> {
  return mutations[name] as unknown as MutationDef<string, unknown, Reads>;
}

export * from './types';
export * from './customers';
export * from './followUps';
export * from './contacts';
export * from './leads';
export * from './opportunities';
export * from './tasks';
export * from './settings';
export * from './attrs';
export * from './merge';
