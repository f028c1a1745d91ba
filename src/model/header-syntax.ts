/**
 * What HTTP allows in a header: a name is an RFC 9110 token; a value is visible ASCII, Latin-1 bytes, spaces
 * and tabs — no control characters (CR/LF would inject headers) and nothing Node would refuse to send.
 */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Why a header value cannot be sent, or null when it can. */
export function headerValueProblem(value: string): string | null {
  const bad = INVALID_VALUE.exec(value);
  if (!bad) return null;
  const char = bad[0];
  if (char === '\r' || char === '\n' || char === '\0') return 'contains a CR, LF or NUL character';
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f
    ? `contains the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `contains ${JSON.stringify(char)}, which is not a Latin-1 character (header values are bytes)`;
}
