// Structure-aware generators: inputs that get past the parsers into the models and rules, with
// plausible keys, wrong types, hostile names and odd values where real files have sane ones.
import fc from 'fast-check';
import { stringify } from 'yaml';

const TYPES = ['google_kms_key_ring', 'google_kms_crypto_key', 'aws_db_instance', 'aws_rds_cluster', 'aws_s3_bucket', 'aws_kms_key', 'aws_security_group', 'aws_security_group_rule', 'google_compute_firewall', 'azurerm_storage_account', 'google_sql_database_instance', 'aws_instance', 'docker_container', 'null_resource', 'x'];
const ATTRS = ['location', 'name', 'deletion_protection', 'skip_final_snapshot', 'backup_retention_period', 'prevent_destroy', 'cidr_blocks', 'ingress', 'source_ranges', 'publicly_accessible', 'key_ring', 'deletion_window_in_days', 'image', 'user_data', 'tags', 'environment', 'engine', 'kms_key_id', 'force_destroy', 'from_port', 'to_port', 'protocol', 'allowed', 'certificate', 'ports'];
const HOSTILE = ['x\u001b[31m::error::pwn', 'a\nb', '%0A::warning::x', '<img src=x onerror=alert(1)>', '`$(touch /tmp/pwned)`', '${file("/etc/passwd")}', '__proto__', 'constructor', '', ' ', '.', '..', '*', '💥', '\u202e', 'a'.repeat(300)];

const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...ATTRS) }, { weight: 2, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) });
const scalar = fc.oneof(
  fc.constantFrom('global', 'europe-west1', '0.0.0.0/0', '*', '::/0', 'staging', 'production', 'nginx:latest', 'postgres@sha256:' + 'a'.repeat(64), 'true', 'false', '22', '0.0.0.0:5432:5432', ...HOSTILE),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
/** JSON-ish values with our keys; depth kept small so a case stays fast. */
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 5 })),
})).v;

/** Usually the plausible shape, sometimes anything at all (a wrong type where a map belongs). */
const mostly = (arb) => fc.oneof({ weight: 40, arbitrary: arb }, { weight: 1, arbitrary: value });

// ---- plan JSON ----

const ACTIONS = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(['create'], ['delete'], ['update'], ['no-op'], ['read'], ['delete', 'create'], ['create', 'delete'], ['forget']) },
  fc.array(fc.constantFrom('create', 'delete', 'update', 'no-op', 'read', 'forget', 'x'), { maxLength: 3 }),
);
const address = fc.oneof(
  fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom('a', 'ring', 'db'), fc.option(fc.oneof(fc.nat(3), fc.constantFrom('"k"', '"a.b"')))).map(([t, n, i]) => `${t}.${n}${i === null ? '' : `[${i}]`}`),
  fc.constantFrom('module.m.google_kms_key_ring.r', 'module.a["x"].module.b.aws_db_instance.db', 'data.x.y', ...HOSTILE),
  fc.string({ maxLength: 30 }),
);
const attrs = fc.dictionary(key, value, { maxKeys: 8 });
const resourceChange = fc.record(
  {
    address,
    mode: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('managed', 'data') }, { weight: 1, arbitrary: fc.constant('x') }),
    type: fc.constantFrom(...TYPES),
    name: fc.constantFrom('a', 'ring', 'db'),
    index: fc.oneof(fc.nat(3), fc.string({ maxLength: 3 })),
    provider_name: fc.constantFrom('registry.terraform.io/hashicorp/google', 'registry.terraform.io/hashicorp/aws', 'x'),
    module_address: fc.constantFrom('module.m', 'module.a["x"]'),
    action_reason: fc.constantFrom('replace_because_cannot_update', 'delete_because_no_resource_config', 'x'),
    change: fc.record(
      {
        actions: ACTIONS,
        before: fc.oneof(fc.constant(null), mostly(attrs)),
        after: fc.oneof(fc.constant(null), mostly(attrs)),
        after_unknown: fc.oneof(attrs, fc.constant({}), fc.boolean()),
        before_sensitive: fc.oneof(attrs, fc.boolean()),
        after_sensitive: fc.oneof(attrs, fc.boolean()),
        replace_paths: fc.array(fc.array(fc.oneof(fc.constantFrom(...ATTRS), fc.nat(3)), { maxLength: 3 }), { maxLength: 3 }),
        importing: fc.record({ id: fc.string() }),
      },
      { requiredKeys: ['actions'] },
    ),
  },
  { requiredKeys: ['address', 'type', 'name', 'mode', 'change'] },
);
const planDoc = fc.record(
  {
    format_version: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('1.0', '1.2', '0.1') }, { weight: 1, arbitrary: fc.constantFrom('2.0', 'x', '') }),
    terraform_version: fc.constantFrom('1.9.0', '0.12.0', ''),
    resource_changes: mostly(fc.array(resourceChange, { maxLength: 8 })),
    resource_drift: fc.array(resourceChange, { maxLength: 2 }),
    planned_values: fc.record({ root_module: fc.record({ resources: fc.array(fc.record({ address, type: fc.constantFrom(...TYPES), values: attrs })) }) }),
    prior_state: fc.record({ values: fc.record({ root_module: fc.record({ resources: fc.array(fc.record({ address, values: attrs }), { maxLength: 3 }) }) }) }),
    configuration: fc.record({ root_module: fc.record({ resources: fc.array(fc.record({ address, expressions: attrs }), { maxLength: 3 }) }) }),
    variables: fc.dictionary(key, fc.record({ value }), { maxKeys: 3 }),
    errored: fc.oneof({ weight: 20, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  },
  { requiredKeys: ['format_version', 'resource_changes'] },
);
export const plan = planDoc.chain((doc) => fc.constantFrom(JSON.stringify(doc), JSON.stringify(doc, null, 2)));

