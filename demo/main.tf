# One provider block per platform, told apart by alias.

provider "llm" {
  alias    = "refactor"
  platform = "refactor"
  endpoint = var.refactor_endpoint
  token    = var.refactor_token
}

provider "llm" {
  alias    = "flashback"
  platform = "flashback"
  endpoint = var.flashback_endpoint
  token    = var.flashback_token
}

provider "llm" {
  alias    = "barndoor"
  platform = "barndoor"
  endpoint = var.barndoor_endpoint
  token    = var.barndoor_token
}

provider "llm" {
  alias    = "keywordsai"
  platform = "keywordsai"
  endpoint = var.keywordsai_endpoint
  token    = var.keywordsai_token
}

# Refactor: one record per model provider slug; the key is write-only.
resource "llm_provider" "refactor_openai" {
  provider = llm.refactor

  model_provider     = "openai"
  enabled            = var.refactor_openai_enabled
  api_key_wo         = var.openai_api_key
  api_key_wo_version = var.openai_api_key_version
  credentials = {
    organization = "org-demo"
  }
}

# Flashback: records live in a workspace and need a key and a secret.
resource "llm_provider" "flashback_anthropic" {
  provider = llm.flashback

  name           = "demo-anthropic"
  model_provider = "anthropic"
  base_url       = "https://api.anthropic.com"
  workspace_id   = "ws-demo"
  api_key        = var.anthropic_api_key
  secret         = var.anthropic_secret
}

# Barndoor: the platform fills in base_url and auth_type; settings is a JSON object.
resource "llm_provider" "barndoor_openai" {
  provider = llm.barndoor

  name                 = "demo-openai"
  model_provider       = "openai"
  api_key_wo           = var.openai_api_key
  api_key_wo_version   = var.openai_api_key_version
  request_timeout_secs = var.barndoor_request_timeout
  settings = jsonencode({
    temperature_default = 0.2
  })
}

# Keywords AI: the record id is chosen here (provider_id).
resource "llm_provider" "keywordsai_groq" {
  provider = llm.keywordsai

  provider_id = "demo-groq"
  name        = "Demo Groq"
  base_url    = "https://api.groq.com/openai/v1"
  api_key     = var.groq_api_key
  extra_kwargs = jsonencode({
    timeout = 60
  })
}
