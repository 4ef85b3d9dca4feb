import { AppError } from '../../../shared/errors';
import { MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION } from '../../../shared/sync/protocol';

/**
 * Refuses a request from a client too old for this server (426) before its body is validated: an old
 * client's payload may not match today's schema, and "please update" is the useful answer, not "invalid".
 */
export function checkProtocolVersion(body: unknown): void {
  if (typeof body !== 'object' || body === null || !('protocolVersion' in body)) return;
  const version = body.protocolVersion;
  if (typeof version !== 'number') return;
  if (version < MIN_SUPPORTED_PROTOCOL_VERSION) {
    throw new AppError(
      'upgrade_required',
      `protocolVersion: ${version} is no longer supported; update Tidepool (server speaks ${MIN_SUPPORTED_PROTOCOL_VERSION}–${PROTOCOL_VERSION})`,
      { field: 'protocolVersion', params: { min: MIN_SUPPORTED_PROTOCOL_VERSION, max: PROTOCOL_VERSION } },
    );
  }
  if (version > PROTOCOL_VERSION) {
    throw new AppError(
      'bad_request',
      `protocolVersion: ${version} is newer than this server understands (at most ${PROTOCOL_VERSION})`,
      { field: 'protocolVersion', params: { max: PROTOCOL_VERSION } },
    );
  }
}
