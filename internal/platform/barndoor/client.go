// Package barndoor is the client of the Barndoor LLM gateway's admin API for providers
// (/admin/providers under the endpoint https://{organization_id}.platform.barndoor.ai/api/llm-gateway).
//
// The API answers every write with the full provider object, so no read-back is needed. Create
// has no enabled field: a disabled provider is created, then updated with {"enabled": false}
// (followUp). The server adds derived keys to settings (model_api_family and, per model
// provider, api_version or external_id): the record names them in PlatformSettingsKeys.
// Secrets (api_key, credentials) are write-only. Attaching a connection carries no secret;
// detaching one carries the direct credential in the same request (UpdateBody).
package barndoor

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// Name is the platform's name in the provider block.
const Name platform.Name = "barndoor"

// Spec is barndoor's attributes, for the schema, validation and docs.
var Spec = platform.Spec{
	Name: Name, Noun: "provider", IDDoc: "the provider UUID",
	IDExample: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
	// The tenant host is the only endpoint: there is no default.
	EndpointExample: "https://{organization_id}.platform.barndoor.ai/api/llm-gateway",
	NameDoc:         "case-insensitively unique in the organization",
	UniqueKey:       platform.FieldName,
	ModelProviders:  platform.CanonicalModelProviders, ModelProviderWire: platform.IdentityWire(platform.CanonicalModelProviders),
	Fields: map[platform.Field]platform.FieldSpec{
		platform.FieldName:          {Wire: "name", Required: true, FoldCase: true},
		platform.FieldModelProvider: {Wire: "model_provider", Required: true, Replace: true},
		platform.FieldBaseURL: {Wire: "base_url", Doc: "for the OpenAI-compatible model providers it must not end in `/v1`. " +
			"When unset, the record follows its connection's base URL, or whatever the platform fills in"},
		platform.FieldEnabled: {Wire: "enabled", Doc: "the create call has no such field, so a disabled record is created, " +
			"then disabled by an update right after the create"},
		platform.FieldAPIKey:                {Wire: "api_key", MayOmit: true},
		platform.FieldCredentials:           {Wire: "credentials", MayOmit: true},
		platform.FieldAuthType:              {Wire: "auth_type"},
		platform.FieldConnectionID:          {Wire: "connection_id", Clearable: true, DetachNeedsCredential: true},
		platform.FieldCatalogID:             {Wire: "catalog_id", Replace: true},
		platform.FieldSettings:              {Wire: "settings"},
		platform.FieldRequestTimeoutSecs:    {Wire: "request_timeout_secs", Clearable: true},
		platform.FieldStreamIdleTimeoutSecs: {Wire: "stream_idle_timeout_secs", Clearable: true},
		platform.FieldEnforceHealthCheck: {Wire: "enforce_health_check", Doc: "the platform's default is true. " +
			"Platform versions that predate the field neither store nor return it"},
		platform.FieldModelSyncMode: {Wire: "model_sync_mode", Doc: "the platform's default is `off`"},
		platform.FieldBillingMode:   {Wire: "billing_mode", Doc: "the platform's default is `per_token`"},
		platform.FieldBillingReason: {Wire: "billing_reason", Clearable: true,
			RequiredWhen: &platform.FieldValue{Field: platform.FieldBillingMode, Value: "not_metered"}},
		platform.FieldBillingNote: {Wire: "billing_note", Clearable: true},
		platform.FieldModels: {Wire: "models", CreateOnly: true, MayOmit: true,
			Doc: "sent on create only; the `Provider` answer has no such field, so it is never read back and an import leaves it null"},
	},
	Computed: map[platform.Field]string{
		platform.FieldOrgID: "org_id", platform.FieldCatalogSlug: "catalog_slug",
		platform.FieldCreatedAt: "created_at", platform.FieldUpdatedAt: "updated_at",
		platform.FieldHealthStatus: "health_status", platform.FieldSecretPath: "secret_path",
	},
}

// derivedSettingsKeys are the settings keys the platform adds itself.
var derivedSettingsKeys = []string{"model_api_family", "api_version", "external_id"}

// providersPath is where providers hang from, under the endpoint.
const providersPath = "/admin/providers"

