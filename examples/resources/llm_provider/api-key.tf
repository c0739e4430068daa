# api_key keeps the key in state (marked sensitive). It works with every Terraform and OpenTofu
# version; prefer api_key_wo with Terraform or OpenTofu >= 1.11.
variable "anthropic_api_key" {
  type      = string
  sensitive = true
}

resource "llm_provider" "anthropic" {
  model_provider = "anthropic"
  api_key        = var.anthropic_api_key
}
