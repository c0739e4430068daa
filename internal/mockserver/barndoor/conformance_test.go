package barndoor_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/barndoor"
	c "github.com/llmconfig/terraform-provider-llm/internal/mockserver/conformance"
)

// The request types of Barndoor's TypeScript SDK (barndoor-ai/barndoor-ts-sdk, generated from
// its openapi.yaml "Barndoor.ai Public API" 2.1.0; src/models/CreateProviderRequest.ts and
// UpdateProviderRequest.ts at 0f87559), written from the interfaces: every "?" field is omitted
// when undefined and every "| null" one is sent as null when null.
type createProviderRequest struct {
	APIKey                c.Nullable[string]         `json:"api_key,omitzero"`
	AuthType              c.Nullable[string]         `json:"auth_type,omitzero"`
	BaseURL               string                     `json:"base_url"`
	BillingMode           c.Nullable[string]         `json:"billing_mode,omitzero"`
	BillingNote           c.Nullable[string]         `json:"billing_note,omitzero"`
	BillingReason         c.Nullable[string]         `json:"billing_reason,omitzero"`
	CatalogID             c.Nullable[string]         `json:"catalog_id,omitzero"`
	ChangeNote            c.Nullable[string]         `json:"change_note,omitzero"`
	ConnectionID          c.Nullable[string]         `json:"connection_id,omitzero"`
	Credentials           c.Nullable[map[string]any] `json:"credentials,omitzero"`
	EnforceHealthCheck    c.Nullable[bool]           `json:"enforce_health_check,omitzero"`
	ModelProvider         string                     `json:"model_provider"`
	ModelSyncMode         c.Nullable[string]         `json:"model_sync_mode,omitzero"`
	Models                []string                   `json:"models,omitempty"`
	Name                  string                     `json:"name"`
	RequestTimeoutSecs    c.Nullable[int]            `json:"request_timeout_secs,omitzero"`
	Settings              c.Nullable[map[string]any] `json:"settings,omitzero"`
	StreamIdleTimeoutSecs c.Nullable[int]            `json:"stream_idle_timeout_secs,omitzero"`
}

type updateProviderRequest struct {
	APIKey                c.Nullable[string]         `json:"api_key,omitzero"`
	AuthType              c.Nullable[string]         `json:"auth_type,omitzero"`
	BaseURL               c.Nullable[string]         `json:"base_url,omitzero"`
	BillingMode           c.Nullable[string]         `json:"billing_mode,omitzero"`
	BillingNote           c.Nullable[string]         `json:"billing_note,omitzero"`
	BillingReason         c.Nullable[string]         `json:"billing_reason,omitzero"`
	ChangeNote            c.Nullable[string]         `json:"change_note,omitzero"`
	ConnectionID          c.Nullable[string]         `json:"connection_id,omitzero"`
	Credentials           c.Nullable[map[string]any] `json:"credentials,omitzero"`
	Enabled               c.Nullable[bool]           `json:"enabled,omitzero"`
	EnforceHealthCheck    c.Nullable[bool]           `json:"enforce_health_check,omitzero"`
	ModelSyncMode         c.Nullable[string]         `json:"model_sync_mode,omitzero"`
	Name                  c.Nullable[string]         `json:"name,omitzero"`
	RequestTimeoutSecs    c.Nullable[int]            `json:"request_timeout_secs,omitzero"`
	Settings              c.Nullable[map[string]any] `json:"settings,omitzero"`
	StreamIdleTimeoutSecs c.Nullable[int]            `json:"stream_idle_timeout_secs,omitzero"`
}

