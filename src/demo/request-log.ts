/** One request as seen by the demo server. */
export interface LoggedRequest {
  /** Arrival time, ms since the Unix epoch. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: Readonly<Record<string, string | string[]>>;
}

/** A bounded in-memory log of the most recent requests. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  constructor(private readonly capacity = 1000) {}

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) {
      this.entries.splice(0, this.entries.length - this.capacity);
    }
  }

  list(): readonly LoggedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