// ---- Terraform HCL ----

const ident = fc.oneof(fc.constantFrom(...ATTRS, 'a', 'b'), fc.stringMatching(/^[a-z_][a-z0-9_-]{0,10}$/));
const hclString = fc.oneof(fc.constantFrom('global', '0.0.0.0/0', 'nginx:latest', '${var.region}', '%{ if var.x }a%{ else }b%{ endif }', '$${literal}', '\\n', '\\u00e9', 'a\\"b', ...HOSTILE.map((h) => h.replace(/["\\\n]/g, ''))), fc.string({ maxLength: 12 }).map((s) => s.replace(/["\\\n$%]/g, '')));
const expr = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    hclString.map((s) => `"${s}"`),
    fc.integer().map(String),
    fc.constantFrom('true', 'false', 'null', 'var.region', 'local.x', 'each.key', 'count.index', 'module.m.out', 'aws_kms_key.k.arn', 'var.list[*].id', 'path.module', '1.5e3'),
    fc.array(tie('e'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(ident, tie('e')), { maxLength: 3 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '&&', '||', '<', '>='), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `${c} ? ${a} : ${b}`),
    fc.tuple(fc.constantFrom('file', 'lookup', 'merge', 'concat', 'length', 'format', 'jsonencode', 'templatefile', 'try', 'coalesce', 'cidrsubnet', 'nope'), fc.array(tie('e'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    tie('e').map((e) => `[for x in ${e} : x]`),
    tie('e').map((e) => `{ for k, v in ${e} : k => v }`),
    tie('e').map((e) => `!${e}`),
    tie('e').map((e) => `(${e})`),
    hclString.map((s) => `<<-EOT\n  ${s}\n  EOT`),
  ),
})).e;
const attribute = fc.tuple(ident, expr).map(([k, v]) => `${k} = ${v}`);
const block = fc.letrec((tie) => ({
  b: fc.tuple(
    fc.oneof(
      fc.tuple(fc.constantFrom('resource', 'data'), fc.constantFrom(...TYPES), ident).map(([k, t, n]) => `${k} "${t}" "${n}"`),
      fc.constantFrom('lifecycle', 'terraform', 'locals', 'ingress', 'backend "s3"', 'provider "google"', 'variable "region"', 'output "x"', 'module "m"', 'dynamic "ingress"', 'content', 'moved', 'import', 'check "c"'),
    ),
    fc.array(fc.oneof({ weight: 4, arbitrary: attribute }, { weight: 1, arbitrary: tie('b') }), { maxLength: 5 }),
  ).map(([head, body]) => `${head} {\n${body.map((l) => `  ${l.replace(/\n/g, '\n  ')}`).join('\n')}\n}`),
})).b;
export const terraform = fc.array(fc.oneof({ weight: 4, arbitrary: block }, { weight: 1, arbitrary: attribute }, { weight: 1, arbitrary: fc.constantFrom('# iac-guard-ignore tf-firewall-open: because', '/* c */', '// c') }), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('\n') + '\n');

/** `.tf.json`: Terraform's JSON syntax. */
export const terraformJson = fc
  .record({
    resource: fc.dictionary(fc.constantFrom(...TYPES), fc.dictionary(ident, fc.oneof(attrs, fc.array(attrs, { maxLength: 2 })), { maxKeys: 2 }), { maxKeys: 3 }),
    variable: fc.dictionary(ident, fc.record({ default: value }), { maxKeys: 2 }),
    module: fc.dictionary(ident, fc.record({ source: fc.constantFrom('./m', '../x', 'x') }), { maxKeys: 1 }),
    locals: attrs,
    '//': fc.string(),
  }, { requiredKeys: [] })
  .map((o) => JSON.stringify(o, null, 2));

// ---- Compose ----

const serviceName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('web', 'db', 'agent', 'agent-2', 'redis', 'postgres', 'mysql') }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
const image = fc.oneof(fc.constantFrom('nginx', 'nginx:latest', 'postgres:16', 'postgres@sha256:' + 'b'.repeat(64), 'registry:5000/app:1.2', 'mysql:8', '${IMAGE}', '${TAG:-latest}', ':::', ''), fc.string({ maxLength: 20 }));
const service = fc.record(
  {
    image: mostly(image),
    build: mostly(fc.oneof(fc.constant('.'), fc.record({ context: fc.constant('.'), dockerfile: fc.string() }))),
    container_name: mostly(fc.constantFrom('agent', 'db')),
    ports: mostly(fc.array(fc.oneof(fc.constantFrom('22:22', '0.0.0.0:5432:5432', '127.0.0.1:80:80', '8080', '[::]:80:80', '1-65535:1-65535', '${PORT}:80'), fc.integer(), fc.record({ target: fc.nat(70000), published: fc.oneof(fc.nat(70000), fc.string()), host_ip: fc.constantFrom('0.0.0.0', '127.0.0.1') })), { maxLength: 3 })),
    environment: mostly(fc.oneof(fc.dictionary(fc.constantFrom('ACCEPTED_IPS', 'ENV', 'DB_HOST', 'PASSWORD', 'X'), fc.oneof(fc.constantFrom('*', 'staging', '0.0.0.0/0', '${X}'), fc.string(), fc.integer(), fc.constant(null)), { maxKeys: 3 }), fc.array(fc.constantFrom('ACCEPTED_IPS=*', 'ENV=staging', 'A', '=x'), { maxLength: 3 }))),
    logging: mostly(fc.record({ driver: fc.constantFrom('json-file', 'local', 'none', 'syslog'), options: fc.dictionary(fc.constantFrom('max-size', 'max-file', 'x'), fc.oneof(fc.constantFrom('10m', '3', '-1', '1x'), fc.integer()), { maxKeys: 2 }) }, { requiredKeys: [] })),
    deploy: mostly(fc.record({ replicas: fc.oneof(fc.nat(5), fc.string()), resources: fc.record({ limits: fc.record({ memory: fc.constantFrom('512M', '1g', 'x', '0') }) }), mode: fc.constantFrom('global', 'replicated') }, { requiredKeys: [] })),
    volumes: mostly(fc.array(fc.oneof(fc.constantFrom('data:/var/lib/postgresql/data', './x:/y:ro', '/:/host', '/var/run/docker.sock:/var/run/docker.sock', ':'), fc.record({ type: fc.constantFrom('volume', 'bind', 'tmpfs'), source: fc.string(), target: fc.string() })), { maxLength: 3 })),
    depends_on: mostly(fc.oneof(fc.array(serviceName, { maxLength: 2 }), fc.dictionary(serviceName, fc.record({ condition: fc.constantFrom('service_healthy', 'x') }), { maxKeys: 2 }))),
    network_mode: fc.constantFrom('host', 'bridge', 'service:db', 'container:x'),
    privileged: mostly(fc.boolean()),
    mem_limit: fc.oneof(fc.constantFrom('512m', '1g', 'x'), fc.integer()),
    restart: fc.constantFrom('always', 'unless-stopped', 'no', 'x'),
    command: fc.oneof(fc.constantFrom('sh -c "$(touch /tmp/pwned)"', '`id`'), fc.array(fc.string(), { maxLength: 2 })),
    'x-extra': value,
  },
  { requiredKeys: [] },
);
const composeDoc = fc.record(
  {
    version: fc.constantFrom('3.8', '2', 3, 'x'),
    name: fc.oneof(fc.constantFrom('stack', 'A B'), fc.string({ maxLength: 8 })),
    services: mostly(fc.dictionary(serviceName, mostly(service), { minKeys: 1, maxKeys: 4 })),
    volumes: fc.dictionary(ident, fc.oneof(fc.constant(null), fc.record({ driver: fc.string(), external: fc.boolean() })), { maxKeys: 2 }),
    networks: fc.dictionary(ident, fc.oneof(fc.constant(null), value), { maxKeys: 2 }),
    secrets: fc.dictionary(ident, fc.record({ file: fc.constantFrom('./s.txt', '/etc/shadow') }), { maxKeys: 1 }),
    'x-common': value,
  },
  { requiredKeys: ['services'] },
);
export const compose = fc.tuple(composeDoc, fc.constantFrom('block', 'flow', 'json')).map(([doc, style]) => yamlText(doc, style));

