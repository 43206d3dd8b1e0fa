# A new rule opens SSH to the world on an existing group.
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = "sg-0ba5710ba5710ba57"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
