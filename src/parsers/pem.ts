// X.509 certificates embedded in configuration: PEM blocks in text, and PEM that was base64-encoded
// once more (Kubernetes `tls.crt` values). Parsing uses Node's own X509Certificate: no OpenSSL binary.
import { X509Certificate } from 'node:crypto';

export const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';
const PEM_END = '-----END CERTIFICATE-----';
/** base64 of "-----BEGIN" — how a base64-encoded PEM file always starts. */
const BASE64_PEM_PREFIX = 'LS0tLS1CRUdJTi';

export interface ParsedCertificate {
  ok: true;
  /** `CN=api.example.com, O=Example` */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

export interface BrokenCertificate {
  ok: false;
  /** Why it could not be read, in a few words. */
  reason: string;
}

export type CertificateBlock = (ParsedCertificate | BrokenCertificate) & {
  /** Offset of `-----BEGIN CERTIFICATE-----` in the text that was searched. */
  offset: number;
};

/** Every `-----BEGIN CERTIFICATE-----` block in a text, parsed or with the reason it is not. */
export function findCertificates(text: string): CertificateBlock[] {
  const out: CertificateBlock[] = [];
  // Each search starts where the last one ended, so the text is read once however many markers
  // it holds (200,000 BEGIN lines without an END would otherwise be read 200,000 times).
  let end: number | undefined; // the first END at or after `begin`; -1 once there is none left
  for (let begin = text.indexOf(PEM_BEGIN); begin >= 0; ) {
    const next = text.indexOf(PEM_BEGIN, begin + PEM_BEGIN.length);
    if (end === undefined || (end >= 0 && end < begin)) end = text.indexOf(PEM_END, begin);
    const current = begin;
    begin = next;
    if (end < 0 || (next >= 0 && next < end)) {
      out.push({ ok: false, reason: 'no matching -----END CERTIFICATE----- line', offset: current });
      continue;
    }
    out.push({ ...parseBlock(text.slice(current, end + PEM_END.length)), offset: current });
  }
  return out;
}

function parseBlock(pem: string): ParsedCertificate | BrokenCertificate {
  // Config files indent and quote PEM; the base64 between the markers is what matters.
  const body = pem.slice(PEM_BEGIN.length, pem.length - PEM_END.length).replace(/\\[nr]/g, '').replace(/[\s"']/g, '');
  if (!body) return { ok: false, reason: 'the block is empty' };
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) return { ok: false, reason: 'its body is not base64: a placeholder, or cut short' };
  try {
    const cert = new X509Certificate(Buffer.from(body, 'base64'));
    return {
      ok: true,
      subject: oneLine(cert.subject),
      issuer: oneLine(cert.issuer),
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
    };
  } catch (e) {
    return { ok: false, reason: `not a valid X.509 certificate: ${(e as Error).message.replace(/^error:[0-9A-F]+:/i, '').trim()}` };
  }
}

const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ') || '(empty)';

/**
 * The PEM text inside a value that is base64 of a PEM file (`tls.crt: LS0tLS1CRUdJTi...`), or
 * undefined when the value is not one.
 */
export function decodeBase64Pem(value: string): string | undefined {
  const compact = value.replace(/\s/g, '');
  if (!compact.startsWith(BASE64_PEM_PREFIX) || !/^[A-Za-z0-9+/]+=*$/.test(compact)) return undefined;
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  return decoded.includes(PEM_BEGIN) ? decoded : undefined;
}

export interface Expiry {
  state: 'expired' | 'expiring' | 'valid';
  /** Whole days from `today` to the expiry day (negative when expired). */
  daysLeft: number;
  /** YYYY-MM-DD (UTC) of notAfter. */
  notAfterDay: string;
}

/**
 * Judges a certificate on a calendar day (UTC), as the rest of the tool does with dates:
 * a certificate whose last valid day is before today is expired; one that ends today or within
 * `warnDays` days is expiring.
 */
export function expiryOn(notAfter: Date, today: string, warnDays: number): Expiry {
  const notAfterDay = notAfter.toISOString().slice(0, 10);
  const daysLeft = Math.round((Date.parse(`${notAfterDay}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  const state = daysLeft < 0 ? 'expired' : daysLeft <= warnDays ? 'expiring' : 'valid';
  return { state, daysLeft, notAfterDay };
}
