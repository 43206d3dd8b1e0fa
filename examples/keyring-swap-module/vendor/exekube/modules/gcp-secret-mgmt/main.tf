# A copy of the module the incident's root called from another project's container image
# (/exekube-modules/gcp-secret-mgmt). Its key ring's location comes from an input, "global"
# unless the caller says otherwise; a key ring cannot move, so a new location replaces it.
variable "project_id" {}

variable "keyring_name" {
  default = "secrets"
}

variable "keyring_location" {
  default = "global"
}

variable "encrypter_decrypters" {
  type    = list(string)
  default = []
}

resource "google_kms_key_ring" "ring" {
  project  = var.project_id
  name     = var.keyring_name
  location = var.keyring_location
}

resource "google_kms_crypto_key" "logs" {
  name     = "log-archive"
  key_ring = google_kms_key_ring.ring.id
}

resource "google_kms_crypto_key" "secrets" {
  name     = "app-secrets"
  key_ring = google_kms_key_ring.ring.id
}
