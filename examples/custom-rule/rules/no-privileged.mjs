// A custom iac-guard rule, in plain JavaScript: no Compose service may run `privileged: true`.
// Loaded through `.iac-guard.yml` (`plugins: [./rules/no-privileged.mjs]`); the module's
// default export is one rule, or an array of rules, made with defineRule.
import { defineRule } from 'iac-guard';

export default defineRule({
  // kebab-case, stable forever; prefix your own rules so they never collide with built-in ones.
  id: 'acme-no-privileged',
  severity: 'error',
  category: 'exposure',
  docs: {
    summary: 'A Compose service runs with `privileged: true`.',
    why: 'A privileged container has every kernel capability and all host devices: whoever gets into it (a bad image, an app bug) owns the host and every other container on it.',
    fix: 'Remove `privileged: true` and grant only what the service needs with `cap_add` (e.g. `NET_ADMIN`) or `devices`.',
    allow: 'Put `# iac-guard-ignore acme-no-privileged: <why>` above the key, or add an `allow` entry for the service path.',
  },
  // `{{name}}` placeholders are filled from `data` in ctx.report.
  messages: {
    privileged:
      '{{path}} runs the container privileged, so anyone who breaks into it owns the host; remove it and add only the capabilities it needs with `cap_add`.',
  },
  check: {
    // One handler per input kind: plan, terraform, compose, helm (and `project` for cross-file checks).
    compose(project, ctx) {
      for (const service of project.services()) {
        const node = service.get('privileged');
        if (node?.kind !== 'scalar' || String(node.value) !== 'true') continue;
        const path = `${service.path}.privileged`;
        // Point at the exact key; the engine adds rule id, severity and suppression state.
        ctx.report({ messageId: 'privileged', data: { path }, at: node.keyAt ?? node.at, path });
      }
    },
  },
});
