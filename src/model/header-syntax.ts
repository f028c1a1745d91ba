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

/**
 * A legal header name apitest cannot send: `__proto__` (any case). got, the HTTP client, keeps headers in a plain
 * object, where setting that key changes the object's prototype instead: the header would vanish without a word.
 */
export function unsendableHeaderName(name: string): { problem: string; hint: string } | null {
  return name.toLowerCase() === '__proto__' ? { problem: `a header named ${JSON.stringify(name)} cannot be sent`, hint: "apitest's HTTP client keeps headers in a JavaScript object, where that name is reserved" } : null;
}

/** Why a header cannot be sent (its name, then its value), or null when it can. */
export function headerProblem(name: string, value: string): { problem: string; hint: string } | null {
  if (!HEADER_NAME.test(name)) return { problem: `invalid header name ${JSON.stringify(name)}`, hint: "header names are letters, digits and !#$%&'*+-.^_`|~" };
  const unsendable = unsendableHeaderName(name);
  if (unsendable !== null) return unsendable;
  const problem = headerValueProblem(value);
  if (problem !== null) return { problem: `the value of header ${name} ${problem}`, hint: 'header values are a single line of Latin-1 text' };
  return null;
}
