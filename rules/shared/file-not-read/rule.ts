// Files a scanned file points at that iac-guard refused to read (outside the scanned tree, a
// named pipe or device, over the size limit) are reported, never passed over in silence: what
// they hold is not checked, and the reader of a clean result should know.
import { defineRule } from '../../../src/rule-api/rule.js';

const FIX = {
  outside: 'Scan from a folder that holds both files (the repository root), or keep the file inside the repository.',
  'not-regular': 'Point it at a regular file.',
  'too-big': 'Point it at a smaller file.',
} as const;

const messages = {
  terraform: '`{{call}}` names `{{path}}`, which was not read: {{why}}. What the configuration does with its contents (a startup script, a policy) is not checked. {{fix}}',
  compose: '{{where}} names `{{path}}`, which was not read: {{why}}. What it holds (environment variables, a certificate) is not checked. {{fix}}',
  varsOpaque: '`{{file}}` is {{why}}, so the values it sets are not known: {{effect}}. {{fix}}',
} as const;

export default defineRule<keyof typeof messages>({
  id: 'file-not-read',
  severity: 'warning',
  category: 'coverage',
  docs: {
    summary: 'Files named by `file()`, `templatefile()`, Compose `env_file` or secrets that iac-guard did not read (outside the scanned tree, not a regular file, or over the size limit), and variables files it cannot read (encrypted with git-crypt, or templates).',
    why: 'iac-guard never reads files outside the repository it scans (a pull request could otherwise make it print `/etc/passwd` or CI secrets from `/proc/self/environ` into a report), nor named pipes and devices (which hang or never end). What such a file holds is then not checked, and a clean result must not hide that.',
    fix: 'Keep the file inside the repository and scan from the repository root, or point the reference at a regular file.',
    allow: 'Add `# iac-guard-ignore file-not-read: <reason>` above the line, or turn the rule off in `.iac-guard.yml`.',
  },
  messages,
  check: {
    terraform(model, ctx) {
      for (const v of model.opaqueVarFiles) {
        const effect = v.autoLoaded
          ? 'every variable of this root that nothing else sets counts as unknown, so findings that depend on them can only say what may happen'
          : 'terraform reads it only with -var-file, and the values it would pass are not checked';
        const fix = /git-crypt/.test(v.why)
          ? 'Scan after `git-crypt unlock` (in CI, with the key), or give the values with --var-file.'
          : /Terragrunt/.test(v.why)
            ? 'Write `inputs` as a plain object, or give the values with --var.'
            : 'Render it first and pass the result with --var-file.';
        const at = { file: v.file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
        ctx.report({ messageId: 'varsOpaque', at, data: { file: v.file, why: v.why, effect, fix } });
      }
      for (const unread of model.unreadFiles()) {
        ctx.report({ messageId: 'terraform', at: unread.at, data: { call: unread.call, path: unread.path, why: unread.why.error, fix: FIX[unread.why.refused] } });
      }
    },
    compose(project, ctx) {
      for (const ref of project.fileReferences()) {
        if (!ref.refused) continue;
        const where = ref.kind === 'env_file' ? `The env_file of service \`${ref.name}\`` : `The ${ref.kind} \`${ref.name}\``;
        ctx.report({ messageId: 'compose', at: ref.at, path: ref.kind === 'env_file' ? `services.${ref.name}.env_file` : `${ref.kind}s.${ref.name}.file`, data: { where, path: ref.path, why: ref.error ?? '', fix: FIX[ref.refused] } });
      }
    },
  },
});