// ---- Helm ----

const helmValues = fc.record(
  {
    image: mostly(fc.record({ registry: fc.constantFrom('docker.io', ''), repository: fc.constantFrom('bitnami/postgresql', 'nginx', ''), tag: fc.oneof(fc.constantFrom('latest', '16.1.0', ''), fc.integer()), digest: fc.constantFrom('', 'sha256:' + 'c'.repeat(64)), pullPolicy: fc.constantFrom('Always', 'IfNotPresent') }, { requiredKeys: [] })),
    persistence: mostly(fc.record({ enabled: fc.oneof(fc.boolean(), fc.constantFrom('false', 'yes')), size: fc.constantFrom('8Gi', 'x'), existingClaim: fc.string() }, { requiredKeys: [] })),
    backup: mostly(fc.record({ enabled: fc.boolean(), cronjob: fc.record({ schedule: fc.string() }) }, { requiredKeys: [] })),
    primary: fc.record({ persistence: fc.record({ enabled: fc.boolean() }), resources: fc.record({ limits: fc.record({ memory: fc.constantFrom('1Gi', 'x', '') }) }) }, { requiredKeys: [] }),
    resources: mostly(fc.record({ limits: fc.record({ memory: fc.constantFrom('512Mi', '', 'x'), cpu: fc.string() }, { requiredKeys: [] }), requests: value }, { requiredKeys: [] })),
    service: mostly(fc.record({ type: fc.constantFrom('ClusterIP', 'LoadBalancer', 'NodePort', 'x'), loadBalancerSourceRanges: fc.array(fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '*')) }, { requiredKeys: [] })),
    ingress: mostly(fc.record({ enabled: fc.boolean(), hostname: fc.constantFrom(...HOSTILE), annotations: fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }) }, { requiredKeys: [] })),
    networkPolicy: fc.record({ enabled: fc.boolean(), allowExternal: fc.boolean() }),
    global: fc.record({ imageRegistry: fc.string(), storageClass: fc.string(), environment: fc.constantFrom('staging', 'production') }, { requiredKeys: [] }),
    extraEnvVars: fc.array(fc.record({ name: fc.constantFrom('ACCEPTED_IPS', 'ENV'), value: fc.constantFrom('*', 'staging') }), { maxLength: 2 }),
    auth: fc.record({ password: fc.string(), existingSecret: fc.string() }, { requiredKeys: [] }),
    extra: value,
  },
  { requiredKeys: [] },
);
const chartDoc = fc.record(
  {
    apiVersion: fc.constantFrom('v2', 'v1', 'x'),
    name: mostly(fc.oneof(fc.constantFrom('postgresql', 'app', 'redis'), fc.constantFrom(...HOSTILE))),
    version: fc.oneof(fc.constantFrom('1.2.3', '0.1.0', 'x'), fc.integer()),
    appVersion: fc.constantFrom('16.1.0', 'latest'),
    type: fc.constantFrom('application', 'library'),
    dependencies: fc.array(fc.record({ name: fc.constantFrom('postgresql', 'common'), version: fc.string(), repository: fc.string(), condition: fc.string() }, { requiredKeys: [] }), { maxLength: 2 }),
  },
  { requiredKeys: ['name'] },
);
export const helm = fc.tuple(helmValues, chartDoc, fc.constantFrom('block', 'flow')).map(([values, chart, style]) => ({ values: yamlText(values, style), chart: yamlText(chart, 'block') }));

