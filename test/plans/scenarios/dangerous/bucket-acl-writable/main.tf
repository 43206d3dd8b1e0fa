# The assets bucket goes from readable by anyone to writable by anyone.
resource "aws_s3_bucket_acl" "assets" {
  bucket = "acme-assets"
  acl    = "public-read-write"
}
