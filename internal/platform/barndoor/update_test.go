package barndoor_test

import (
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
)

// TestPlanUpdateWireBody: what a barndoor update sends for each kind of change, body for body
// (PUT /admin/providers/{id}).
func TestPlanUpdateWireBody(t *testing.T) {
	c, err := barndoor.New(platform.HTTPConfig{Endpoint: "http://127.0.0.1:1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	const connection = "0b5c8f2e-6f51-4a53-9b7e-3f1d2c4a5b6c"
	prior := platform.Record{
		ID: "3c90c3cc-0d44-4b50-8888-8dd25736052a", Name: "primary", ModelProvider: "openai",
		BaseURL: "https://api.openai.com", Enabled: ptr(true), APIKey: "sk-kept", AuthType: "api_key",
		Settings:           map[string]any{"temperature": 0.2, "top_p": 0.9},
		RequestTimeoutSecs: ptr(int64(30)), EnforceHealthCheck: ptr(true),
	}
	with := func(change func(r *platform.Record)) platform.Record {
		r := prior
		r.Settings = map[string]any{"temperature": 0.2, "top_p": 0.9}
		change(&r)
		return r
	}
	notMetered := with(func(r *platform.Record) {
		r.BillingMode, r.BillingReason, r.BillingNote = "not_metered", "subscription", "prepaid"
	})
	attached := with(func(r *platform.Record) { r.ConnectionID, r.APIKey = connection, "" })
	platformtest.RunUpdateCases(t, c, []platformtest.UpdateCase{
		{Name: "no change", Prior: prior, Planned: with(func(*platform.Record) {})},
		{Name: "rename", Prior: prior, Planned: with(func(r *platform.Record) { r.Name = "renamed" }), Body: `{"name":"renamed"}`},
		{Name: "cleared timeout is an explicit null", Prior: prior, Planned: with(func(r *platform.Record) { r.RequestTimeoutSecs = nil }),
			Body: `{"request_timeout_secs":null}`},
		{Name: "rotated secret", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "sk-new" }), Rotated: []platform.Field{platform.FieldAPIKey},
			Body: `{"api_key":"sk-new"}`},
		{Name: "unchanged secret is not re-sent", Prior: prior, Planned: with(func(r *platform.Record) { r.Enabled = ptr(false) }),
			Body: `{"enabled":false}`},
		{Name: "replace-only model_provider", Prior: prior, Planned: with(func(r *platform.Record) { r.ModelProvider = "anthropic" }),
			Err: "model_provider cannot be changed in place"},
		{Name: "settings key removed sends the whole object", Prior: prior,
			Planned: with(func(r *platform.Record) { delete(r.Settings, "top_p") }), Body: `{"settings":{"temperature":0.2}}`},
		{Name: "settings removed are an empty object", Prior: prior, Planned: with(func(r *platform.Record) { r.Settings = nil }),
			Body: `{"settings":{}}`},
		{Name: "model_sync_mode is a plain value", Prior: prior, Planned: with(func(r *platform.Record) { r.ModelSyncMode = "full" }),
			Body: `{"model_sync_mode":"full"}`},
		{Name: "not metered goes with its reason", Prior: prior,
			Planned: with(func(r *platform.Record) { r.BillingMode, r.BillingReason = "not_metered", "subscription" }),
			Body:    `{"billing_mode":"not_metered","billing_reason":"subscription"}`},
		{Name: "metered again clears the reason with a null", Prior: notMetered,
			Planned: with(func(r *platform.Record) { r.BillingMode, r.BillingNote = "per_token", "prepaid" }),
			Body:    `{"billing_mode":"per_token","billing_reason":null}`},
		{Name: "cleared billing note is an explicit null", Prior: notMetered,
			Planned: with(func(r *platform.Record) { r.BillingMode, r.BillingReason = "not_metered", "subscription" }),
			Body:    `{"billing_note":null}`},
		{Name: "models is sent on create only, never in an update", Prior: prior,
			Planned: with(func(r *platform.Record) { r.Models = []string{"gpt-4o"} })},
		{Name: "unset billing mode is left to the platform", Prior: notMetered,
			Planned: with(func(r *platform.Record) { r.BillingReason, r.BillingNote = "subscription", "prepaid" })},
		{Name: "unset platform default is left to the platform", Prior: prior,
			Planned: with(func(r *platform.Record) { r.EnforceHealthCheck, r.AuthType = nil, "" })},
		{Name: "attaching a connection drops the removed key", Prior: prior, Planned: attached, Rotated: []platform.Field{platform.FieldAPIKey},
			Body: `{"connection_id":"` + connection + `"}`},
		{Name: "detaching carries the direct credential", Prior: with(func(r *platform.Record) { r.ConnectionID = connection }),
			Planned: prior, Body: `{"connection_id":null,"api_key":"sk-kept"}`},
		// The platform has no way to remove a key: removing it from the configuration leaves the
		// platform's (the plan-time checks say so where the platform requires one).
		{Name: "a removed key the platform cannot clear is not sent", Prior: prior, Planned: with(func(r *platform.Record) { r.APIKey = "" }),
			Rotated: []platform.Field{platform.FieldAPIKey}},
		{Name: "model_provider maps to its wire slug on create only; other fields keep their names", Prior: prior,
			Planned: with(func(r *platform.Record) {
				r.BaseURL, r.StreamIdleTimeoutSecs = "https://proxy.example.com", ptr(int64(90))
			}),
			Body: `{"base_url":"https://proxy.example.com","stream_idle_timeout_secs":90}`},
	})
}
