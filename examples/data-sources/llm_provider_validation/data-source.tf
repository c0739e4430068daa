# flashback only: ask the platform whether a configuration works against its model provider, and
# fail the run with the platform's message when it does not.
provider "llm" {
  platform = "flashback"
}

variable "anthropic_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "anthropic_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "llm_provider" "anthropic" {
  workspace_id   = "ws-platform-team"
  name           = "anthropic-prod"
  model_provider = "anthropic"
  base_url       = "https://api.anthropic.com/v1"

  api_key_wo         = var.anthropic_api_key
  api_key_wo_version = "1"
  secret_wo          = var.anthropic_secret
  secret_wo_version  = "1"
}

data "llm_provider_validation" "anthropic" {
  id = llm_provider.anthropic.id

  # The check runs after the record is created or its key rotated, not before.
  depends_on = [llm_provider.anthropic]

  lifecycle {
    postcondition {
      condition     = self.valid
      error_message = "flashback cannot use anthropic-prod: ${self.message}"
    }
  }
}