// ---- certificates in Helm values ----

/** A PEM block: real base64 from a seed certificate, garbage, or something in between. */
export function pem(certs) {
  const body = fc.oneof(
    fc.constantFrom(...certs),
    fc.base64String({ maxLength: 400 }),
    fc.tuple(fc.constantFrom(...certs), fc.nat(2000), fc.string({ maxLength: 4 })).map(([c, i, s]) => c.slice(0, i % (c.length + 1)) + s + c.slice(i % (c.length + 1))),
    fc.string({ maxLength: 40 }),
  );
  const block = fc.tuple(fc.constantFrom('CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE', 'PRIVATE KEY', 'CERTIFICATE REQUEST', 'x'), body, fc.boolean()).map(([label, b, closed]) => `-----BEGIN ${label}-----\n${b.match(/.{1,64}/gs)?.join('\n') ?? ''}\n${closed ? `-----END ${label}-----` : ''}`);
  const bundle = fc.array(block, { minLength: 1, maxLength: 3 }).map((bs) => bs.join('\n'));
  const values = fc.record(
    {
      tls: fc.record({ enabled: fc.boolean(), certificate: bundle, ca: bundle }, { requiredKeys: [] }),
      ingress: fc.record({ tls: fc.array(fc.record({ crt: bundle, hosts: fc.array(fc.string()) })) }),
      caBundle: bundle,
      extra: value,
    },
    { requiredKeys: [] },
  );
  return fc.tuple(values, chartDoc, fc.constantFrom('block', 'flow', 'escaped')).map(([v, chart, style]) => ({ values: yamlText(v, style), chart: yamlText(chart, 'block') }));
}

