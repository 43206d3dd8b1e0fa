# The payments function switched from Stripe's test mode to live in the same change as a log level.
resource "aws_lambda_function" "payments" {
  function_name = "payments"
  role          = "arn:aws:iam::111122223333:role/payments"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "payments.zip"
  environment {
    variables = {
      STRIPE_MODE = "live"
      LOG_LEVEL   = "info"
    }
  }
}
