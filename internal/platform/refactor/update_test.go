package refactor_test

import (
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// TestPlanUpdateWireBody: what a refactor update sends for each kind of change, body for body
// (PUT /v1/llm-provider/{provider}).
func TestPlanUpdateWireBody(t *testing.T) {
	c, err := refactor.New(platform.HTTPConfig{Endpoint: "http://127.0.0.1:1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	prior := platform.Record{
		ID: "openai", ModelProvider: "openai", Enabled: boolPtr(true), APIKey: "sk-kept",
		Credentials: map[string]string{"organization": "org-1"},
	}
	with := func(change func(r *platform.Record)) platform.Record {
		r := prior
		r.Credentials = map[string]string{"organization": "org-1"}
		change(&r)
		return r
	}
	platformtest.RunUpdateCases(t, c, []platformtest.UpdateCase{
		{Name: "no change", Prior: prior, Planned: with(func(*platform.Record) {})},
		{Name: "disable", Prior: prior, Planned: with(func(r *platform.Record) { r.Enabled = boolPtr(false) }), Body: `{"enabled":false}`},
		{Name: "unchanged secrets are not re-sent", Prior: prior, Planned: with(func(r *platform.Record) { r.Enabled = boolPtr(false) }),
			Body: `{"enabled":false}`},
		// refactor's own rule: api_key and the other credentials travel in one credentials object,
		// sent whole when either changes.
		{Name: "rotated api_key sends the whole credentials object", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "sk-new" }),
			Rotated: []platform.Field{platform.FieldAPIKey}, Body: `{"credentials":{"api_key":"sk-new","organization":"org-1"}}`},
		{Name: "a credential key removed", Prior: prior, Planned: with(func(r *platform.Record) { r.Credentials = map[string]string{"project": "p"} }),
			Rotated: []platform.Field{platform.FieldCredentials}, Body: `{"credentials":{"api_key":"sk-kept","project":"p"}}`},
		{Name: "both rotated are sent once", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey, r.Credentials = "sk-2", nil }),
			Rotated: []platform.Field{platform.FieldAPIKey, platform.FieldCredentials}, Body: `{"credentials":{"api_key":"sk-2"}}`},
		{Name: "cleared credentials are an empty object", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey, r.Credentials = "", nil }),
			Rotated: []platform.Field{platform.FieldAPIKey, platform.FieldCredentials}, Body: `{"credentials":{}}`},
		{Name: "replace-only model_provider", Prior: prior, Planned: with(func(r *platform.Record) { r.ModelProvider = "anthropic" }),
			Err: "model_provider cannot be changed in place"},
		{Name: "api_key set twice is refused", Prior: prior,
			Planned: with(func(r *platform.Record) { r.Credentials["api_key"] = "sk-other" }), Rotated: []platform.Field{platform.FieldCredentials},
			Err: "set it in one place only"},
	})
}
