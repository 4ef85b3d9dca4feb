/**
 * How the server finds the mutator of a pushed mutation and the rows it reads: the push (both paths) and
 * the pull's re-fetch after a refusal share it.
 */
import { AppError } from '../../../shared/errors';
import {
  getMutation,
  isMutationName,
  PROTOCOL_3_MUTATIONS,
  PROTOCOL_4_MUTATIONS,
  type MutationDef,
  type MutationName,
  type ReadSpec,
  type Reads,
} from '../../../shared/mutations';

/**
 * The first protocol a mutation exists in: PROTOCOL_3_MUTATIONS are the ones protocol 3 had (protocol 2
 * is refused as a whole, with 426); PROTOCOL_4_MUTATIONS add updateContact; the pool operations
 * (release, assign, lock) came with protocol 5.
 */
function sinceProtocol(name: MutationName): number {
  if (PROTOCOL_3_MUTATIONS.has(name)) return 3;
  return PROTOCOL_4_MUTATIONS.has(name) ? 4 : 5;
}

/**
 * The mutator a device may run under its protocol: an unknown name is a `bad_request`; a mutation newer
 * than the device's protocol (an older app cannot have made one — an app downgraded over a newer
 * outbox can) is refused as `upgrade_required`, so its author is told to update.
 */
export function resolveMutation(name: string, protocolVersion: number): MutationDef<string, unknown, Reads> {
  if (!isMutationName(name)) {
    throw new AppError('bad_request', `name: unknown mutation "${name}"`, { field: 'name' });
  }
  const min = sinceProtocol(name);
  if (protocolVersion < min) {
    throw new AppError(
      'upgrade_required',
      `name: ${name} needs protocol ${min} (this device speaks ${protocolVersion}); update Tidepool to sync it`,
      { field: 'name', params: { min } },
    );
  }
  return getMutation(name);
}

/** The rows a mutation asks for, without the reads its arguments do not call for (`undefined` specs). */
export function definedReads(reads: Reads): [string, ReadSpec][] {
  return Object.entries(reads).filter((e): e is [string, ReadSpec] => e[1] !== undefined);
}
