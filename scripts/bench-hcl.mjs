#!/usr/bin/env node
// Terraform source scanning speed: generates 2,000 .tf files (> 6 MB: resources, variables,
// locals, heredoc boot scripts, jsonencode, dynamic blocks, local module calls) under
// os.tmpdir(), then times the built CLI on the whole tree (all rules) and on one file (cold).
// Reports wall, user+sys CPU and peak RSS; the machine's load average is printed because wall
// time on a shared 2-core box depends on it.
//   npm run build && node scripts/bench-hcl.mjs [--runs 3] [--keep]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTRA_CA, WITHOUT_EXTRA_CA, measure } from './lib/measure.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const bin = join(root, 'dist', 'iac-guard.cjs');
if (!existsSync(bin)) {
  console.error('build first: npm run build');
  process.exit(2);
}
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const GOAL_TREE_MS = 1500;
const GOAL_COLD_MS = 150;

/** One ~3.2 KB file of typical Terraform. */
function tfFile(folder, i) {
  const n = `${folder}_${i}`;
  return `# generated file ${n}
variable "region_${i}" {
  type        = string
  default     = "europe-west1"
  description = "Region for ${n}; changing it replaces the regional resources."
}

locals {
  name_${i}   = "svc-${n}-\${var.region_${i}}"
  labels_${i} = merge({ team = "platform", service = "svc-${n}" }, { env = "prod" })
  ports_${i}  = [for p in [80, 443, 8080] : tostring(p) if p != 8080]
}

resource "google_compute_firewall" "web_${i}" {
  name          = "web-${n}"
  network       = "default"
  source_ranges = ["10.0.0.0/8"]
  allow {
    protocol = "tcp"
    ports    = local.ports_${i}
  }
}

resource "google_compute_instance" "vm_${i}" {
  name         = local.name_${i}
  machine_type = "e2-small"
  zone         = "\${var.region_${i}}-b"
  labels       = local.labels_${i}

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
      size  = 20
    }
  }

  dynamic "network_interface" {
    for_each = ["default"]
    content {
      network = network_interface.value
    }
  }

  metadata_startup_script = <<-EOT
    #!/bin/bash
    set -euo pipefail
    apt-get update
    apt-get install -y ufw nginx
    ufw default deny incoming
    ufw allow 443/tcp
    ufw --force enable
    echo "${n}" > /etc/service-name
  EOT

  lifecycle {
    ignore_changes = [metadata]
  }
}

resource "aws_ecs_task_definition" "task_${i}" {
  family = "task-${n}"
  container_definitions = jsonencode([
    {
      name      = "app"
      image     = "ghcr.io/acme/app:1.4.${i % 10}"
      essential = true
      environment = [
        { name = "LOG_LEVEL", value = "info" },
        { name = "ALLOWED_HOSTS", value = "app.example.com" },
      ]
    },
  ])
}

resource "aws_db_instance" "db_${i}" {
  identifier              = "db-${n}"
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  backup_retention_period = 14
  deletion_protection     = true
  skip_final_snapshot     = false
  tags = {
    Name = "db-${n}"
  }
}

resource "kubernetes_deployment" "api_${i}" {
  metadata {
    name      = "api-${n}"
    namespace = "apps"
    labels    = { app = "api-${n}" }
  }
  spec {
    replicas = 2
    selector {
      match_labels = { app = "api-${n}" }
    }
    template {
      metadata {
        labels = { app = "api-${n}" }
      }
      spec {
        container {
          name  = "api"
          image = "ghcr.io/acme/api:2.3.${i % 7}"
          port {
            container_port = 8080
          }
          env {
            name  = "DATABASE_HOST"
            value = aws_db_instance.db_${i}.address
          }
          resources {
            limits   = { cpu = "500m", memory = "512Mi" }
            requests = { cpu = "100m", memory = "128Mi" }
          }
        }
      }
    }
  }
}

resource "aws_iam_policy" "read_${i}" {
  name   = "read-${n}"
  policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [
        { "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::bucket-${n}/*"] }
      ]
    }
  JSON
}

output "vm_${i}_name" {
  value = google_compute_instance.vm_${i}.name
}
`;
}

