terraform {
  required_providers {
    google = { source = "hashicorp/google", version = "~> 5.40" }
  }
}

variable "project_id" {
  type    = string
  default = "acme-infra"
}

variable "infra_region" {
  type    = string
  default = "us-central1"
}

provider "google" {
  project = var.project_id
  region  = var.infra_region
}

# One key ring for everything that archives logs. KMS key rings live in one location for good.
resource "google_kms_key_ring" "logs" {
  name     = "logs"
  location = "global"
}

resource "google_kms_crypto_key" "log_archive" {
  name            = "log-archive"
  key_ring        = google_kms_key_ring.logs.id
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "log_bucket" {
  name            = "log-bucket"
  key_ring        = google_kms_key_ring.logs.id
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "backups" {
  name            = "backups"
  key_ring        = google_kms_key_ring.logs.id
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key_iam_member" "log_bucket_writer" {
  crypto_key_id = google_kms_crypto_key.log_bucket.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com"
}

# Seven years of audit log archives, encrypted with log-archive.
resource "google_storage_bucket" "log_archive" {
  name                        = "acme-log-archive"
  location                    = "US"
  uniform_bucket_level_access = true
  encryption {
    default_kms_key_name = google_kms_crypto_key.log_archive.id
  }
}

resource "google_logging_project_bucket_config" "audit" {
  project        = var.project_id
  location       = "global"
  bucket_id      = "audit"
  retention_days = 400
  cmek_settings {
    kms_key_name = google_kms_crypto_key.log_bucket.id
  }
}

resource "google_compute_disk" "pg_backups" {
  name = "pg-backups"
  zone = "us-central1-a"
  size = 500
  type = "pd-balanced"
  disk_encryption_key {
    kms_key_self_link = google_kms_crypto_key.backups.id
  }
}
