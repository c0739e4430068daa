# Every record of the platform the provider block talks to.
data "llm_providers" "all" {}

# Only the records of one model provider (filters: model_provider, name, workspace_id).
data "llm_providers" "openai" {
  model_provider = "openai"
}

output "all_ids" {
  value = data.llm_providers.all.ids # the ids `terraform import` takes
}

output "disabled_openai" {
  value = [for p in data.llm_providers.openai.providers : p.name if !p.enabled]
}