// providerSpec is the SDK's Provider (src/models/Provider.ts): instanceOfProvider's required
// fields, and the optional ones with their types.
var providerSpec = []c.Field{
	c.Req("auth_type", c.String), c.Req("base_url", c.String),
	c.Req("billing_mode", c.String).OneOf(barndoor.BillingModes...), c.Req("created_at", c.DateTime),
	c.Req("enabled", c.Bool), c.Req("enforce_health_check", c.Bool),
	c.Req("health_status", c.String).OneOf("unverified", "healthy", "unhealthy"), c.Req("id", c.String),
	c.Req("model_provider", c.String), c.Req("model_sync_mode", c.String).OneOf(barndoor.ModelSyncModes...),
	c.Req("name", c.String), c.Req("org_id", c.String), c.Req("secret_path", c.String),
	c.Req("settings", c.Object).OrNull(), c.Req("updated_at", c.DateTime),
	c.Opt("billing_note", c.String).OrNull(), c.Opt("billing_reason", c.String).OrNull().OneOf(barndoor.BillingReasons...),
	c.Opt("catalog_id", c.String).OrNull(), c.Opt("catalog_slug", c.String).OrNull(),
	c.Opt("connection_id", c.String).OrNull(), c.Opt("health_checked_at", c.DateTime).OrNull(),
	c.Opt("health_detail", c.String).OrNull(), c.Opt("last_change_note", c.String).OrNull(),
	c.Opt("request_timeout_secs", c.Integer).OrNull(), c.Opt("stream_idle_timeout_secs", c.Integer).OrNull(),
}

var (
	deletedResponse = []c.Field{c.Req("deleted", c.Bool)}
	errorEnvelope   = []c.Field{c.Req("error", c.Object)}
	errorBody       = []c.Field{c.Req("message", c.String), c.Req("type", c.String)}
)

