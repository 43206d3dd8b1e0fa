# Deletion protection turned off on the production database.
resource "aws_db_instance" "main" {
  identifier          = "main"
  engine              = "postgres"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 20
  username            = "main"
  password            = "not-a-real-password"
  deletion_protection = false
  skip_final_snapshot = false
  backup_retention_period = 7
}
