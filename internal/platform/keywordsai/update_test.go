package keywordsai_test

import (
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
)

// TestPlanUpdateWireBody: what a keywordsai update sends for each kind of change, body for body
// (PATCH /api/providers/{provider_id}/).
func TestPlanUpdateWireBody(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1", token)
	prior := platform.Record{
		ID: "my-azure", ProviderID: "my-azure", Name: "Azure", APIKey: "sk-kept",
		BaseURL: "https://x.openai.azure.com", ExtraKwargs: map[string]any{"timeout": 90.0, "api_version": "2024-06-01"},
	}
	with := func(change func(r *platform.Record)) platform.Record {
		r := prior
		r.ExtraKwargs = map[string]any{"timeout": 90.0, "api_version": "2024-06-01"}
		change(&r)
		return r
	}
	platformtest.RunUpdateCases(t, c, []platformtest.UpdateCase{
		{Name: "no change", Prior: prior, Planned: with(func(*platform.Record) {})},
		{Name: "rename", Prior: prior, Planned: with(func(r *platform.Record) { r.Name = "Azure EU" }), Body: `{"provider_name":"Azure EU"}`},
		{Name: "rotated secret", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "sk-new" }),
			Rotated: []platform.Field{platform.FieldAPIKey}, Body: `{"api_key":"sk-new"}`},
		{Name: "unchanged secret is not re-sent", Prior: prior, Planned: with(func(r *platform.Record) { r.Name = "Azure EU" }),
			Body: `{"provider_name":"Azure EU"}`},
		{Name: "replace-only provider_id", Prior: prior, Planned: with(func(r *platform.Record) { r.ProviderID = "other" }),
			Err: "provider_id cannot be changed in place"},
		// keywordsai's own rule: base_url travels inside extra_kwargs, which the platform replaces
		// whole, so a change of either sends the merged object.
		{Name: "base_url sends the merged extra_kwargs", Prior: prior,
			Planned: with(func(r *platform.Record) { r.BaseURL = "https://y.openai.azure.com" }),
			Body:    `{"extra_kwargs":{"base_url":"https://y.openai.azure.com","timeout":90,"api_version":"2024-06-01"}}`},
		{Name: "extra_kwargs key removed sends the rest whole", Prior: prior,
			Planned: with(func(r *platform.Record) { delete(r.ExtraKwargs, "api_version") }),
			Body:    `{"extra_kwargs":{"base_url":"https://x.openai.azure.com","timeout":90}}`},
		// base_url is optional and computed: left unset, it stays as the platform holds it.
		{Name: "unset base_url is not sent", Prior: prior, Planned: with(func(r *platform.Record) { r.BaseURL = "" })},
		{Name: "extra_kwargs removed keeps base_url", Prior: prior, Planned: with(func(r *platform.Record) { r.ExtraKwargs = nil }),
			Body: `{"extra_kwargs":{"base_url":"https://x.openai.azure.com"}}`},
		{Name: "both removed are an empty object", Prior: prior, Planned: with(func(r *platform.Record) { r.BaseURL, r.ExtraKwargs = "", nil }),
			Body: `{"extra_kwargs":{}}`},
		{Name: "base_url set twice is refused", Prior: prior,
			Planned: with(func(r *platform.Record) { r.ExtraKwargs["base_url"] = "https://z.example.com" }), Err: "base_url is set both"},
		{Name: "a removed key the platform cannot clear is not sent", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "" }),
			Rotated: []platform.Field{platform.FieldAPIKey}},
	})
}