// wire is barndoor's paths and mapping.
var wire = platform.Wire{
	CollectionPath: providersPath, DecodeError: DecodeError, CreateBody: CreateBody, UpdateBody: UpdateBody,
	DecodeRecord: DecodeRecord, DecodeList: platform.SinglePage(DecodeList), FollowUp: followUp,
}

// Client is the shared REST client with barndoor's Spec and wire.
type Client = platform.RESTClient

// New builds a client of one Barndoor LLM gateway endpoint.
func New(cfg platform.HTTPConfig) (*Client, error) { return platform.NewRESTClient(Spec, wire, cfg) }

// followUp: the create call has no enabled field, so a provider wanted disabled is disabled by an
// update right after the create.
func followUp(created, wanted platform.Record) []platform.Field {
	if wanted.Enabled != nil && (created.Enabled == nil || *created.Enabled != *wanted.Enabled) {
		return []platform.Field{platform.FieldEnabled}
	}
	return nil
}

// DecodeError reads the gateway's OpenAI-style envelope {"error":{"message":"...","type":"..."}};
// the type (invalid_request_error, not_found_error, ...) becomes the code. A bare
// {"error":"..."} or {"message":"..."}, as a proxy in front of the gateway may answer, is read
// too.
func DecodeError(body []byte) (code, message string) {
	var envelope struct {
		Error   json.RawMessage `json:"error"`
		Message any             `json:"message"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return "", ""
	}
	var inner struct {
		Message any `json:"message"`
		Type    any `json:"type"`
	}
	if len(envelope.Error) > 0 && json.Unmarshal(envelope.Error, &inner) == nil {
		msg, _ := inner.Message.(string)
		typ, _ := inner.Type.(string)
		if msg != "" || typ != "" {
			return typ, msg
		}
	}
	var bare string
	if len(envelope.Error) > 0 && json.Unmarshal(envelope.Error, &bare) == nil && bare != "" {
		return "", bare
	}
	msg, _ := envelope.Message.(string)
	return "", msg
}

// wireProvider is the Provider object. Nullable columns are pointers so null and absent read as
// unset; fields the provider has no attribute for (last_change_note, ...) are ignored. keys records
// which fields the object carried, so the record can tell a field left out from one cleared.
type wireProvider struct {
	ID                    string          `json:"id"`
	OrgID                 string          `json:"org_id"`
	Name                  string          `json:"name"`
	ModelProvider         string          `json:"model_provider"`
	AuthType              string          `json:"auth_type"`
	BaseURL               string          `json:"base_url"`
	Enabled               *bool           `json:"enabled"`
	Settings              json.RawMessage `json:"settings"`
	CatalogID             *string         `json:"catalog_id"`
	ConnectionID          *string         `json:"connection_id"`
	RequestTimeoutSecs    *int64          `json:"request_timeout_secs"`
	StreamIdleTimeoutSecs *int64          `json:"stream_idle_timeout_secs"`
	EnforceHealthCheck    *bool           `json:"enforce_health_check"`
	ModelSyncMode         *string         `json:"model_sync_mode"`
	BillingMode           *string         `json:"billing_mode"`
	BillingReason         *string         `json:"billing_reason"`
	BillingNote           *string         `json:"billing_note"`
	CatalogSlug           *string         `json:"catalog_slug"`
	HealthStatus          *string         `json:"health_status"`
	SecretPath            *string         `json:"secret_path"`
	CreatedAt             string          `json:"created_at"`
	UpdatedAt             string          `json:"updated_at"`

	keys map[string]json.RawMessage
}

// UnmarshalJSON decodes the object and keeps its keys, for Record.Returned.
func (w *wireProvider) UnmarshalJSON(data []byte) error {
	type plain wireProvider
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	*w = wireProvider(p)
	w.keys = keys
	return nil
}

func (w wireProvider) Record() (platform.Record, error) {
	if w.ID == "" {
		return platform.Record{}, errors.New("the provider has no id")
	}
	rec := platform.Record{
		ID:                    w.ID,
		OrgID:                 w.OrgID,
		Name:                  w.Name,
		AuthType:              w.AuthType,
		BaseURL:               w.BaseURL,
		Enabled:               w.Enabled,
		CatalogID:             deref(w.CatalogID),
		ConnectionID:          deref(w.ConnectionID),
		RequestTimeoutSecs:    w.RequestTimeoutSecs,
		StreamIdleTimeoutSecs: w.StreamIdleTimeoutSecs,
		EnforceHealthCheck:    w.EnforceHealthCheck,
		ModelSyncMode:         deref(w.ModelSyncMode),
		BillingMode:           deref(w.BillingMode),
		BillingReason:         deref(w.BillingReason),
		BillingNote:           deref(w.BillingNote),
		Returned:              Spec.ReturnedKeys(w.keys),
		CatalogSlug:           deref(w.CatalogSlug),
		HealthStatus:          deref(w.HealthStatus),
		SecretPath:            deref(w.SecretPath),
		CreatedAt:             w.CreatedAt,
		UpdatedAt:             w.UpdatedAt,
	}
	if w.ModelProvider != "" {
		rec.ModelProvider = Spec.ModelProviderFromWire(w.ModelProvider)
	}
	if len(w.Settings) > 0 && string(w.Settings) != "null" {
		settings, err := platform.DecodeObject(w.Settings)
		if err != nil {
			return platform.Record{}, fmt.Errorf("settings: %w", err)
		}
		rec.Settings = settings
	}
	for _, k := range derivedSettingsKeys {
		if _, ok := rec.Settings[k]; ok {
			rec.PlatformSettingsKeys = append(rec.PlatformSettingsKeys, k)
		}
	}
	return rec, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// DecodeRecord decodes one Provider object. Secrets are never read back.
func DecodeRecord(body []byte) (platform.Record, error) {
	return platform.DecodeOne[wireProvider](body)
}

// DecodeList decodes the bare JSON array of GET /admin/providers. A body that is not an array
// (null included) is an error rather than an empty list: reading it as empty would make every
// record look deleted.
func DecodeList(body []byte) ([]platform.Record, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	if trimmed := strings.TrimSpace(string(raw)); !strings.HasPrefix(trimmed, "[") {
		return nil, errors.New("the provider list is not a JSON array")
	}
	var items []wireProvider
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	return platform.RecordsOf("providers", items)
}

// CreateBody maps a record to the body of POST /admin/providers. enabled is never part of it:
// the endpoint has no such field and refuses it (followUp sets it). Empty optional fields are
// left out so the server applies its defaults (auth_type per model provider, settings {}).
func CreateBody(r platform.Record) (map[string]any, error) {
	return Spec.CreateBody(r, func(f platform.Field, r platform.Record, body map[string]any) (bool, error) {
		if f == platform.FieldEnabled {
			return true, nil
		}
		return mapBody(f, r, body)
	})
}

// UpdateBody maps a change to the body of PUT /admin/providers/{id}: exactly the wire fields it
// touches. A cleared connection_id, timeout, billing_reason or billing_note is an explicit null,
// which the platform takes as "clear"; cleared settings are {}. model_provider and catalog_id cannot
// change in place, and name, base_url, auth_type, enabled and the secrets cannot be cleared (PlanUpdate never plans
// removing a secret the platform cannot clear). Detaching from a connection carries the direct
// credential in the same request, since the platform needs one then.
func UpdateBody(prior, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	if slices.Contains(fields, platform.FieldConnectionID) && prior.ConnectionID != "" && planned.ConnectionID == "" {
		for _, f := range []platform.Field{platform.FieldAPIKey, platform.FieldCredentials} {
			if planned.IsSet(f) && !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	body, err := Spec.UpdateBody(planned, fields, func(f platform.Field, v platform.Record, body map[string]any) (bool, error) {
		if f == platform.FieldSettings && !v.IsSet(f) {
			body["settings"] = map[string]any{}
			return true, nil
		}
		return mapBody(f, v, body)
	})
	return body, fields, err
}

// mapBody maps model_provider to its wire slug; every other field is its value.
func mapBody(f platform.Field, r platform.Record, body map[string]any) (bool, error) {
	if f != platform.FieldModelProvider {
		return false, nil
	}
	slug, err := Spec.ModelProviderToWire(r.ModelProvider)
	body["model_provider"] = slug
	return true, err
}
