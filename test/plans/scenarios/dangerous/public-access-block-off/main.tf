# The bucket's public access block switched off.
resource "aws_s3_bucket_public_access_block" "reports" {
  bucket                  = "acme-reports"
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
