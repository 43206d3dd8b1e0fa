import { defineRule } from '../../../src/rule-api/rule.js';
import { COPY_OF, ENCRYPTION_SETTINGS, PUBLIC_ADDRESS_SETTINGS, type StoreSetting } from '../../../src/knowledge/data-stores.js';
import { findingPlace, type Resource } from '../../../src/model/terraform.js';

export default defineRule({
  id: 'tf-data-store-exposed',
  severity: 'warning',
  category: 'exposure',
  docs: {
    summary: 'Databases given a public address (`publicly_accessible = true`), and data stores with encryption at rest or between nodes off.',
    why: 'A database with a public address is one security-group or firewall mistake away from the internet; the address itself is what lets that mistake matter. Encryption at rest keeps disks, snapshots and backups unreadable to whoever obtains them outside the database (a shared snapshot, a retired disk), and for most engines it can only be chosen when the store is created: turning it on later means a new store and a migration. Node-to-node encryption keeps data private on the network between a cluster\'s nodes. These are warnings: they weaken a defence rather than destroy data.',
    fix: 'Set `publicly_accessible = false` and reach the database from inside the network (a bastion, a VPN, a private endpoint). Turn encryption on when the store is created: `storage_encrypted = true` (RDS, Aurora, DocumentDB, Neptune), `encrypt_at_rest { enabled = true }` and `node_to_node_encryption { enabled = true }` (OpenSearch/Elasticsearch), `at_rest_encryption_enabled = true` (ElastiCache).',
    allow: 'Where it is deliberate, add `# iac-guard-ignore tf-data-store-exposed: <reason>` above the resource or attribute.',
  },
  messages: {
    publicAddress:
      '{{address}} sets {{attribute}} = true, so the database gets an address on the internet: only its security groups stand between it and every scanner, and one broad rule exposes it. Set it to false and connect from inside the network.',
    encryptionOff:
      '{{address}} {{state}}, so {{what}} is off: its data, snapshots and backups are stored readable by anyone who gets a copy of them. {{fix}}',
    transitOff:
      '{{address}} {{state}}, so {{what}} is off: its data crosses the network unencrypted, readable by anything that can watch that network. {{fix}}',
  },
  check: {
    terraform(model, ctx) {
      const types = new Set([...ENCRYPTION_SETTINGS, ...PUBLIC_ADDRESS_SETTINGS].flatMap((s) => s.types));
      for (const r of model.resources((t) => types.has(t))) {
        for (const setting of PUBLIC_ADDRESS_SETTINGS.filter((s) => s.types.includes(r.resourceType))) {
          const attr = r.attr(setting.path);
          if (attr?.value() === true) {
            ctx.report({ messageId: 'publicAddress', data: { address: r.address, attribute: setting.path }, ...findingPlace(attr), resource: r.address });
          }
        }
        // A replica or a restore takes its encryption from its source.
        if (COPY_OF.some((a) => r.sets(a))) continue;
        for (const setting of ENCRYPTION_SETTINGS.filter((s) => s.types.includes(r.resourceType))) {
          const off = encryptionOff(r, setting);
          if (!off) continue;
          ctx.report({
            messageId: setting.kind === 'in-transit' ? 'transitOff' : 'encryptionOff',
            data: {
              address: r.address,
              state: off.state,
              what: setting.what,
              fix: `Set \`${setting.path.replace(/\.enabled$/, ' { enabled = true }').replace(/^([a-z_]+)$/, '$1 = true')}\` (on an existing store the change may replace it: read the plan).`,
            },
            at: off.at,
            ...(off.related ? { related: off.related } : {}),
            resource: r.address,
          });
        }
      }
    },
  },
});

function encryptionOff(r: Resource, setting: StoreSetting) {
  const attr = r.attr(setting.path);
  if (attr) return attr.value() === false ? { state: `sets ${setting.path} = ${attr.describe()}`, ...findingPlace(attr) } : undefined;
  if (!setting.absentIsOff) return undefined;
  // A customer key or Aurora Serverless v1 means the storage is encrypted whatever the flag says.
  if (r.has('kms_key_id') || r.attr('engine_mode')?.value() === 'serverless') return undefined;
  // A block written dynamically may set it: do not guess.
  const [blockName] = setting.path.split('.');
  const block = setting.path.includes('.') ? r.block(blockName!) : undefined;
  if (block?.dynamic || r.blocks(blockName!).some((b) => b.dynamic)) return undefined;
  if (block) return { state: `does not set ${setting.path} (it defaults to false)`, at: block.location };
  return { state: `does not set ${setting.path} (it defaults to false)`, at: r.location };
}
