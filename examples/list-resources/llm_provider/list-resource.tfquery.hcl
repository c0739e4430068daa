# Every record on the platform that Terraform can adopt, with its attributes, so that
# terraform query -generate-config-out=FILE writes a resource and an import block for each.
list "llm_provider" "all" {
  provider         = llm
  include_resource = true
}

# Only the OpenAI records: filters are model_provider, name and workspace_id (where the
# platform has them); workspace_id narrows the one list call to that workspace.
list "llm_provider" "openai" {
  provider = llm

  config {
    model_provider = "openai"
  }
}
