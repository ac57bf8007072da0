import { requestJson } from './http.js';

/**
 * One readiness check: the Confluent-compatible API answers its global config. Never throws.
 * (`/subjects` lists every subject: it grows with each test run and becomes too slow to probe.)
 */
export async function probeRegistry(url: string): Promise<boolean> {
  try {
    const response = await requestJson(`${url}/config`, { timeoutMs: 2_000 });
    return response.status === 200;
  } catch {
    return false;
  }
}
