/** commander helper: a repeatable option collects its values in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
