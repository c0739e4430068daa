# Terraform >= 1.12 and OpenTofu >= 1.12: import by the resource identity. `id` is the
# platform's id of the record; `workspace_id` (flashback only, optional) narrows the lookup to
# that workspace. terraform query writes these blocks for you (see the guide "Adopting existing
# records").
import {
  to = llm_provider.anthropic
  identity = {
    id = "anthropic" # refactor: the provider slug
  }
}

resource "llm_provider" "anthropic" {
  model_provider = "anthropic"
  enabled        = true
}
