# Terraform >= 1.5: import during plan and apply. The id is the platform's id of the record:
# refactor the provider slug, flashback the aiLlmId, barndoor the provider UUID, keywordsai the
# provider_id. `terraform plan -generate-config-out=generated.tf` writes the resource block.
import {
  to = llm_provider.openai
  id = "openai" # refactor: the provider slug
}

variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "llm_provider" "openai" {
  model_provider = "openai"
  enabled        = true

  # Secrets are never read back, so an import cannot fill them. Adding the key as write-only with
  # a new version makes the next apply send it in one in-place update, without replacement.
  api_key_wo         = var.openai_api_key
  api_key_wo_version = "1"
}
