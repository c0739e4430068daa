terraform {
  # Terraform >= 1.11 or OpenTofu >= 1.11 for the write-only *_wo attributes; api_key and the
  # other attributes kept in state work with any Terraform >= 1.0 and any OpenTofu.
  required_version = ">= 1.11"

  required_providers {
    llm = {
      source = "llmconfig/llm"
    }
  }
}

variable "llm_platform" {
  description = "The platform to manage: refactor, flashback, barndoor or keywordsai."
  type        = string
  default     = "barndoor"
}

variable "llm_endpoint" {
  description = "The platform's API root. null uses the platform's default (barndoor has none)."
  type        = string
  default     = "https://acme.platform.barndoor.ai/api/llm-gateway"
}

variable "llm_token" {
  description = "Bearer token for the platform API. In CI, prefer the LLM_TOKEN environment variable."
  type        = string
  sensitive   = true
}

# One provider block talks to one platform. Every attribute may come from the environment instead:
# LLM_PLATFORM, LLM_ENDPOINT, LLM_TOKEN, LLM_MAX_RETRIES, LLM_REQUEST_TIMEOUT, LLM_RATE_LIMIT and
# LLM_COALESCE_READS. With LLM_PLATFORM, LLM_TOKEN and (for barndoor) LLM_ENDPOINT set in the
# environment, an empty `provider "llm" {}` block is enough. In CI, OAuth2 client credentials
# (token_url, client_id, client_secret, or LLM_TOKEN_URL, LLM_CLIENT_ID, LLM_CLIENT_SECRET) can
# replace the token: see Authentication below.
provider "llm" {
  platform = var.llm_platform
  endpoint = var.llm_endpoint
  token    = var.llm_token

  # Optional tuning. These are the defaults except rate_limit, which is unlimited (0) by default.
  max_retries     = 4     # retries on 429, 502, 503, 504 and connection errors, honouring Retry-After
  request_timeout = "30s" # one HTTP attempt; the resource's timeouts block bounds a whole operation
  rate_limit      = 5     # requests per second, shared by every resource of this provider block
  coalesce_reads  = true  # concurrent refreshes share one list call
}
