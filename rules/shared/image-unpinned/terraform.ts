// Terraform handler of image-unpinned: container images in docker, kubernetes, Cloud Run, Azure
// and ECS resources, Lambda image URIs. helm_release values are Helm values: the helm handler sees them.
import type { Handler } from '../../../src/rule-api/rule.js';
import type { Location } from '../../../src/core/types.js';
import { hasUnresolvedVariable, parseImage } from '../../../src/knowledge/images.js';
import type { Expr, ObjectExpr } from '../../../src/parsers/hcl-ast.js';
import { isObject, type Attribute, type Block, type Resource, type Value } from '../../../src/model/terraform.js';
import { judgeImage, type MessageId, type Options } from './spec.js';

interface ImageUse {
  /** The image reference, or a reference whose tag is known while the repository is not (`${var.repo}:latest`). */
  image: string;
  /** Dotted path for messages: `spec.template.spec.container.image`. */
  path: string;
  /** Where to report; computed only for images that are reported (positions cost a line index). */
  at: () => Location;
}

/** Top-level image arguments of resource types that pull a container image. */
const TOP_LEVEL: Record<string, string> = {
  docker_container: 'image',
  docker_image: 'name',
  aws_lambda_function: 'image_uri',
  aws_apprunner_service: 'source_configuration.image_repository.image_identifier',
};

/** Resource types whose nested blocks can describe containers. */
const CONTAINER_TYPES = /^(kubernetes_|google_cloud_run|google_cloudfunctions2_|docker_service$|azurerm_container_|azurerm_kubernetes_|nomad_|aws_batch_job_definition$)/;
/** Nested blocks that describe a container (kubernetes_*, Cloud Run, Azure container apps, docker_service). */
const CONTAINER_BLOCKS = new Set(['container', 'containers', 'init_container', 'init_containers', 'ephemeral_container', 'container_spec', 'sidecar']);

/** `"${var.repo}:latest"`: the tag is written even though the repository is not known. */
function knownTag(expr: Expr, source: string): string | undefined {
  if (expr.type !== 'template') return undefined;
  const last = expr.parts[expr.parts.length - 1];
  if (last?.type !== 'text') return undefined;
  // A tag cannot contain `/`, so a match is after the last path separator (not a registry port).
  const m = /(?::[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/i.exec(last.value);
  if (!m) return undefined;
  return source.replace(/^"|"$/g, '');
}

function fromAttribute(attr: Attribute | undefined, path: string, out: ImageUse[]): void {
  if (!attr) return;
  const v = attr.value();
  const image = typeof v === 'string' ? v : knownTag(attr.expr, attr.source);
  if (image && !hasUnresolvedVariable(typeof v === 'string' ? v : image.replace(/\$\{[^}]*\}/g, 'x'))) out.push({ image, path, at: () => attr.location });
}

/** Block types joined by dots; an empty type adds nothing at the start (`.tf.json` allows `""` keys). */
const dotted = (types: string[]) => types.reduce((path, type) => (path ? `${path}.${type}` : type), '');

/** `path` holds the types of the blocks above `block`; a path string is built only for a container. */
function walkContainers(block: Block, path: string[], out: ImageUse[]): void {
  for (const child of block.blocks()) {
    path.push(child.type);
    if (CONTAINER_BLOCKS.has(child.type)) fromAttribute(child.attr('image'), `${dotted(path)}.image`, out);
    walkContainers(child, path, out);
    path.pop();
  }
}

/** Objects written in HCL inside jsonencode([...]) keep their positions. */
function literalObjects(expr: Expr): ObjectExpr[] {
  const e = expr.type === 'call' && expr.name === 'jsonencode' && expr.args.length === 1 ? expr.args[0]! : expr;
  return e.type === 'tuple' ? e.items.filter((i): i is ObjectExpr => i.type === 'object') : [];
}

function ecsImages(r: Resource, out: ImageUse[]): void {
  const attr = r.attr('container_definitions');
  if (!attr) return;
  const objects = literalObjects(attr.expr);
  if (objects.length) {
    for (const obj of objects) {
      const item = obj.items.find((i) => i.name === 'image');
      if (!item) continue;
      const v = attr.evaluate(item.value);
      const image = typeof v === 'string' ? v : knownTag(item.value, attr.file.source(item.value));
      const name = obj.items.find((i) => i.name === 'name');
      const container = name ? attr.evaluate(name.value) : undefined;
      if (image) out.push({ image, path: `container_definitions[${typeof container === 'string' ? container : '?'}].image`, at: () => attr.locationOf(item) });
    }
    return;
  }
  // A JSON string (heredoc or file): find each "image" in the text to point at its line.
  const v = attr.value();
  let defs: Value;
  try {
    defs = typeof v === 'string' ? (JSON.parse(v) as Value) : v;
  } catch {
    return;
  }
  if (!Array.isArray(defs)) return;
  const source = attr.source;
  let from = 0;
  for (const d of defs) {
    if (!isObject(d) || typeof d.image !== 'string') continue;
    const hit = source.indexOf('"image"', from);
    let at = () => attr.location;
    if (hit >= 0) {
      from = hit + 1;
      const span = { start: attr.expr.start + hit, end: attr.expr.start + hit + 7 };
      at = () => attr.locationOf(span);
    }
    out.push({ image: d.image, path: `container_definitions[${typeof d.name === 'string' ? d.name : '?'}].image`, at });
  }
}

function imagesOf(r: Resource, out: ImageUse[]): void {
  const top = TOP_LEVEL[r.resourceType];
  if (top) fromAttribute(r.attr(top), top, out);
  if (r.resourceType === 'aws_ecs_task_definition') ecsImages(r, out);
  else if (CONTAINER_TYPES.test(r.resourceType)) walkContainers(r, [], out);
}

export const checkTerraform: Handler<'terraform', MessageId, Options> = (model, ctx) => {
  const uses: ImageUse[] = [];
  for (const r of model.resources()) {
    uses.length = 0;
    imagesOf(r, uses);
    for (const use of uses) {
      const ref = parseImage(use.image);
      // A Lambda image URI or docker_image name without a tag pulls `latest`, like any other.
      const verdict = judgeImage(ref, ctx.options);
      if (!verdict) continue;
      const data = { where: `\`${r.address}\` (${use.path})`, image: use.image, tag: ref.tag ?? '', level: ctx.options.minimumPin };
      ctx.report({ ...verdict, data, at: use.at(), resource: r.address });
    }
  }
};
