// PEM certificate extraction and the calendar-day expiry judgement.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase64Pem, expiryOn, findCertificates, PEM_BEGIN } from '../src/parsers/pem.js';

const FIXTURES = join(import.meta.dirname, '../rules/shared/certificate-expiry/fixtures');
/** Self-signed test certificate, valid 2024-01-01 → 2025-01-01 (key thrown away). */
const EXPIRED = readFileSync(join(FIXTURES, 'bad/compose-files/certs/server.crt'), 'utf8');
/** A bundle: a comment line, then a certificate valid to 2030-01-01 and one valid to 2026-12-10. */
const BUNDLE = readFileSync(join(FIXTURES, 'bad/compose-files/certs/ca-bundle.pem'), 'utf8');

describe('findCertificates', () => {
  it('parses subject, issuer and validity, at the offset of each BEGIN marker', () => {
    const blocks = findCertificates(BUNDLE);
    expect(blocks.map((b) => (b.ok ? [b.offset, b.subject, b.notAfter.toISOString()] : b))).toEqual([
      [BUNDLE.indexOf(PEM_BEGIN), 'CN=valid.example.test, O=iac-guard test', '2030-01-01T00:00:00.000Z'],
      [BUNDLE.lastIndexOf(PEM_BEGIN), 'CN=expiring.example.test, O=iac-guard test', '2026-12-10T00:00:00.000Z'],
    ]);
    const [expired] = findCertificates(EXPIRED);
    expect(expired).toMatchObject({ ok: true, issuer: 'CN=expired.example.test, O=iac-guard test', offset: 0 });
  });

  it('reads PEM indented in YAML or with escaped newlines in a quoted string', () => {
    const indented = EXPIRED.split('\n').map((l) => `    ${l}`).join('\n');
    const escaped = EXPIRED.trim().split('\n').join('\\n');
    expect(findCertificates(indented)[0]).toMatchObject({ ok: true, offset: 4 });
    expect(findCertificates(escaped)[0]).toMatchObject({ ok: true, offset: 0 });
  });

  it('says why a block cannot be read', () => {
    expect(findCertificates(`${PEM_BEGIN}\n-----END CERTIFICATE-----`)[0]).toMatchObject({ ok: false, reason: 'the block is empty' });
    expect(findCertificates(`${PEM_BEGIN}\nMIIB...\n-----END CERTIFICATE-----`)[0]).toMatchObject({ ok: false, reason: expect.stringContaining('not base64') });
    expect(findCertificates(`${PEM_BEGIN}\nAAAA\n-----END CERTIFICATE-----`)[0]).toMatchObject({ ok: false, reason: expect.stringContaining('not a valid X.509') });
    const unterminated = findCertificates(`${PEM_BEGIN}\nAAAA\n${EXPIRED}`);
    expect(unterminated.map((b) => b.ok)).toEqual([false, true]);
    expect(unterminated[0]).toMatchObject({ reason: expect.stringContaining('no matching') });
  });

  it('finds nothing in text without certificates', () => {
    expect(findCertificates('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toEqual([]);
  });
});

describe('decodeBase64Pem', () => {
  it('decodes base64 of a PEM file (as in Kubernetes `tls.crt`), wrapped or not', () => {
    const b64 = Buffer.from(EXPIRED).toString('base64');
    expect(decodeBase64Pem(b64)).toBe(EXPIRED);
    expect(decodeBase64Pem(b64.replace(/(.{76})/g, '$1\n'))).toBe(EXPIRED);
  });

  it('leaves other values alone', () => {
    expect(decodeBase64Pem('aGVsbG8gd29ybGQ=')).toBeUndefined();
    expect(decodeBase64Pem(Buffer.from('-----BEGIN PUBLIC KEY-----').toString('base64'))).toBeUndefined();
    expect(decodeBase64Pem('LS0tLS1CRUdJTi not base64')).toBeUndefined();
  });
});

describe('expiryOn (calendar days, UTC)', () => {
  const at = (iso: string) => new Date(iso);
  it('is expired when the last valid day is before today', () => {
    expect(expiryOn(at('2026-11-21T23:59:59Z'), '2026-11-22', 30)).toEqual({ state: 'expired', daysLeft: -1, notAfterDay: '2026-11-21' });
  });
  it('is expiring from the last day back to warnDays before it', () => {
    expect(expiryOn(at('2026-11-22T08:00:00Z'), '2026-11-22', 30)).toMatchObject({ state: 'expiring', daysLeft: 0 });
    expect(expiryOn(at('2026-12-22T00:00:00Z'), '2026-11-22', 30)).toMatchObject({ state: 'expiring', daysLeft: 30 });
    expect(expiryOn(at('2026-12-23T00:00:00Z'), '2026-11-22', 30)).toMatchObject({ state: 'valid', daysLeft: 31 });
    expect(expiryOn(at('2026-12-10T00:00:00Z'), '2026-11-22', 7)).toMatchObject({ state: 'valid', daysLeft: 18 });
  });
});
