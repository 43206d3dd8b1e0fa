// Values a release is given that iac-guard could not read (a variable with no value, a template
// that is YAML only once terraform renders it, a values file that does not exist) are reported,
// never passed over: the Helm rules did not see them, and a clean result must not hide that.
import { defineRule } from '../../../src/rule-api/rule.js';

const messages = {
  unread:
    '{{what}} in the values of {{release}} was not read: {{why}}. The Helm rules did not see what it sets (image tags, exposure, backups); {{fix}}.',
} as const;

export default defineRule<keyof typeof messages>({
  id: 'helm-values-unread',
  severity: 'warning',
  category: 'coverage',
  docs: {
    summary: 'Values of a Terraform helm_release that could not be read: a variable with no value, a template that is YAML only once rendered, a values file that does not exist.',
    why: 'A helm_release often takes its values from a variable set by CI or from a template. iac-guard does not run terraform, so such values are unknown, and whatever they set (an image tag, a public service, backups off) goes unchecked; the result must say so rather than pass in silence.',
    fix: 'Pass the variable with `--var`/`--var-file` when scanning, or keep the values in a YAML file read with `file()` (templated parts may stay `${...}`: they are left unjudged, the rest is checked).',
    allow: 'Add `# iac-guard-ignore helm-values-unread: <reason>` above the line, or turn the rule off in `.iac-guard.yml`.',
  },
  messages,
  check: {
    helm(release, ctx) {
      for (const u of release.unreadValues) {
        ctx.report({ messageId: 'unread', at: u.at, ...(release.deployedBy ? { resource: release.deployedBy } : {}), data: { what: u.what, release: release.deployedBy ?? 'this release', why: u.why, fix: u.fix } });
      }
    },
  },
});
