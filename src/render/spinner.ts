import type { Io } from '../io.js';

export interface Spinner {
  text(value: string): void;
  stop(): void;
}

/** An ora spinner on stderr. Loaded only when shown (stderr is a TTY and CI is unset). */
export async function startSpinner(text: string, io: Io): Promise<Spinner> {
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.stderr as NodeJS.WritableStream, discardStdin: false }).start();
  return {
    text: (value) => {
      spinner.text = value;
    },
    stop: () => spinner.stop(),
  };
}
