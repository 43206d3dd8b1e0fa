// The JSON contract, version 1 (docs/json-format.md). Objects are built key by key so the key
// order is part of the contract; optional keys are left out rather than set to null.
import type { FileError, Finding, RelatedLocation } from '../core/types.js';
import { countResult, stringifyJson } from './common.js';
import type { Reporter } from './types.js';

export const JSON_FORMAT_VERSION = 2;

function relatedJson(r: RelatedLocation) {
  return {
    message: r.message,
    ...(r.location
      ? { file: r.location.file, line: r.location.range.start.line, column: r.location.range.start.column }
      : {}),
    ...(r.resource !== undefined ? { resource: r.resource } : {}),
  };
}

function findingJson(f: Finding) {
  const { start, end } = f.location.range;
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.location.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.related?.length ? { related: f.related.map(relatedJson) } : {}),
    ...(f.relaxed ? { relaxed: { from: f.relaxed.from, reason: f.relaxed.reason } } : {}),
    suppressed: f.suppressed,
    ...(f.suppressed && f.suppression
      ? {
          suppression: {
            kind: f.suppression.kind,
            reason: f.suppression.reason,
            ...(f.suppression.expires !== undefined ? { expires: f.suppression.expires } : {}),
          },
        }
      : {}),
  };
}

const errorJson = (e: FileError) => ({
  file: e.file,
  message: e.message,
  ...(e.line !== undefined ? { line: e.line } : {}),
  ...(e.column !== undefined ? { column: e.column } : {}),
});

export const jsonReporter: Reporter = (result, options) => {
  const c = countResult(result, options.failOn);
  return stringifyJson({
    version: JSON_FORMAT_VERSION,
    tool: { name: options.tool.name, version: options.tool.version },
    findings: result.findings.map(findingJson),
    errors: result.errors.map(errorJson),
    ...(result.skipped?.length ? { skipped: result.skipped.map((x) => ({ file: x.file, kind: x.kind, reason: x.reason })) } : {}),
    summary: {
      files: c.files,
      findings: c.findings,
      blocking: c.blocking,
      suppressed: c.suppressed,
      leftOut: c.leftOut,
      errors: c.errors,
    },
  });
};
