/**
 * Replay protection: the ids of verified deliveries (GitHub's X-GitHub-Delivery, Standard Webhooks'
 * webhook-id, Stripe's event id), remembered for the replay window, so that the same delivery received
 * again within it is refused. An id is kept from its arrival, or from its signed timestamp when that is
 * later (a sender whose clock is ahead), for the window: with the window equal to the timestamped schemes'
 * tolerance, every replay their timestamp check still lets through is caught here.
 *
 * Memory is bounded: ids are kept as SHA-256 digests (an id may be as long as a header or a body), expired
 * ones are dropped as new ones arrive, and at most `maxIds` are kept; past that the oldest is forgotten first.
 */
import { createHash } from 'node:crypto';

/** The most ids remembered at once (about 12 MB of heap); past it the oldest is forgotten early. */
export const MAX_REMEMBERED_IDS = 100_000;

export interface ReplayGuardOptions {
  /** How long an id is remembered, in ms (> 0). */
  windowMs: number;
  /** The clock, in ms since the epoch (injected for tests). */
  now: () => number;
  maxIds?: number;
}

export class ReplayGuard {
  /** Digest of an id → the time (ms) until which it is remembered; insertion order is (nearly) expiry order. */
  readonly #until = new Map<string, number>();
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxIds: number;

  constructor(options: ReplayGuardOptions) {
    this.#windowMs = options.windowMs;
    this.#now = options.now;
    this.#maxIds = Math.max(1, options.maxIds ?? MAX_REMEMBERED_IDS);
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  /** How many ids are remembered now. */
  get size(): number {
    return this.#until.size;
  }

  /**
   * True when `id` was already seen within its window: a replay. Otherwise the id is remembered (from now,
   * or from `signedAtMs` when that is later) and the answer is false.
   */
  isReplay(id: string, signedAtMs: number | null = null): boolean {
    const now = this.#now();
    this.#forgetExpired(now);
    const key = createHash('sha256').update(id, 'utf8').digest('base64');
    const until = this.#until.get(key);
    if (until !== undefined && now <= until) return true;
    this.#until.delete(key);
    for (const oldest of this.#until.keys()) {
      if (this.#until.size < this.#maxIds) break;
      this.#until.delete(oldest);
    }
    this.#until.set(key, Math.max(now, signedAtMs ?? now) + this.#windowMs);
    return false;
  }

  /** Drops the expired ids at the front (the oldest); stops at the first one still in its window. */
  #forgetExpired(now: number): void {
    for (const [key, until] of this.#until) {
      if (until >= now) return;
      this.#until.delete(key);
    }
  }
}
