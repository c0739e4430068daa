# flashback (flashback.tech): records live in a workspace; the id is the server's aiLlmId (a UUID).
provider "llm" {
  platform = "flashback"
  # endpoint defaults to https://backend.flashback.tech
  token = var.flashback_token # or LLM_TOKEN
}

variable "flashback_token" {
  type      = string
  sensitive = true
}

variable "openai_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "openai_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "google_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "google_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "llm_provider" "openai" {
  workspace_id   = "ws-platform-team" # changing it forces a new record
  name           = "openai-prod"      # unique within the workspace
  model_provider = "openai"           # aiType OPENAI; changes in place
  base_url       = "https://api.openai.com/v1"

  api_key_wo         = var.openai_api_key
  api_key_wo_version = "1"

  # flashback requires a secret on create.
  secret_wo         = var.openai_secret
  secret_wo_version = "1"
}

resource "llm_provider" "gemini" {
  workspace_id   = "ws-platform-team"
  name           = "gemini"
  model_provider = "google_ai" # google_ai and vertex are both GOOGLE on the wire
  base_url       = "https://generativelanguage.googleapis.com"

  api_key_wo         = var.google_api_key
  api_key_wo_version = "1"
  secret_wo          = var.google_secret
  secret_wo_version  = "1"
}
