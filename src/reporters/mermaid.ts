// The "blast radius" of destructive findings as a Mermaid flowchart: each finding's resource
// points at the related resources it takes down with it (keys destroyed with a key ring, data
// encrypted with a key). GitHub renders ```mermaid blocks in comments and job summaries.
import type { RunResult } from '../core/types.js';
import { formatLocation, subjectOf } from './common.js';
import { mermaidLabel } from './markdown-escape.js';

/** Beyond this a graph stops being readable. */
export const MAX_BLAST_RADIUS_EDGES = 60;
/** Labels longer than this are cut (with …) so the graph stays legible and small. */
export const MAX_LABEL_LENGTH = 100;

function label(text: string): string {
  const chars = [...text]; // code points, so a cut never splits a surrogate pair
  return mermaidLabel(chars.length > MAX_LABEL_LENGTH ? `${chars.slice(0, MAX_LABEL_LENGTH - 1).join('')}…` : text);
}

/**
 * Mermaid source (without the code fence) drawing each unsuppressed finding's resource or path →
 * its related resources, the edge labelled with the related message; '' when there is nothing to
 * draw. Edges beyond MAX_BLAST_RADIUS_EDGES are counted in a visible note node.
 */
export function blastRadiusMermaid(result: RunResult): string {
  const nodeIds = new Map<string, string>();
  const flagged = new Set<string>();
  const edges: string[] = [];
  let omitted = 0;

  const node = (label: string) => {
    let id = nodeIds.get(label);
    if (!id) {
      id = `n${nodeIds.size + 1}`;
      nodeIds.set(label, id);
    }
    return id;
  };

  for (const f of result.findings) {
    if (f.suppressed) continue;
    for (const r of f.related ?? []) {
      if (r.resource === undefined) continue;
      if (edges.length >= MAX_BLAST_RADIUS_EDGES) {
        omitted++;
        continue;
      }
      const from = node(subjectOf(f) ?? formatLocation(f.location));
      flagged.add(from);
      edges.push(`  ${from} -->|"${label(r.message)}"| ${node(r.resource)}`);
    }
  }
  if (!edges.length) return '';
  const nodes = [...nodeIds].map(([text, id]) => `  ${id}["${label(text)}"]${flagged.has(id) ? ':::flagged' : ''}`);
  if (omitted) nodes.push(`  omitted["${omitted} more related resources not drawn"]`);
  return ['flowchart LR', ...nodes, ...edges, '  classDef flagged fill:#ffebe9,stroke:#cf222e,color:#1f2328'].join('\n');
}
