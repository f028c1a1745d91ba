/**
 * XML 1.0 escaping for the JUnit reporter. Characters XML cannot carry (C0 controls other than tab, LF
 * and CR; U+FFFE/U+FFFF; lone surrogates) and the discouraged C1 controls are dropped; markup characters
 * are escaped; attributes also keep tabs and line breaks as character references.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXml(text: string): string {
  return text.replace(NOT_XML, '');
}

export function xmlText(text: string): string {
  return stripInvalidXml(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** `<name a="1" b="2"` with escaped attribute values (the caller closes the tag). */
export function openTag(name: string, attrs: Record<string, string | number>): string {
  const parts = Object.entries(attrs).map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`);
  return `<${name}${parts.join('')}`;
}
