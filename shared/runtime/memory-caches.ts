import { type Clock, systemClock } from './clock.ts';

/**
 * Small in-memory caches that live as long as a warm Lambda container. They keep the hot path of
 * the IAM event dispatcher free of DynamoDB calls.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: Clock = systemClock,
  ) {}

  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now().getTime()) return entry.value;
    const value = await load();
    this.entries.set(key, { value, expiresAt: this.now().getTime() + this.ttlMs });
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}

/** Remembers the most recent `capacity` ids; the oldest is forgotten first. */
export class BoundedIdSet {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }
}
