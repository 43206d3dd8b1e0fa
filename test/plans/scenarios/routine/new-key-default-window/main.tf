resource "aws_kms_key" "reports" {
  description         = "reports"
  enable_key_rotation = true
}
