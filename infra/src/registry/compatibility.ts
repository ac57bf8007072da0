import { InfraError } from '../errors.js';
import { requestJson, stringField } from './http.js';

export type CompatibilityLevel = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

/** The registry-wide compatibility level, or undefined when none is set. */
export async function globalCompatibility(url: string): Promise<string | undefined> {
  const response = await requestJson(`${url}/config`);
  return response.status === 200 ? stringField(response.body, 'compatibilityLevel') : undefined;
}

/**
 * Sets the registry-wide compatibility level unless it is already set, then reads it back.
 * Apicurio enforces nothing on registration until such a rule exists (Confluent defaults to BACKWARD).
 */
export async function ensureGlobalCompatibility(
  url: string,
  level: CompatibilityLevel,
): Promise<'unchanged' | 'set'> {
  if ((await globalCompatibility(url)) === level) return 'unchanged';
  const response = await requestJson(`${url}/config`, { method: 'PUT', body: { compatibility: level } });
  const actual = await globalCompatibility(url);
  if (response.status !== 200 || actual !== level) {
    throw new InfraError(
      'REGISTRY_CONFIG_FAILED',
      `registry: could not set the global compatibility to ${level} at ${url}/config ` +
        `(PUT answered ${response.status}, GET reads ${actual ?? 'nothing'})`,
    );
  }
  return 'set';
}
