/**
 * Login attempts per client address in a sliding window, in memory. Account lockout after repeated
 * failures lives in the database (users.locked_until) so it holds across restarts and servers.
 */
export class LoginThrottle {
  readonly #attempts = new Map<string, number[]>();
  constructor(private readonly max = 20, private readonly windowMs = 5 * 60_000) {}

  /** Seconds to wait, or 0 when another attempt is allowed now. Counts the attempt when allowed. */
  take(key: string, now = Date.now()): number {
    const recent = (this.#attempts.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max) {
      this.#attempts.set(key, recent);
      return Math.ceil((recent[0]! + this.windowMs - now) / 1000);
    }
    recent.push(now);
    this.#attempts.set(key, recent);
    if (this.#attempts.size > 10_000) this.#sweep(now);
    return 0;
  }

  #sweep(now: number): void {
    for (const [key, times] of this.#attempts) {
      if (times.every((t) => now - t >= this.windowMs)) this.#attempts.delete(key);
    }
  }
}

/** Consecutive failures before an account is locked, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_SECONDS = 15 * 60;
