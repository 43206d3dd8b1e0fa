# Logs kept longer.
resource "aws_cloudwatch_log_group" "api" {
  name              = "/acme/api"
  retention_in_days = 90
}
