# A new key for the log archive, with the 7-day minimum deletion window.
resource "aws_kms_key" "archive" {
  description             = "log archive"
  deletion_window_in_days = 7
  enable_key_rotation     = true
}
