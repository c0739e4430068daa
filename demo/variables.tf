# Endpoints and tokens per platform. The demo script points all four at one local llm-mock;
# in real use each platform has its own endpoint and token (a null endpoint uses the platform's default).

variable "refactor_endpoint" {
  description = "Refactor API root, e.g. https://api.psci.ai/api."
  type        = string
  default     = null
}

variable "refactor_token" {
  description = "Refactor API token."
  type        = string
  sensitive   = true
}

variable "flashback_endpoint" {
  description = "Flashback API root, e.g. https://backend.flashback.tech."
  type        = string
  default     = null
}

variable "flashback_token" {
  description = "Flashback API token."
  type        = string
  sensitive   = true
}

variable "barndoor_endpoint" {
  description = "Barndoor LLM gateway root: https://{organization_id}.platform.barndoor.ai/api/llm-gateway."
  type        = string
}

variable "barndoor_token" {
  description = "Barndoor API token."
  type        = string
  sensitive   = true
}

variable "keywordsai_endpoint" {
  description = "Keywords AI API root, e.g. https://api.keywordsai.co."
  type        = string
  default     = null
}

variable "keywordsai_token" {
  description = "Keywords AI API token."
  type        = string
  sensitive   = true
}

# Model provider keys. The OpenAI key is ephemeral: it only feeds write-only attributes, so it
# never lands in a plan or in the state.

variable "openai_api_key" {
  description = "OpenAI API key, sent to refactor and barndoor through api_key_wo."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "openai_api_key_version" {
  description = "Bump to send a rotated openai_api_key (write-only values are sent only when this changes)."
  type        = string
  default     = "1"
}

variable "anthropic_api_key" {
  description = "Anthropic API key for flashback."
  type        = string
  sensitive   = true
}

variable "anthropic_secret" {
  description = "Secret flashback requires next to the key."
  type        = string
  sensitive   = true
}

variable "groq_api_key" {
  description = "Groq API key for Keywords AI."
  type        = string
  sensitive   = true
}

# Settings a team changes day to day.

variable "refactor_openai_enabled" {
  description = "Whether refactor routes traffic to OpenAI."
  type        = bool
  default     = true
}

variable "barndoor_request_timeout" {
  description = "Barndoor total-request timeout for OpenAI, in seconds (1 to 3600)."
  type        = number
  default     = 1800
}
