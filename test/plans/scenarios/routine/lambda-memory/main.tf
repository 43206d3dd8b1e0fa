# More memory for a function.
resource "aws_lambda_function" "thumbs" {
  function_name = "thumbs"
  role          = "arn:aws:iam::111122223333:role/thumbs"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "thumbs.zip"
  memory_size   = 512
  environment {
    variables = {
      APP_ENV = "production"
    }
  }
}
