# A public web server answers HTTPS from anywhere: what it is for.
resource "aws_security_group_rule" "https" {
  type              = "ingress"
  security_group_id = "sg-0eb0eb0eb0eb0eb00"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
