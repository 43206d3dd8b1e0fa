resource "aws_kms_key" "logs" {
  description             = "log archive (eu)"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}
