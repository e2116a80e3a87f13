/** Retry an assertion until it passes (for work done by background jobs). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 8000, stepMs = 100): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() - t0 > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}
