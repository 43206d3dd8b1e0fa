# The API's target moves to a new instance this configuration creates: the plan shows where it goes.
resource "aws_instance" "api_next" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.small"
}

resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/api/6d0ecf831eec9f09"
  target_id        = aws_instance.api_next.id
  port             = 8080
}
