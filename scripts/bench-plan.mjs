#!/usr/bin/env node
// Speed and memory of the plan gate on a big plan: writes a `terraform show -json`-shaped plan
// with 100,000 resource changes (planned values, prior state and configuration included, a few
// hundred deletes and replaces among them) to the temp folder, runs the built CLI on it, and
// reports wall time and peak RSS against the file size. Goals: ≤ 5 s, RSS ≤ 3× the file.
// The plan is written piece by piece: 165,000 changes make one over 512 MiB, which no string holds.
//   npm run build && node scripts/bench-plan.mjs [changes]
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { constants } from 'node:buffer';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureMedian, fmtMs, fmtMb } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COUNT = Number(process.argv[2] ?? 100_000);
const AWS = 'registry.terraform.io/hashicorp/aws';

/** One instance of a realistic resource, by kind; `i` makes values unique. */
function values(kind, i) {
  const tags = { Name: `${kind}-${i}`, Team: `team-${i % 40}`, CostCenter: `cc-${i % 17}`, ManagedBy: 'terraform' };
  switch (kind) {
    case 'aws_instance':
      return { ami: 'ami-0c7217cdde317cfec', arn: `arn:aws:ec2:us-east-1:111122223333:instance/i-${i.toString(16).padStart(17, '0')}`, associate_public_ip_address: false, availability_zone: `us-east-1${'abc'[i % 3]}`, disable_api_termination: false, ebs_optimized: true, id: `i-${i.toString(16).padStart(17, '0')}`, instance_type: i % 5 ? 't3.medium' : 'm6i.large', monitoring: true, private_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, root_block_device: [{ delete_on_termination: true, encrypted: true, volume_size: 50, volume_type: 'gp3', iops: 3000, throughput: 125 }], subnet_id: `subnet-${(i % 64).toString(16).padStart(17, '0')}`, tags, tags_all: tags, vpc_security_group_ids: [`sg-${(i % 128).toString(16).padStart(17, '0')}`] };
    case 'aws_s3_bucket':
      return { arn: `arn:aws:s3:::acme-bucket-${i}`, bucket: `acme-bucket-${i}`, bucket_domain_name: `acme-bucket-${i}.s3.amazonaws.com`, force_destroy: false, hosted_zone_id: 'Z3AQBSTGFYJSTF', id: `acme-bucket-${i}`, object_lock_enabled: false, region: 'us-east-1', request_payer: 'BucketOwner', tags, tags_all: tags };
    case 'aws_security_group':
      return { arn: `arn:aws:ec2:us-east-1:111122223333:security-group/sg-${i}`, description: 'Managed by Terraform', egress: [{ cidr_blocks: ['0.0.0.0/0'], description: '', from_port: 0, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: '-1', security_groups: [], self: false, to_port: 0 }], id: `sg-${i}`, ingress: [{ cidr_blocks: ['10.0.0.0/8'], description: 'app', from_port: 8080, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: 'tcp', security_groups: [], self: false, to_port: 8080 }], name: `app-${i}`, revoke_rules_on_delete: false, tags, tags_all: tags, vpc_id: 'vpc-0a1b2c3d' };
    case 'aws_db_instance':
      return { allocated_storage: 100, arn: `arn:aws:rds:us-east-1:111122223333:db:db-${i}`, backup_retention_period: 7, deletion_protection: true, engine: 'postgres', engine_version: '16.3', id: `db-${i}`, identifier: `db-${i}`, instance_class: 'db.r6g.large', kms_key_id: `arn:aws:kms:us-east-1:111122223333:key/k-${i % 50}`, multi_az: true, password: `secret-${i}`, publicly_accessible: false, skip_final_snapshot: false, storage_encrypted: true, tags, tags_all: tags, username: 'app' };
    default:
      return { arn: `arn:aws:kms:us-east-1:111122223333:key/k-${i}`, deletion_window_in_days: 30, description: `key ${i}`, enable_key_rotation: true, id: `k-${i}`, is_enabled: true, key_id: `k-${i}`, key_usage: 'ENCRYPT_DECRYPT', tags, tags_all: tags };
  }
}

const KINDS = ['aws_instance', 'aws_instance', 'aws_instance', 'aws_s3_bucket', 'aws_security_group', 'aws_db_instance', 'aws_kms_key'];
const SENSITIVE = { aws_db_instance: { password: true, tags: {}, tags_all: {} } };

