import type { z } from 'zod';
import { addContact } from './contacts';
import { createCustomer, transferCustomer, updateCustomer } from './customers';
import { logFollowUp } from './followUps';
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
} as const;

export type MutationName = keyof typeof mutations;
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