// TestConformsToBarndoorSDK replays the SDK's createProvider, listProviders, getProvider,
// updateProvider and deleteProvider, and checks each answer against its Provider and
// DeletedResponse types.
func TestConformsToBarndoorSDK(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{})
	const path = "/api/llm-gateway/admin/providers"

	// Every create field the SDK allows, with a value.
	full := s.Do(http.MethodPost, path, createProviderRequest{
		Name: "sdk-full", ModelProvider: "openai", BaseURL: "https://api.openai.com",
		APIKey: c.Value("sk-barndoor-sdk-0001"), BillingMode: c.Value("not_metered"), BillingReason: c.Value("subscription"),
		BillingNote: c.Value("prepaid plan"), CatalogID: c.Value("3c90c3cc-0d44-4b50-8888-8dd25736052a"),
		ChangeNote: c.Value("added by the conformance test"), EnforceHealthCheck: c.Value(false),
		ModelSyncMode: c.Value("additive"), Models: []string{"gpt-4o", "gpt-4o-mini"},
		RequestTimeoutSecs: c.Value(1800), StreamIdleTimeoutSecs: c.Value(900), Settings: c.Value(map[string]any{"team": "ml"}),
	}).Expect(t, "createProvider (every field)", http.StatusOK).Object(t)
	c.MustConform(t, "createProvider (every field)", full, providerSpec)
	for k, want := range map[string]any{
		"billing_mode": "not_metered", "billing_reason": "subscription", "billing_note": "prepaid plan",
		"enforce_health_check": false, "model_sync_mode": "additive", "last_change_note": "added by the conformance test",
		"request_timeout_secs": 1800.0, "stream_idle_timeout_secs": 900.0, "enabled": true,
	} {
		if full[k] != want {
			t.Errorf("createProvider answered %s = %v, want %v", k, full[k], want)
		}
	}
	id, _ := full["id"].(string)
	if got := s.Mock.Barndoor().ModelRoutes(id); !slices.Equal(got, []string{"gpt-4o", "gpt-4o-mini"}) {
		t.Errorf("model routes = %v, want one per model sent", got)
	}

	// Every nullable field as an explicit null: the defaults apply.
	nulls := s.Do(http.MethodPost, path, createProviderRequest{
		Name: "sdk-nulls", ModelProvider: "anthropic", BaseURL: "https://api.anthropic.com",
		APIKey: c.Null[string](), AuthType: c.Null[string](), BillingMode: c.Null[string](), BillingNote: c.Null[string](),
		BillingReason: c.Null[string](), CatalogID: c.Null[string](), ChangeNote: c.Null[string](),
		ConnectionID: c.Null[string](), Credentials: c.Null[map[string]any](), EnforceHealthCheck: c.Null[bool](),
		ModelSyncMode: c.Null[string](), RequestTimeoutSecs: c.Null[int](), Settings: c.Null[map[string]any](),
		StreamIdleTimeoutSecs: c.Null[int](),
	}).Expect(t, "createProvider (nulls)", http.StatusOK).Object(t)
	c.MustConform(t, "createProvider (nulls)", nulls, providerSpec)
	if nulls["billing_mode"] != "per_token" || nulls["model_sync_mode"] != "off" || nulls["enforce_health_check"] != true || nulls["auth_type"] != "x_api_key" {
		t.Errorf("createProvider with nulls: billing_mode %v, model_sync_mode %v, enforce_health_check %v, auth_type %v",
			nulls["billing_mode"], nulls["model_sync_mode"], nulls["enforce_health_check"], nulls["auth_type"])
	}

	list := s.Do(http.MethodGet, path, nil).Expect(t, "listProviders", http.StatusOK).Array(t)
	if len(list) != 2 {
		t.Fatalf("listProviders has %d providers, want 2", len(list))
	}
	for _, item := range list {
		c.MustConform(t, "listProviders item", item.(map[string]any), providerSpec)
	}
	got := s.Do(http.MethodGet, path+"/"+id, nil).Expect(t, "getProvider", http.StatusOK).Object(t)
	c.MustConform(t, "getProvider", got, providerSpec)

	// updateProvider adds enabled; nulls clear the tri-state fields and leave the others.
	updated := s.Do(http.MethodPut, path+"/"+id, updateProviderRequest{
		Enabled: c.Value(false), Name: c.Null[string](), BaseURL: c.Null[string](), BillingMode: c.Value("per_token"),
		BillingReason: c.Null[string](), BillingNote: c.Null[string](), RequestTimeoutSecs: c.Null[int](),
		ModelSyncMode: c.Value("full"), EnforceHealthCheck: c.Null[bool](),
	}).Expect(t, "updateProvider", http.StatusOK).Object(t)
	c.MustConform(t, "updateProvider", updated, providerSpec)
	for k, want := range map[string]any{
		"enabled": false, "name": "sdk-full", "base_url": "https://api.openai.com", "billing_mode": "per_token",
		"model_sync_mode": "full", "enforce_health_check": false, "request_timeout_secs": nil, "stream_idle_timeout_secs": 900.0,
		"last_change_note": nil,
	} {
		if updated[k] != want {
			t.Errorf("updateProvider answered %s = %v, want %v", k, updated[k], want)
		}
	}
	for _, k := range []string{"billing_reason", "billing_note"} {
		if v, ok := updated[k]; ok && v != nil {
			t.Errorf("updateProvider with %s null answered %v, want it cleared", k, v)
		}
	}

	deleted := s.Do(http.MethodDelete, path+"/"+id, nil).Expect(t, "deleteProvider", http.StatusOK).Object(t)
	c.MustConform(t, "deleteProvider", deleted, deletedResponse)
	if deleted["deleted"] != true {
		t.Errorf("deleteProvider = %v, want deleted true", deleted)
	}
	// The spec lists a 404 for a missing record: the default answer, in the error envelope.
	missing := s.Do(http.MethodDelete, path+"/"+id, nil).Expect(t, "deleteProvider (missing)", http.StatusNotFound).Object(t)
	c.MustConform(t, "404 envelope", missing, errorEnvelope)
	c.MustConform(t, "404 envelope error", missing["error"].(map[string]any), errorBody)
	// DeletedResponse calls the delete idempotent: the switch answers so.
	s.Do(http.MethodPost, "/_mock/modes", map[string]any{"barndoor_idempotent_delete": true}).Expect(t, "set mode", http.StatusOK)
	again := s.Do(http.MethodDelete, path+"/"+id, nil).Expect(t, "deleteProvider (missing, idempotent)", http.StatusOK).Object(t)
	c.MustConform(t, "idempotent delete", again, deletedResponse)

	// The unknown-field rule stays: a field no SDK type has is a 400.
	refused := s.Do(http.MethodPost, path, map[string]any{"name": "x", "model_provider": "openai", "base_url": "https://api.openai.com", "colour": "blue"}).
		Expect(t, "unknown field", http.StatusBadRequest).Object(t)
	c.MustConform(t, "400 envelope error", refused["error"].(map[string]any), errorBody)
}
