import { defineRule } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { BOOT_SCRIPT_ATTRIBUTES, BOOT_SCRIPT_METADATA_KEYS, scriptProblems } from '../../../src/knowledge/terraform-scripts.js';
import type { Attribute, Resource, TextLine } from '../../../src/model/terraform.js';

const messages = {
  opens:
    '{{address}} runs `{{command}}` at boot ({{attribute}}), which switches the host firewall off and leaves every port the machine listens on reachable. Remove it; keep the firewall on and allow only the ports you serve (e.g. `ufw allow 443/tcp`).',
  neverEnabled:
    '{{address}} installs ufw at boot ({{attribute}}: `{{command}}`) but never runs `ufw enable`, so the firewall stays off and every port the machine listens on is reachable. Add `ufw --force enable` after the `ufw allow` rules.',
} as const;

/** The boot-script attributes of a resource, `metadata.startup-script` included, with their names. */
function bootScripts(r: Resource): { attr: Attribute; name: string }[] {
  const out: { attr: Attribute; name: string }[] = [];
  for (const name of BOOT_SCRIPT_ATTRIBUTES) {
    const attr = r.attr(name);
    if (attr) out.push({ attr, name });
  }
  const metadata = r.attr('metadata');
  for (const key of BOOT_SCRIPT_METADATA_KEYS) {
    const attr = metadata?.element(key);
    if (attr) out.push({ attr, name: `metadata.${key}` });
  }
  return out;
}

function at(line: TextLine, index: number): Location {
  if (!line.exact) return line.location;
  const start = line.location.range.start;
  const pos = { line: start.line, column: start.column + index };
  return { file: line.location.file, range: { start: pos, end: pos } };
}

export default defineRule({
  id: 'tf-host-firewall-disabled',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'Boot scripts (user_data, cloud-init, startup-script) that switch the host firewall off, or install ufw and never enable it.',
    why: 'A machine whose own firewall is off relies on nothing else: every database, admin panel or debug port it listens on is reachable. `apt install ufw` followed by `ufw allow` rules but no `ufw enable` looks protected in review and is not, as happened in production.',
    fix: 'Do not run `ufw disable`, `systemctl stop firewalld`, `iptables -F` or `iptables -P INPUT ACCEPT` at boot. After adding ufw rules, run `ufw --force enable`.',
    allow: 'Add `# iac-guard-ignore tf-host-firewall-disabled: <reason>` above the attribute in the .tf file, or above the line in the script read with file() (for hosts protected by a cloud firewall only).',
  },
  messages,
  check: {
    terraform(model, ctx) {
      for (const r of model.resources()) {
        for (const { attr, name: attribute } of bootScripts(r)) {
          const lines = attr.textLines();
          if (!lines) continue;
          for (const p of scriptProblems(lines.map((l) => l.text))) {
            const line = lines[p.line]!;
            ctx.report({
              messageId: p.kind,
              data: { address: r.address, command: p.command, attribute },
              at: at(line, p.index),
              resource: r.address,
              ...(line.location.file !== attr.location.file ? { related: [{ message: `${attribute} of ${r.address}`, location: attr.location, resource: r.address }] } : {}),
            });
          }
        }
      }
    },
  },
});
