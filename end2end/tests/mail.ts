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
