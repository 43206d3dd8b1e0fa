# A new database with backups, a final snapshot and deletion protection.
resource "aws_db_instance" "billing" {
  identifier                = "billing"
  engine                    = "postgres"
  instance_class            = "db.t4g.medium"
  allocated_storage         = 20
  username                  = "billing"
  password                  = "not-a-real-password"
  backup_retention_period   = 14
  skip_final_snapshot       = false
  final_snapshot_identifier = "billing-final"
  deletion_protection       = true
}
