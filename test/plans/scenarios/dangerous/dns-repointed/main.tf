# www moved to an address nothing in this configuration holds.
resource "aws_route53_record" "www" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "www.example.com"
  type    = "A"
  ttl     = 300
  records = ["198.51.100.66"]
}
