# refactor (re-factor.ai / psci.ai): one record per model provider; the id is the provider slug.
provider "llm" {
  platform = "refactor"
  # endpoint defaults to https://api.psci.ai/api
  token = var.refactor_token # or LLM_TOKEN
}

variable "refactor_token" {
  type      = string
  sensitive = true
}

variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true # never written to a plan file or state; supply it again at apply
}

variable "aws_secret_access_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "llm_provider" "openai" {
  model_provider = "openai" # the record's identity: changing it forces a new record
  enabled        = true

  # Write-only: sent on create and whenever api_key_wo_version changes, never stored.
  api_key_wo         = var.openai_api_key
  api_key_wo_version = "1"

  # Further credential keys (refactor sends them with api_key as its credentials object).
  credentials = {
    organization = "org-acme"
  }
}

resource "llm_provider" "bedrock" {
  model_provider = "bedrock" # amazon-bedrock on the wire
  enabled        = false

  credentials_wo = {
    aws_access_key_id     = "AKIAIOSFODNN7EXAMPLE"
    aws_secret_access_key = var.aws_secret_access_key
    region                = "us-east-1"
  }
  credentials_wo_version = "2025-06-01"
}
