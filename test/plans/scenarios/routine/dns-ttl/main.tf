# Only the TTL changes.
resource "aws_route53_record" "www" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "www.example.com"
  type    = "A"
  ttl     = 60
  records = ["203.0.113.10"]
}
