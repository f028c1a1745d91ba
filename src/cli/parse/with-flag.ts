import { UsageError } from '../../errors.js';

/** Runs a parser for one flag; a usage error it throws is reported with the flag's name in front. */
export function withFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError && !error.message.startsWith(`${flag}:`)) {
      throw new UsageError(`${flag}: ${error.message}`, { code: error.code, ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error });
    }
    throw error;
  }
}
