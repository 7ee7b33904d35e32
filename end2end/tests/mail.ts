import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The outbox the test server writes mail to (see playwright.config.ts). */
const outbox = path.join(os.tmpdir(), `rph-e2e-${Number(process.env.E2E_PORT ?? 3100)}`, 'outbox');

export type Mail = { to: string; subject: string; body: string };

function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parse(raw: string): Mail {
  const [head, ...rest] = raw.replace(/\r\n/g, '\n').split('\n\n');
  const header = (name: string) =>
    head.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
  let body = rest.join('\n\n');
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(body);
  if (encoding === 'base64') body = Buffer.from(body.replace(/\s/g, ''), 'base64').toString('utf8');
  return { to: header('To'), subject: header('Subject'), body };
}

/** Messages sent to an address so far, oldest first. */
export function mailTo(address: string): Mail[] {
  if (!fs.existsSync(outbox)) return [];
  return fs
    .readdirSync(outbox)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ f, at: fs.statSync(path.join(outbox, f)).mtimeMs }))
    .sort((a, b) => a.at - b.at)
    .map(({ f }) => parse(fs.readFileSync(path.join(outbox, f), 'utf8')))
    .filter((m) => m.to.includes(address));
}

/** The first link in a message that contains `fragment`. */
export function linkIn(mail: Mail, fragment: string): string {
  const link = mail.body.split(/\s+/).find((w) => w.startsWith('http') && w.includes(fragment));
  if (!link) throw new Error(`no link with ${fragment} in: ${mail.body}`);
  return link;
}

/** One event of an iCalendar file, its properties by name (parameters kept in the key). */
export type CalendarEvent = Record<string, string>;

/** A calendar attachment: its METHOD and events, read from the unfolded text. */
export type Calendar = { method: string; events: CalendarEvent[]; raw: string };

/**
 * The iCalendar attachments of the messages sent to an address, oldest first: the MIME
 * parts with `Content-Type: text/calendar`, base64-decoded, every line checked for CRLF
 * endings and for the 75-octet limit, then unfolded (RFC 5545 §3.1).
 */
export function calendarsTo(address: string): Calendar[] {
  if (!fs.existsSync(outbox)) return [];
  const files = fs
    .readdirSync(outbox)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ f, at: fs.statSync(path.join(outbox, f)).mtimeMs }))
    .sort((a, b) => a.at - b.at)
    .map(({ f }) => fs.readFileSync(path.join(outbox, f), 'utf8'))
    .filter((raw) => parse(raw).to.includes(address));
  const calendars: Calendar[] = [];
  for (const raw of files) {
    const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
    if (!boundary) continue;
    for (const part of raw.split(`--${boundary}`)) {
      const [head, ...rest] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
      if (!/Content-Type: text\/calendar/i.test(head)) continue;
      const text = Buffer.from(rest.join('\n').replace(/\s/g, ''), 'base64').toString('utf8');
      const lines = text.split('\r\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const line of lines) {
        if (line.includes('\n')) throw new Error(`a line ends without CR: ${JSON.stringify(line)}`);
        if (Buffer.byteLength(line, 'utf8') > 75) throw new Error(`a line longer than 75 octets: ${line}`);
      }
      const unfolded = text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '');
      const events: CalendarEvent[] = [];
      let method = '';
      let current: CalendarEvent | null = null;
      for (const line of unfolded) {
        const colon = line.indexOf(':');
        const [key, value] = [line.slice(0, colon), line.slice(colon + 1)];
        if (line === 'BEGIN:VEVENT') current = {};
        else if (line === 'END:VEVENT' && current) {
          events.push(current);
          current = null;
        } else if (current) current[key] = value;
        else if (key === 'METHOD') method = value;
      }
      calendars.push({ method, events, raw: text });
    }
  }
  return calendars;
}
