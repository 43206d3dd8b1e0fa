// Terraform handler of wildcard-allowlist: allow-list arguments (`accepted_ips`, `authorized_networks`,
// `public_access_cidrs`...; not CORS origins) and allow-list environment variables of containers and
// functions set to `*`, `0.0.0.0/0` or `::/0`. Firewall rules are tf-firewall-open's business.
import type { Handler } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { isAllowlistName, wildcardIn } from '../../../src/knowledge/allowlists.js';
import type { Expr } from '../../../src/parsers/hcl-ast.js';
import { isObject, type Attribute, type Body, type Resource, type Value } from '../../../src/model/terraform.js';
import type { MessageId, Options } from './spec.js';

interface Hit {
  path: string;
  name: string;
  value: string;
  at: Location;
}

/** Types handled by tf-firewall-open (or where 0.0.0.0/0 is routing, not access). */
const SKIP_TYPES = /^(hcloud_firewall|openstack_networking_secgroup_rule_v2|aws_network_acl_rule|aws_route|aws_route_table|google_compute_route|aws_ec2_transit_gateway_route|azurerm_route|azurerm_route_table)$/;
/** Blocks whose address-like arguments form an allow list (Cloud SQL, GKE). */
const ALLOWLIST_BLOCK = /^(authorized_networks|master_authorized_networks_config|cidr_blocks|ip_allowlist|allowed_ip_ranges)$/;
const ADDRESS_ARG = /^(value|cidr_block|cidr|ip|ip_address|ip_range|ip_address_or_range|start_ip_address)$/;
/** `env { name = "X" value = "*" }` and ECS `{ name = "X", value = "*" }` pairs. */
const PAIR_NAME = 'name';
const PAIR_VALUE = 'value';

