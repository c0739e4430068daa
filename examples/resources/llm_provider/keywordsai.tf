# keywordsai (Keywords AI, now Respan): a custom provider; the id is the provider_id you choose.
provider "llm" {
  platform = "keywordsai"
  # endpoint defaults to https://api.keywordsai.co
  token = var.keywordsai_token # or LLM_TOKEN
}

variable "keywordsai_token" {
  type      = string
  sensitive = true
}

variable "azure_openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "llm_provider" "azure" {
  provider_id = "acme-azure-openai" # unique in the organization; changing it forces a new record
  name        = "Azure OpenAI (prod)"
  base_url    = "https://acme.openai.azure.com" # sent as extra_kwargs.base_url

  api_key_wo         = var.azure_openai_api_key
  api_key_wo_version = "1"

  # Sensitive, and never returned by the platform: out-of-band changes cannot be seen.
  extra_kwargs = jsonencode({
    timeout     = 60
    max_tokens  = 4096
    api_version = "2024-10-21"
  })
}
