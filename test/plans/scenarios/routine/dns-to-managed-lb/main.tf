# app moves to the new load balancer this configuration manages.
resource "aws_lb" "app" {
  name               = "app"
  load_balancer_type = "application"
  subnets            = ["subnet-0a", "subnet-0b"]
}

resource "aws_route53_record" "app" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "app.example.com"
  type    = "A"
  alias {
    name                   = "app-1234567890.us-east-1.elb.amazonaws.com"
    zone_id                = "Z35SXDOTRQ7X7K"
    evaluate_target_health = true
  }
}
