/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet: quoted when it holds a comma, quote,
 * CR/LF or edge spaces; a text starting with = + - @ (or tab, CR) gets a leading ' so a label
 * like `=HYPERLINK(...)` stays text instead of becoming a formula (OWASP's CSV injection rule);
 * control characters other than tab, CR and LF are dropped. Numbers are written as they are.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
