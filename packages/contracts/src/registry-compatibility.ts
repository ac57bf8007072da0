import type { Compatibility } from './compatibility.js';

/** The registry could not be asked (unreachable, an error status): no verdict, which is not a pass. */
export class RegistryCheckError extends Error {
  readonly code = 'registry_check_failed';
}

/**
 * Asks a Confluent-compatible registry whether `schema` may become the next version of `subject`
 * under the subject's rule (BACKWARD for Herald's subjects). A subject not registered yet has
 * nothing to be incompatible with: Confluent answers 404 there, which counts as compatible.
 */
export async function checkWithRegistry(
  registryUrl: string,
  subject: string,
  schema: string,
  timeoutMs = 10_000,
): Promise<Compatibility> {
  const url = `${registryUrl.replace(/\/+$/, '')}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema, schemaType: 'AVRO' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new RegistryCheckError(`${url}: ${String(error)}`, { cause: error });
  }
  const text = await response.text();
  if (response.status === 404) return { compatible: true, note: `${subject} is not registered yet` };
  if (!response.ok) throw new RegistryCheckError(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
  const body = JSON.parse(text) as { is_compatible?: unknown; messages?: unknown };
  if (body.is_compatible === true) return { compatible: true };
  if (body.is_compatible !== false)
    throw new RegistryCheckError(`${url} answered without is_compatible: ${text.slice(0, 500)}`);
  const messages = Array.isArray(body.messages) ? body.messages.map(String).join('; ') : '';
  return {
    compatible: false,
    reason: `the registry refuses it for ${subject}${messages ? `: ${messages}` : ''}`,
  };
}
