/** Stable codes for what can go wrong while bringing the infrastructure up or down. */
export type InfraErrorCode =
  | 'BAD_CONFIG'
  | 'POSTGRES_UNREACHABLE'
  | 'LOCK_TIMEOUT'
  | 'FETCH_FAILED'
  | 'PORT_IN_USE'
  | 'START_FAILED'
  | 'NOT_READY'
  | 'EXTERNAL_UNREACHABLE'
  | 'REGISTRY_CONFIG_FAILED'
  | 'JAVA_NOT_FOUND';

/** An infrastructure failure whose message is meant to be printed as is. */
export class InfraError extends Error {
  override readonly name = 'InfraError';

  constructor(
    readonly code: InfraErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
