/** An expected failure, as a value: a stable code for machines and a message for people. */
export interface DomainError<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
}

/** The outcome of a decision: a value, or the domain error that prevented it. */
export type Result<T, E = DomainError> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** A successful result. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** A failed result carrying a domain error. */
export function fail<Code extends string>(
  code: Code,
  message: string,
): { readonly ok: false; readonly error: DomainError<Code> } {
  return { ok: false, error: { code, message } };
}