function generate(base) {
  const FOLDERS = 100;
  const PER_FOLDER = 20;
  let bytes = 0;
  mkdirSync(join(base, 'modules', 'kms'), { recursive: true });
  writeFileSync(
    join(base, 'modules', 'kms', 'main.tf'),
    'variable "location" {}\nresource "google_kms_key_ring" "ring" {\n  name     = "ring"\n  location = var.location\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n',
  );
  for (let f = 0; f < FOLDERS; f++) {
    const dir = join(base, 'stacks', `stack${String(f).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < PER_FOLDER; i++) {
      let text = tfFile(`s${f}`, i);
      if (i === 0) text += `\nmodule "kms" {\n  source   = "../../modules/kms"\n  location = var.region_0\n}\n`;
      writeFileSync(join(dir, `file${String(i).padStart(2, '0')}.tf`), text);
      bytes += Buffer.byteLength(text);
    }
  }
  return { files: FOLDERS * PER_FOLDER + 1, bytes };
}

/** Wall, CPU (user+sys) and peak RSS of one CLI run (scripts/lib/measure.mjs). */
const time = (cliArgs, env = process.env) => {
  const r = measure(process.execPath, [bin, ...cliArgs], { env });
  return { ...r, rssMb: r.peakRssMb };
};

function median(results) {
  const sorted = [...results].sort((a, b) => a.wallMs - b.wallMs);
  return { ...sorted[Math.floor(sorted.length / 2)], minWall: sorted[0].wallMs, minCpu: Math.min(...results.map((x) => x.cpuMs)) };
}

const fmt = (ms) => (Number.isFinite(ms) ? (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`) : 'n/a');

const base = mkdtempSync(join(tmpdir(), 'iac-guard-bench-hcl-'));
try {
  const { files, bytes } = generate(base);
  console.log(`generated ${files} .tf files, ${(bytes / 1048576).toFixed(1)} MiB in ${base}`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2-core machine: above 2, wall times are inflated)`);

  const first = time([base, '--format', 'json']);
  const report = JSON.parse(first.stdout);
  const summary = report.summary ?? {};
  console.log(`exit ${first.code}: ${summary.files ?? '?'} files, ${summary.findings ?? '?'} findings, ${summary.errors ?? '?'} errors`);

  const tree = median([first, ...Array.from({ length: runs - 1 }, () => time([base, '--format', 'json']))]);
  const one = join(base, 'stacks', 'stack000', 'file01.tf');
  const cold = median(Array.from({ length: Math.max(runs, 5) }, () => time([one, '--format', 'json'])));

  console.log(`tree (${files} files): median wall ${fmt(tree.wallMs)} (best ${fmt(tree.minWall)}), cpu ${fmt(tree.minCpu)}, peak RSS ${Math.round(tree.rssMb)} MB  [goal ≤ ${fmt(GOAL_TREE_MS)} wall]`);
  console.log(`single file, cold: median wall ${fmt(cold.wallMs)} (best ${fmt(cold.minWall)}), cpu ${fmt(cold.minCpu)}, peak RSS ${Math.round(cold.rssMb)} MB  [goal ≤ ${fmt(GOAL_COLD_MS)} wall]`);
  if (EXTRA_CA) {
    const clean = median(Array.from({ length: Math.max(runs, 5) }, () => time([one, '--format', 'json'], WITHOUT_EXTRA_CA)));
    console.log(`single file, cold, without NODE_EXTRA_CA_CERTS: median wall ${fmt(clean.wallMs)} (best ${fmt(clean.minWall)}), cpu ${fmt(clean.minCpu)}, peak RSS ${Math.round(clean.rssMb)} MB`);
  }
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  if (!args.includes('--keep')) rmSync(base, { recursive: true, force: true });
}