function buildPlan() {
  const changes = [];
  const planned = [];
  const prior = [];
  const perKind = {};
  for (let i = 0; i < COUNT; i++) {
    const type = KINDS[i % KINDS.length];
    const n = (perKind[type] = (perKind[type] ?? -1) + 1);
    const address = `${type}.r[${n}]`;
    const before = values(type, i);
    const sens = SENSITIVE[type] ?? { tags: {}, tags_all: {} };
    // Mostly tag edits and no-ops; every 500th a delete, every 700th a replace.
    let actions = i % 3 === 0 ? ['update'] : ['no-op'];
    let after = actions[0] === 'update' ? { ...before, tags: { ...before.tags, Revision: 'r2' }, tags_all: { ...before.tags_all, Revision: 'r2' } } : before;
    if (i % 500 === 0) {
      actions = ['delete'];
      after = null;
    } else if (i % 700 === 0) {
      actions = ['delete', 'create'];
      after = { ...before };
      delete after.id;
      delete after.arn;
    }
    const change = { actions, before, after, after_unknown: actions.length === 2 ? { id: true, arn: true } : {}, before_sensitive: sens, after_sensitive: after ? sens : false };
    if (actions.length === 2) change.replace_paths = [['tags', 'Name']];
    const rc = { address, mode: 'managed', type, name: 'r', index: n, provider_name: AWS, change };
    if (actions[0] === 'delete' && actions.length === 1) rc.action_reason = 'delete_because_count_index';
    changes.push(rc);
    prior.push({ address, mode: 'managed', type, name: 'r', index: n, provider_name: AWS, schema_version: 1, values: before, sensitive_values: sens });
    if (after) planned.push({ address, mode: 'managed', type, name: 'r', index: n, provider_name: AWS, schema_version: 1, values: after, sensitive_values: sens });
  }
  const configuration = {
    provider_config: { aws: { name: 'aws', full_name: AWS, expressions: { region: { constant_value: 'us-east-1' } } } },
    root_module: {
      resources: [...new Set(KINDS)].map((type) => ({
        address: `${type}.r`,
        mode: 'managed',
        type,
        name: 'r',
        provider_config_key: 'aws',
        expressions: { tags: { references: ['local.tags'] }, ...(type === 'aws_db_instance' ? { kms_key_id: { references: ['aws_kms_key.r[0].arn', 'aws_kms_key.r[0]', 'aws_kms_key.r'] } } : {}) },
        schema_version: 1,
        count_expression: { references: ['var.count'] },
      })),
    },
  };
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    planned_values: { root_module: { resources: planned } },
    resource_changes: changes,
    prior_state: { format_version: '1.0', terraform_version: '1.11.4', values: { root_module: { resources: prior } } },
    configuration,
    timestamp: '2026-11-22T00:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
  };
}

/** JSON.stringify(value) written to `file` piece by piece, each list element stringified on its own. */
function writeJson(file, value) {
  const fd = openSync(file, 'w');
  let pending = '';
  const out = (text) => {
    pending += text;
    if (pending.length > 1 << 20) {
      writeSync(fd, pending);
      pending = '';
    }
  };
  // Deep enough to reach the elements of prior_state.values.root_module.resources.
  const write = (v, depth) => {
    if (depth === 0 || v === null || typeof v !== 'object') return out(JSON.stringify(v));
    if (Array.isArray(v)) {
      out('[');
      v.forEach((x, i) => {
        if (i) out(',');
        write(x, depth - 1);
      });
      return out(']');
    }
    out('{');
    Object.entries(v).forEach(([k, x], i) => {
      out(`${i ? ',' : ''}${JSON.stringify(k)}:`);
      write(x, depth - 1);
    });
    out('}');
  };
  try {
    write(value, 5);
    writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'iac-guard-bench-plan-'));
try {
  const file = join(dir, 'plan.json');
  writeJson(file, buildPlan());
  const bytes = statSync(file).size;
  const sizeMb = bytes / 1048576;
  const r = measureMedian(3, process.execPath, [join(root, 'dist/iac-guard.cjs'), '--format', 'json', file], { cwd: dir });
  let findings = NaN;
  try {
    findings = JSON.parse(r.stdout).findings.length;
  } catch {
    console.error(`output is not JSON (exit ${r.code}): ${r.stderr.slice(0, 400)}`);
  }
  const ratio = r.peakRssMb / sizeMb;
  console.log(`plan: ${COUNT.toLocaleString('en')} resource changes, ${sizeMb.toFixed(1)} MB`);
  console.log(`run:  ${fmtMs(r.wallMs)} wall (median of 3; ${fmtMs(r.cpuMs)} CPU), peak RSS ${fmtMb(r.peakRssMb)} = ${ratio.toFixed(2)}× the file, exit ${r.code}, ${findings} findings`);
  // What reading and parsing alone cost in a bare node: the floor for a gate that parses the text whole.
  if (bytes <= constants.MAX_STRING_LENGTH) {
    const floor = measureMedian(3, process.execPath, ['-e', 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))', file]);
    console.log(`floor: ${fmtMs(floor.wallMs)} (${fmtMs(floor.cpuMs)} CPU), peak ${fmtMb(floor.peakRssMb)} = ${(floor.peakRssMb / sizeMb).toFixed(2)}× for readFileSync + JSON.parse alone`);
  } else {
    console.log('floor: none (the file is longer than the longest string, so readFileSync + JSON.parse cannot read it)');
  }
  console.log(`goals: ≤ 5 s ${r.wallMs <= 5000 ? 'met' : 'MISSED'}; RSS ≤ 3× file ${ratio <= 3 ? 'met' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
