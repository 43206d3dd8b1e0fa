# A new database created with automated backups off and no final snapshot.
resource "aws_db_instance" "orders" {
  identifier              = "orders"
  engine                  = "postgres"
  instance_class          = "db.t4g.medium"
  allocated_storage       = 20
  username                = "orders"
  password                = "not-a-real-password"
  backup_retention_period = 0
  skip_final_snapshot     = true
}
