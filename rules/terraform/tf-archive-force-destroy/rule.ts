import { defineRule } from '../../../src/rule-api/rule.js';
import { archiveNamed, BUCKET_WRITERS } from '../../../src/knowledge/data-stores.js';
import { findingPlace, type TerraformModule } from '../../../src/model/terraform.js';

/** Buckets whose force_destroy empties them on destroy. */
const BUCKETS = ['aws_s3_bucket', 'google_storage_bucket', 'digitalocean_spaces_bucket'];

export default defineRule({
  id: 'tf-archive-force-destroy',
  severity: 'error',
  category: 'data-loss',
  docs: {
    summary: '`force_destroy = true` on a bucket that holds Terraform state, audit logs, backups, logs or archives.',
    why: 'Without force_destroy, terraform refuses to delete a bucket that still holds objects: the last safeguard when a rename, a refactor or a `terraform destroy` in the wrong workspace would take the bucket with it. With it, every object goes without a question. For audit trails, state and backups that is the record you need after an incident, deleted by the incident. Buckets written by CloudTrail, AWS Config, access logging or flow logs, or named for state, audit, backups (errors) and logs or archives (warnings) are checked.',
    fix: 'Remove `force_destroy = true` (or set it to false), and add `lifecycle { prevent_destroy = true }` to buckets that keep state or audit logs. Empty the bucket on purpose when it really has to go.',
    allow: 'For scratch buckets whose contents do not matter, add `# iac-guard-ignore tf-archive-force-destroy: <reason>` above the attribute.',
  },
  messages: {
    forceDestroy:
      '{{address}} sets force_destroy = true on a bucket that holds {{holds}} ({{evidence}}): if the bucket is ever destroyed (a rename, a refactor, a destroy run), terraform deletes every object in it first, without asking. Remove force_destroy so that terraform refuses to delete a bucket that still holds data.',
  },
  check: {
    terraform(model, ctx) {
      const writers = writtenBuckets(model);
      for (const r of model.resources(BUCKETS)) {
        const flag = r.attr('force_destroy');
        // prevent_destroy already makes terraform refuse to destroy it.
        if (flag?.value() !== true || r.preventDestroy?.value() === true) continue;
        const written = writers.get(r.address);
        const named = archiveNamed(r.namesGiven(['bucket', 'bucket_prefix', 'name']));
        if (!written && !named) continue;
        const holds = written?.holds ?? named!.holds;
        const evidence = written ? `written by ${written.by}` : `going by its name (\`${named!.word}\`)`;
        const critical = written !== undefined || named!.critical;
        ctx.report({
          messageId: 'forceDestroy',
          data: { address: r.address, holds, evidence },
          ...findingPlace(flag),
          resource: r.address,
          ...(critical ? {} : { severity: 'warning' as const }),
        });
      }
    },
  },
});


/** Buckets (by address) that a CloudTrail, a log sink or access logging writes into. */
function writtenBuckets(model: TerraformModule): Map<string, { holds: string; by: string }> {
  const out = new Map<string, { holds: string; by: string }>();
  for (const writer of BUCKET_WRITERS) {
    for (const w of model.resources([writer.type])) {
      const source = w.attr(writer.attribute)?.source ?? '';
      for (const m of source.matchAll(/\b(aws_s3_bucket|google_storage_bucket)\.([A-Za-z0-9_-]+)/g)) {
        const address = w.address.slice(0, w.address.length - `${w.resourceType}.${w.name}`.length) + `${m[1]}.${m[2]}`;
        if (!out.has(address)) out.set(address, { holds: writer.holds, by: w.address });
      }
    }
  }
  return out;
}
