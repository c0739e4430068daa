package flashback

import (
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
)

// TestPlanUpdateWireBody: what a flashback update sends for each kind of change, body for body
// (PUT /ai/llm/{id}).
func TestPlanUpdateWireBody(t *testing.T) {
	c, err := New(platform.HTTPConfig{Endpoint: "http://127.0.0.1:1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	prior := platform.Record{
		ID: "9b2f0c1e-5d4a-4c7b-8e3f-2a6d1b0c9e8f", Name: "primary", ModelProvider: "openai",
		BaseURL: "https://api.openai.com/v1", APIKey: "sk-kept", Secret: "kept-secret", WorkspaceID: "ws-a",
	}
	with := func(change func(r *platform.Record)) platform.Record {
		r := prior
		change(&r)
		return r
	}
	platformtest.RunUpdateCases(t, c, []platformtest.UpdateCase{
		{Name: "no change", Prior: prior, Planned: prior},
		{Name: "rename", Prior: prior, Planned: with(func(r *platform.Record) { r.Name = "renamed" }), Body: `{"name":"renamed"}`},
		{Name: "removed key is an explicit null", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "" }),
			Rotated: []platform.Field{platform.FieldAPIKey}, Body: `{"key":null}`},
		{Name: "rotated secret", Prior: prior, Planned: with(func(r *platform.Record) { r.Secret = "new-secret" }),
			Rotated: []platform.Field{platform.FieldSecret}, Body: `{"secret":"new-secret"}`},
		{Name: "unchanged secrets are not re-sent", Prior: prior,
			Planned: with(func(r *platform.Record) { r.BaseURL = "https://proxy.example.com/v1" }), Body: `{"endpoint":"https://proxy.example.com/v1"}`},
		{Name: "replace-only workspace", Prior: prior, Planned: with(func(r *platform.Record) { r.WorkspaceID = "ws-b" }),
			Err: "workspace_id cannot be changed in place"},
		// flashback's own rule: model_provider changes in place, as its aiType.
		{Name: "model_provider as aiType", Prior: prior, Planned: with(func(r *platform.Record) { r.ModelProvider = "vertex" }),
			Body: `{"aiType":"GOOGLE"}`},
		{Name: "model_provider within one aiType", Prior: with(func(r *platform.Record) { r.ModelProvider = "google_ai" }),
			Planned: with(func(r *platform.Record) { r.ModelProvider = "vertex" }), Body: `{"aiType":"GOOGLE"}`},
		{Name: "a required field cannot be cleared", Prior: prior, Planned: with(func(r *platform.Record) { r.Name = "" }),
			Err: "name is required and cannot be cleared"},
	})
}
