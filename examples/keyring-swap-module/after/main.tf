# The root after the one-line change that destroyed every key under the ring.
variable "project_id" {}

# Set by CI (TF_VAR_infra_region); no default here, as in most real roots.
variable "infra_region" {}

module "gcp-secret-mgmt" {
  source = "/exekube-modules/gcp-secret-mgmt"

  project_id       = var.project_id
  keyring_name     = "platform"
  keyring_location = var.infra_region
}
