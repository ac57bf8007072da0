/** Polls `probe` every `intervalMs` until it returns a value, or null after `timeoutMs`. */
export async function waitFor<T>(
  timeoutMs: number,
  intervalMs: number,
  probe: () => Promise<T | null>,
): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null || Date.now() >= deadline) return value;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))),
    );
  }
}