function show(v: Value): string {
  return Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** `env`/`environment` in any case, without a regular expression per argument. */
const isEnvName = (name: string) => (name.length === 3 || name.length === 11) && /^(env|environment)$/i.test(name);

/** `parent.name`, or `name` at the top: argument paths are built only for hits (most arguments have none). */
const pathOf = (parent: string, name: string) => (parent ? `${parent}.${name}` : name);

/** What walkExpr looks into: an object or tuple literal, possibly inside a one-argument call (`jsonencode([...])`). */
function literalInside(expr: Expr): Expr | undefined {
  const e = expr.type === 'call' && expr.args.length === 1 ? expr.args[0]! : expr;
  return e.type === 'tuple' || e.type === 'object' ? e : undefined;
}

/** The arguments checkAttribute can find something in; the others are skipped without a view. */
const mayHold = (name: string, expr: Expr) => isAllowlistName(name) || isEnvName(name) || literalInside(expr) !== undefined;
const mayHoldInAllowlistBlock = (name: string, expr: Expr) => ADDRESS_ARG.test(name) || mayHold(name, expr);

function checkAttribute(attr: Attribute, parent: string, inAllowlistBlock: boolean, out: Hit[]): void {
  if (isAllowlistName(attr.name) || (inAllowlistBlock && ADDRESS_ARG.test(attr.name))) {
    const v = attr.value();
    if (wildcardIn(v)) out.push({ path: pathOf(parent, attr.name), name: attr.name, value: show(v), at: attr.location });
  }
  // docker_container `env = ["ACCEPTED_IPS=*"]`
  const v = isEnvName(attr.name) ? attr.value() : undefined;
  if (Array.isArray(v)) {
    for (const entry of v) {
      if (typeof entry !== 'string') continue;
      const eq = entry.indexOf('=');
      if (eq > 0 && isAllowlistName(entry.slice(0, eq)) && wildcardIn(entry.slice(eq + 1))) {
        out.push({ path: pathOf(parent, attr.name), name: entry.slice(0, eq), value: entry.slice(eq + 1), at: attr.location });
      }
    }
  }
  if (literalInside(attr.expr)) walkExpr(attr, attr.expr, pathOf(parent, attr.name), out);
}

/** Object literals inside an argument: nested allow lists and name/value pairs (ECS environment). */
function walkExpr(attr: Attribute, expr: Expr, path: string, out: Hit[]): void {
  const e = literalInside(expr);
  if (e?.type === 'tuple') {
    for (const item of e.items) walkExpr(attr, item, path, out);
    return;
  }
  if (e?.type !== 'object') return;
  const nameItem = e.items.find((i) => i.name === PAIR_NAME);
  const valueItem = e.items.find((i) => i.name === PAIR_VALUE);
  if (nameItem && valueItem) {
    const name = attr.evaluate(nameItem.value);
    const value = attr.evaluate(valueItem.value);
    if (typeof name === 'string' && isAllowlistName(name) && wildcardIn(value)) {
      out.push({ path: `${path}.${name}`, name, value: show(value), at: attr.locationOf(valueItem) });
    }
  }
  for (const item of e.items) {
    if (!item.name || item.name === PAIR_NAME || item.name === PAIR_VALUE) continue;
    const value = isAllowlistName(item.name) ? attr.evaluate(item.value) : undefined;
    if (value !== undefined && wildcardIn(value)) {
      out.push({ path: `${path}.${item.name}`, name: item.name, value: show(value), at: attr.locationOf(item) });
    } else if (item.value.type === 'object' || item.value.type === 'tuple') {
      walkExpr(attr, item.value, `${path}.${item.name}`, out);
    }
  }
}

function walkBody(body: Body, path: string, inAllowlistBlock: boolean, out: Hit[]): void {
  // Kubernetes / Cloud Run `env { name = … value = … }`
  const value = body.attr(PAIR_VALUE);
  const name = value ? body.attr(PAIR_NAME)?.value() : undefined;
  const envPair = typeof name === 'string' && value !== undefined && isAllowlistName(name);
  if (envPair && wildcardIn(value.value())) {
    out.push({ path: `${path}.${name}`, name, value: show(value.value()), at: value.location });
  }
  for (const attr of body.attributesWhere(inAllowlistBlock ? mayHoldInAllowlistBlock : mayHold)) {
    if (envPair && attr.name === PAIR_VALUE) continue;
    checkAttribute(attr, path, inAllowlistBlock, out);
  }
  for (const block of body.blocks()) {
    walkBody(block, pathOf(path, block.type), inAllowlistBlock || ALLOWLIST_BLOCK.test(block.type), out);
  }
}

/** ECS container definitions written as a JSON string: environment entries, located at the argument. */
function ecsJson(r: Resource, out: Hit[]): void {
  const attr = r.attr('container_definitions');
  // jsonencode([...]) written in HCL was already walked with exact positions.
  if (!attr || (attr.expr.type === 'call' && attr.expr.name === 'jsonencode')) return;
  const v = attr.value();
  if (typeof v !== 'string') return;
  let defs: Value;
  try {
    defs = JSON.parse(v) as Value;
  } catch {
    return;
  }
  for (const d of Array.isArray(defs) ? defs : []) {
    if (!isObject(d) || !Array.isArray(d.environment)) continue;
    for (const env of d.environment) {
      if (isObject(env) && typeof env.name === 'string' && isAllowlistName(env.name) && wildcardIn(env.value)) {
        out.push({ path: `container_definitions.environment.${env.name}`, name: env.name, value: show(env.value!), at: attr.location });
      }
    }
  }
}

export const checkTerraform: Handler<'terraform', MessageId, Options> = (model, ctx) => {
  for (const r of model.resources()) {
    if (ctx.resourceTypes.is(r.resourceType, 'firewall') || SKIP_TYPES.test(r.resourceType)) continue;
    const hits: Hit[] = [];
    walkBody(r, '', false, hits);
    if (r.resourceType === 'aws_ecs_task_definition') ecsJson(r, hits);
    for (const h of hits) {
      ctx.report({ messageId: 'wildcard', data: { where: `\`${r.address}\` (${h.path})`, name: h.name, value: h.value }, at: h.at, resource: r.address });
    }
  }
};
