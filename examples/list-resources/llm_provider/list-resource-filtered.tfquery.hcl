# Only the OpenAI records: the filters are model_provider, name and workspace_id (where the
# platform has them); workspace_id narrows the one list call to that workspace.
list "llm_provider" "openai" {
  provider         = llm
  include_resource = true

  config {
    model_provider = "openai"
  }
}
