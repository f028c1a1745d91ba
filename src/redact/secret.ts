import { maskValue } from './mask.js';

/**
 * A credential that redacts itself: printing, logging or serialising it shows the mask,
 * only `reveal()` gives the value (xh's `Redacted`).
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return maskValue(this.#value);
  }
  toJSON(): string {
    return maskValue(this.#value);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return maskValue(this.#value);
  }
}
