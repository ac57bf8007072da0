import { requestJson } from './http.js';

/** One readiness check: the Confluent-compatible API lists subjects. Never throws. */
export async function probeRegistry(url: string): Promise<boolean> {
  try {
    const response = await requestJson(`${url}/subjects`, { timeoutMs: 2_000 });
    return response.status === 200;
  } catch {
    return false;
  }
}
