# barndoor (Barndoor LLM gateway): the id is the server's provider UUID. There is no default
# endpoint: use your tenant's gateway root.
provider "llm" {
  platform = "barndoor"
  endpoint = "https://acme.platform.barndoor.ai/api/llm-gateway" # or LLM_ENDPOINT
  token    = var.barndoor_token                                  # or LLM_TOKEN: an admin JWT
}

variable "barndoor_token" {
  type      = string
  sensitive = true
}

variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

# The secret lives on a shared connection (credential); the record references it.
resource "llm_provider" "anthropic" {
  name           = "anthropic-prod" # unique in the organization, case-insensitively
  model_provider = "anthropic"      # changing it forces a new record
  connection_id  = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

  # Created enabled, then disabled by one update right after the create.
  enabled = false

  # The platform adds keys of its own (such as model_api_family); they never cause a diff.
  settings = jsonencode({
    max_output_tokens = 8192
  })
  request_timeout_secs     = 1800
  stream_idle_timeout_secs = 900

  # Keep routing to it while its health check fails (the platform's default is true).
  enforce_health_check = false

  timeouts {
    create = "5m"
    update = "5m"
  }
}

# An inline, write-only key instead of a connection.
resource "llm_provider" "openai" {
  name           = "openai-direct"
  model_provider = "openai"
  base_url       = "https://api.openai.com" # OpenAI-compatible families: no trailing /v1

  api_key_wo         = var.openai_api_key
  api_key_wo_version = "1"
}
