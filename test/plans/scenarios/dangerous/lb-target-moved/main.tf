# The API's load balancer target replaced by an address nothing in this configuration holds.
resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/api/6d0ecf831eec9f09"
  target_id        = "203.0.113.77"
  port             = 8080
}
