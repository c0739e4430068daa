# One provider block per platform: here the same OpenAI key is configured on two platforms.
provider "llm" {
  alias    = "refactor"
  platform = "refactor"
  token    = var.refactor_token
}

provider "llm" {
  alias    = "barndoor"
  platform = "barndoor"
  endpoint = "https://acme.platform.barndoor.ai/api/llm-gateway"
  token    = var.barndoor_token
}

variable "refactor_token" {
  type      = string
  sensitive = true
}

variable "barndoor_token" {
  type      = string
  sensitive = true
}

variable "openai_api_key" {
  description = "The OpenAI key. Write-only: it never reaches the plan or the state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "openai_api_key_version" {
  description = "Change this (a number, a date) to send a rotated key."
  type        = string
  default     = "1"
}

resource "llm_provider" "refactor_openai" {
  provider = llm.refactor

  model_provider     = "openai"
  api_key_wo         = var.openai_api_key
  api_key_wo_version = var.openai_api_key_version
}

resource "llm_provider" "barndoor_openai" {
  provider = llm.barndoor

  name               = "openai"
  model_provider     = "openai"
  api_key_wo         = var.openai_api_key
  api_key_wo_version = var.openai_api_key_version
}
