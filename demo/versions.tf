terraform {
  # Write-only attributes (api_key_wo) need Terraform 1.11 or newer.
  required_version = ">= 1.11"

  required_providers {
    llm = {
      source = "llmconfig/llm"
    }
  }
}
