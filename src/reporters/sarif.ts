// SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps, IDE viewers). The tests validate
// this output against the official OASIS schema in test/fixtures/sarif/.
import { fingerprints } from '../core/fingerprint.js';
import type { FileError, Location, RelatedLocation, RuleMeta, Severity } from '../core/types.js';
import { formatErrorPlace, stringifyJson } from './common.js';
import type { Reporter, ReportOptions } from './types.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Versioned so a future change of what is hashed does not silently re-open every alert. */
export const FINGERPRINT_KEY = 'iacGuardFindingHash/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

const encodeSegments = (segments: string[]) => segments.map((s) => encodeURIComponent(s)).join('/');

/**
 * A display path as a SARIF artifactLocation: relative paths become percent-encoded URI references
 * against %SRCROOT% (so `a:b.yml` or `x#y.tf` cannot be read as a scheme or fragment); absolute
 * paths become file:// URIs.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const windowsAbsolute = /^([A-Za-z]):[\\/]/.exec(file);
  if (windowsAbsolute) {
    return { uri: `file:///${windowsAbsolute[1]}:/${encodeSegments(file.slice(3).split(/[\\/]/))}` };
  }
  if (file.startsWith('/')) return { uri: `file://${encodeSegments(file.split('/'))}` };
  return { uri: encodeSegments(file.split('/')), uriBaseId: '%SRCROOT%' };
}

/** SARIF needs lines and columns ≥ 1 and an end that is not before the start. */
function region(l: Location) {
  const startLine = Math.max(1, l.range.start.line);
  const startColumn = Math.max(1, l.range.start.column);
  const endLine = Math.max(startLine, l.range.end.line);
  const endColumn = endLine === startLine ? Math.max(startColumn, l.range.end.column) : Math.max(1, l.range.end.column);
  return { startLine, startColumn, endLine, endColumn };
}

const physicalLocation = (l: Location) => ({ artifactLocation: artifactLocation(l.file), region: region(l) });

function logicalLocations(f: { resource?: string; path?: string }) {
  if (f.resource !== undefined) return [{ fullyQualifiedName: f.resource, kind: 'resource' }];
  if (f.path !== undefined) return [{ fullyQualifiedName: f.path, kind: 'property' }];
  return undefined;
}

function relatedLocation(r: RelatedLocation, id: number) {
  const logical = logicalLocations(r);
  return {
    id,
    message: { text: r.message },
    ...(r.location ? { physicalLocation: physicalLocation(r.location) } : {}),
    ...(logical ? { logicalLocations: logical } : {}),
  };
}

/** PascalCase of the kebab-case id: SARIF wants `name` to be an identifier-like string. */
const ruleName = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());

/**
 * GitHub ranks code-scanning alerts by `security-severity` (0-10: ≥ 7 high, ≥ 4 medium, else low).
 * Everything iac-guard blocks by default destroys data or opens a system up: high; warnings are
 * things to look at: medium.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

function ruleDescriptor(rule: RuleMeta, options: ReportOptions) {
  const { summary, why, fix, allow } = rule.docs;
  const helpUri = options.tool.rulesDocsUri && options.documentedRules?.has(rule.id) ? `${options.tool.rulesDocsUri}${rule.id}.md` : undefined;
  return {
    id: rule.id,
    name: ruleName(rule.id),
    ...(helpUri ? { helpUri } : {}),
    shortDescription: { text: summary },
    fullDescription: { text: why },
    help: {
      text: `Fix: ${fix}${allow ? `\n\nAllow deliberately: ${allow}` : ''}`,
      markdown: `**Fix:** ${fix}${allow ? `\n\n**Allow deliberately:** ${allow}` : ''}`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { category: rule.category, tags: ['security', 'iac', rule.category], 'security-severity': SECURITY_SEVERITY[rule.severity] },
  };
}

function notification(e: FileError) {
  const where = e.line ? { region: { startLine: e.line, ...(e.column ? { startColumn: e.column } : {}) } } : {};
  return {
    level: 'error',
    message: { text: `${formatErrorPlace(e)}: ${e.message}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(e.file), ...where } }],
  };
}

export const sarifReporter: Reporter = (result, options) => {
  const rules: (ReturnType<typeof ruleDescriptor> | { id: string; name: string })[] = result.rules.map((r) => ruleDescriptor(r, options));
  // A finding whose rule is not in the run's rule list (should not happen) still gets a descriptor,
  // so every ruleIndex points somewhere.
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  for (const f of result.findings) {
    if (!ruleIndex.has(f.ruleId)) {
      ruleIndex.set(f.ruleId, rules.length);
      rules.push({ id: f.ruleId, name: ruleName(f.ruleId) });
    }
  }
  const hashes = fingerprints(result.findings);

  const results = result.findings.map((f, i) => {
    const logical = logicalLocations(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [{ physicalLocation: physicalLocation(f.location), ...(logical ? { logicalLocations: logical } : {}) }],
      ...(f.related?.length ? { relatedLocations: f.related.map((r, id) => relatedLocation(r, id + 1)) } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: hashes[i]! },
      ...(f.relaxed ? { properties: { 'iac-guard/relaxedFrom': f.relaxed.from, 'iac-guard/relaxedReason': f.relaxed.reason } } : {}),
      ...(f.suppressed
        ? {
            suppressions: [
              {
                kind: f.suppression?.kind === 'inline' ? 'inSource' : 'external',
                status: 'accepted',
                justification: `${f.suppression?.reason ?? ''}${f.suppression?.expires ? ` (until ${f.suppression.expires})` : ''}`,
              },
            ],
          }
        : {}),
    };
  });

  return stringifyJson({
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.tool.name,
            version: options.tool.version,
            semanticVersion: options.tool.version,
            ...(options.tool.informationUri ? { informationUri: options.tool.informationUri } : {}),
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: result.errors.length === 0,
            ...(result.errors.length ? { toolExecutionNotifications: result.errors.map(notification) } : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  });
};
