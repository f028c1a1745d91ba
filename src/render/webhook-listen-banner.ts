/** What `webhook listen` says on stderr when it starts. Pure. */

/** `apitest: listening on http://127.0.0.1:9000/ (scheme github, forwarding to ...; Ctrl-C to stop)` */
export function renderListenBanner(url: string, scheme: string, forward: string | undefined, maxEvents: number | null): string {
  const parts = [`scheme ${scheme}`];
  if (forward !== undefined) parts.push(`forwarding to ${forward}`);
  if (maxEvents !== null) parts.push(`exits after ${maxEvents} deliver${maxEvents === 1 ? 'y' : 'ies'}`);
  return `apitest: listening on ${url} (${parts.join(', ')}; Ctrl-C to stop)\n`;
}

/** The warning for a receiver bound to an address other machines can reach. */
export function renderExposedHostWarning(host: string): string {
  return `apitest: warning: listening on ${host}: other machines can reach this receiver\n`;
}
