/** One delivery received by `POST /webhooks`. */
export interface WebhookDelivery {
  readonly id: number;
  /** ms since the Unix epoch. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly size: number;
  readonly bodyBase64: string;
}

/** Keeps the most recent webhook deliveries (default 100). */
export class WebhookStore {
  private deliveries: WebhookDelivery[] = [];
  private nextId = 1;

  constructor(private readonly capacity = 100) {}

  add(data: Omit<WebhookDelivery, 'id'>): WebhookDelivery {
    const delivery: WebhookDelivery = { id: this.nextId++, ...data };
    this.deliveries.push(delivery);
    if (this.deliveries.length > this.capacity) {
      this.deliveries.splice(0, this.deliveries.length - this.capacity);
    }
    return delivery;
  }

  list(): readonly WebhookDelivery[] {
    return [...this.deliveries];
  }

  clear(): number {
    const count = this.deliveries.length;
    this.deliveries = [];
    return count;
  }
}
