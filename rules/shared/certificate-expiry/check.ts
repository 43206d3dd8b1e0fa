// Judges certificate blocks found by any handler and reports them the same way everywhere.
import type { RuleContext } from '../../../src/rule-api/rule.js';
import type { Location, Position } from '../../../src/core/types.js';
import { expiryOn, type CertificateBlock } from '../../../src/parsers/pem.js';
import type { MessageId, Options } from './spec.js';

export interface CertificateSite {
  /** "`ingress.tls.crt` (default of chart web)": the value holding the certificates. */
  where: string;
  /** YAML path or Terraform variable, for allow entries. */
  path?: string;
  resource?: string;
  /** Where to point for the n-th block (the line of its BEGIN marker when known). */
  locate: (index: number, block: CertificateBlock) => Location;
  /** The value is a template (`{{ }}`, `${}`): a block that does not parse is not its final text. */
  templated: boolean;
}

export function reportCertificates(blocks: CertificateBlock[], site: CertificateSite, ctx: RuleContext<MessageId, Options>): void {
  const warnDays = Number(ctx.options.warnDays);
  // One value with many unreadable blocks is one thing to fix: report the first, count the rest.
  const unreadable = blocks.filter((b) => !b.ok).length;
  let unreadableReported = false;
  blocks.forEach((block, i) => {
    // Located only when reported: finding a position in a long value costs a pass over it.
    const base = () => ({
      at: site.locate(i, block),
      ...(site.path ? { path: site.path } : {}),
      ...(site.resource ? { resource: site.resource } : {}),
    });
    if (!block.ok) {
      if (site.templated || unreadableReported) return;
      unreadableReported = true;
      const others = unreadable - 1;
      const reason = others ? `${block.reason}; ${others === 1 ? '1 more block' : `${others} more blocks`} in it cannot be read either` : block.reason;
      ctx.report({ ...base(), messageId: 'unparsable', data: { where: site.where, reason }, severity: 'warning' });
      return;
    }
    const expiry = expiryOn(block.notAfter, ctx.today, Number.isFinite(warnDays) ? warnDays : 30);
    if (expiry.state === 'valid') return;
    const issuer = block.issuer === block.subject ? 'itself: self-signed' : block.issuer;
    const data = { where: site.where, subject: block.subject, issuer, notAfter: expiry.notAfterDay };
    if (expiry.state === 'expired') ctx.report({ ...base(), messageId: 'expired', data });
    else {
      const days = expiry.daysLeft === 0 ? 'today' : expiry.daysLeft === 1 ? 'in 1 day' : `in ${expiry.daysLeft} days`;
      ctx.report({ ...base(), messageId: 'expiring', data: { ...data, days }, severity: 'warning' });
    }
  });
}

/**
 * The position of `offset` in `text`, where `text` starts at `start` in its file (the value of an
 * attribute) or at 1:1 (a whole file).
 */
export function positionIn(text: string, offset: number, start: Position = { line: 1, column: 1 }): Position {
  const before = text.slice(0, offset);
  const newlines = before.split('\n').length - 1;
  if (newlines === 0) return { line: start.line, column: start.column + offset };
  return { line: start.line + newlines, column: offset - before.lastIndexOf('\n') };
}

/** A one-character-wide location at `offset` of `text`. */
export function locationIn(file: string, text: string, offset: number, start?: Position): Location {
  const p = positionIn(text, offset, start);
  return { file, range: { start: p, end: { line: p.line, column: p.column + 1 } } };
}
