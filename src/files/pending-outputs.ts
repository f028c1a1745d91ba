/**
 * The outputs whose temporary file is not yet renamed into place or removed. Kept apart from output-target.ts so
 * main can clean up at its end (and on SIGINT/SIGTERM) without loading the file code a run did not use.
 */
export interface PendingOutput {
  discard(): Promise<void>;
}

const pending = new Set<PendingOutput>();

export function addPending(output: PendingOutput): void {
  pending.add(output);
}

export function removePending(output: PendingOutput): void {
  pending.delete(output);
}

/** Removes every temporary file still pending: nothing is left behind, whatever happened. */
export async function discardPendingOutputs(): Promise<void> {
  await Promise.all([...pending].map((output) => output.discard()));
}
