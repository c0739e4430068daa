# Read a record this configuration does not manage, by name ...
data "llm_provider" "anthropic" {
  name = "anthropic-prod" # barndoor compares names case-insensitively
  # workspace_id = "ws-platform-team" # flashback only: search one workspace
}

# ... or by id, the same id `terraform import` takes.
variable "openai_provider_id" {
  type = string
}

data "llm_provider" "openai" {
  id = var.openai_provider_id
}

# Secrets are never read back; everything else is.
output "anthropic_provider" {
  value = {
    id        = data.llm_provider.anthropic.id
    enabled   = data.llm_provider.anthropic.enabled
    base_url  = data.llm_provider.anthropic.base_url
    auth_type = data.llm_provider.anthropic.auth_type
    settings  = jsondecode(data.llm_provider.anthropic.settings)
  }
}

output "openai_enabled" {
  value = data.llm_provider.openai.enabled
}
