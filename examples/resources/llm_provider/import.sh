# The import ID is the platform's id of the record (the resource's id attribute):

# refactor: the provider slug on the wire (openai, anthropic, google, google-vertex, azure,
# amazon-bedrock, xai).
terraform import llm_provider.example amazon-bedrock

# flashback: the record's aiLlmId (a UUID), from the flashback console or GET /ai/llm.
terraform import llm_provider.example 0b9e3a4c-6f1d-4a27-9a55-2f3c1d7e8b90

# barndoor: the provider's UUID, from GET /admin/providers.
terraform import llm_provider.example 3f8b2c1d-9a4e-4f6b-8c2d-1e5a7b9c0d3f

# keywordsai: the provider_id chosen when the record was created.
terraform import llm_provider.example acme-azure-openai
