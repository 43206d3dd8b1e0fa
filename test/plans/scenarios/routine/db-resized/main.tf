# The database gets a bigger instance class, in place.
resource "aws_db_instance" "main" {
  identifier              = "main"
  engine                  = "postgres"
  instance_class          = "db.r6g.large"
  allocated_storage       = 20
  username                = "main"
  password                = "not-a-real-password"
  deletion_protection     = true
  skip_final_snapshot     = false
  backup_retention_period = 7
}