// ---- .iac-guard.yml ----

const RULE_IDS = ['tf-firewall-open', 'image-unpinned', 'compose-log-rotation', 'compose-port-exposed', 'plan-key-destroyed', 'certificate-expiry', 'wildcard-allowlist', 'no-such-rule'];
const configDoc = fc.record(
  {
    'fail-on': mostly(fc.constantFrom('error', 'warning', 'never', 'x')),
    rules: mostly(fc.dictionary(fc.constantFrom(...RULE_IDS), fc.oneof(fc.constantFrom('off', 'error', 'warning', 'info', 'x'), fc.record({ severity: fc.constantFrom('off', 'error', 'x'), options: attrs }, { requiredKeys: [] })), { maxKeys: 3 })),
    include: mostly(fc.array(fc.constantFrom('**/*.yml', '**', '[', '!x', '{a,b}', '*'.repeat(40)), { maxLength: 2 })),
    exclude: mostly(fc.array(fc.constantFrom('**/node_modules/**', '**', '[', '', '/'), { maxLength: 2 })),
    allow: mostly(fc.array(fc.record({ rule: fc.constantFrom(...RULE_IDS), resource: fc.constantFrom('services.*', '**', '[', ...HOSTILE), file: fc.constantFrom('**', '*.yml', '['), reason: mostly(fc.string()), expires: fc.constantFrom('2020-01-01', '2099-12-31', '2026-02-30', 'tomorrow', '') }, { requiredKeys: ['rule'] }), { maxLength: 3 })),
    'resource-types': mostly(fc.dictionary(fc.constantFrom('database', 'key', 'x'), fc.array(fc.constantFrom(...TYPES)), { maxKeys: 2 })),
    compose: mostly(fc.record({ target: fc.constantFrom('compose', 'swarm', 'x') }, { requiredKeys: [] })),
    helm: mostly(fc.record({ values: fc.array(fc.constantFrom('values-prod.yaml', '/etc/passwd', '')) })),
  },
  { requiredKeys: [] },
);
export const config = configDoc.map((doc) => yamlText(doc, 'block'));

/** YAML text of a value in one of several styles; JSON is YAML too. */
function yamlText(doc, style) {
  if (style === 'json') return JSON.stringify(doc, null, 2) + '\n';
  if (style === 'escaped') return stringify(doc, { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 });
  return stringify(doc, { collectionStyle: style === 'flow' ? 'flow' : 'any', lineWidth: 0, aliasDuplicateObjects: false });
}
