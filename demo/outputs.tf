output "record_ids" {
  description = "The platform id of each record."
  value = {
    refactor   = llm_provider.refactor_openai.id
    flashback  = llm_provider.flashback_anthropic.id
    barndoor   = llm_provider.barndoor_openai.id
    keywordsai = llm_provider.keywordsai_groq.id
  }
}

output "barndoor_id" {
  description = "The Barndoor record id (the demo changes this record out of band)."
  value       = llm_provider.barndoor_openai.id
}
