package refactor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// apiKeyCredential is the credentials key that carries the api_key attribute on the wire.
const apiKeyCredential = "api_key"

// WireProviders is the closed provider enum of the API, in documentation order.
var WireProviders = []string{"openai", "anthropic", "google", "google-vertex", "azure", "amazon-bedrock", "xai"}

// unsupportedOnCreate lists the configurable attributes refactor does not have, each with a
// test of whether the record sets it, so CreateBody refuses them instead of dropping them.
var unsupportedOnCreate = []struct {
	field platform.Field
	set   func(platform.Record) bool
}{
	{platform.FieldProviderID, func(r platform.Record) bool { return r.ProviderID != "" }},
	{platform.FieldName, func(r platform.Record) bool { return r.Name != "" }},
	{platform.FieldBaseURL, func(r platform.Record) bool { return r.BaseURL != "" }},
	{platform.FieldSecret, func(r platform.Record) bool { return r.Secret != "" }},
	{platform.FieldWorkspaceID, func(r platform.Record) bool { return r.WorkspaceID != "" }},
	{platform.FieldAuthType, func(r platform.Record) bool { return r.AuthType != "" }},
	{platform.FieldConnectionID, func(r platform.Record) bool { return r.ConnectionID != "" }},
	{platform.FieldCatalogID, func(r platform.Record) bool { return r.CatalogID != "" }},
	{platform.FieldSettings, func(r platform.Record) bool { return len(r.Settings) > 0 }},
	{platform.FieldExtraKwargs, func(r platform.Record) bool { return len(r.ExtraKwargs) > 0 }},
	{platform.FieldRequestTimeoutSecs, func(r platform.Record) bool { return r.RequestTimeoutSecs != nil }},
	{platform.FieldStreamIdleTimeoutSecs, func(r platform.Record) bool { return r.StreamIdleTimeoutSecs != nil }},
}

// CreateBody maps a record to the body of POST /v1/llm-providers:
// {provider, enabled (when set; the platform defaults to true), credentials}. The credentials
// object always goes out, holding the credentials plus api_key from the APIKey attribute.
func CreateBody(r platform.Record) (map[string]any, error) {
	for _, u := range unsupportedOnCreate {
		if u.set(r) {
			return nil, notSupported(u.field)
		}
	}
	if r.ModelProvider == "" {
		return nil, errors.New("refactor: model_provider is required to create an LLM provider configuration")
	}
	provider, err := platform.ModelProviderToWire(platform.Refactor, r.ModelProvider)
	if err != nil {
		return nil, err
	}
	credentials, err := wireCredentials(r)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"provider": provider, "credentials": credentials}
	if r.Enabled != nil {
		body["enabled"] = *r.Enabled
	}
	return body, nil
}

// UpdateBody maps a patch to the body of PUT /v1/llm-provider/{provider}: exactly the wire
// fields the patch touches. A change of api_key or credentials sends the whole credentials
// object, because the platform does not say whether it merges a partial one. model_provider
// is the record's identity (the path) and cannot change in place.
func UpdateBody(p platform.Patch) (map[string]any, error) {
	body := map[string]any{}
	for _, f := range p.Fields {
		switch f {
		case platform.FieldEnabled:
			// enabled is not nullable: a cleared value means the platform default, which is true.
			enabled := true
			if p.Values.Enabled != nil {
				enabled = *p.Values.Enabled
			}
			body["enabled"] = enabled
		case platform.FieldAPIKey, platform.FieldCredentials:
			credentials, err := wireCredentials(p.Values)
			if err != nil {
				return nil, err
			}
			body["credentials"] = credentials
		case platform.FieldModelProvider:
			return nil, fmt.Errorf("refactor: %s cannot be changed in place (it is the provider slug in the path); the record must be replaced", f)
		default:
			return nil, notSupported(f)
		}
	}
	return body, nil
}

// wireCredentials builds the wire credentials object: the credentials plus api_key from the
// APIKey attribute. Setting api_key both ways is refused, because one would silently win.
func wireCredentials(r platform.Record) (map[string]string, error) {
	out := make(map[string]string, len(r.Credentials)+1)
	maps.Copy(out, r.Credentials)
	if r.APIKey != "" {
		if _, clash := r.Credentials[apiKeyCredential]; clash {
			return nil, errors.New(`refactor: api_key is set both as the api_key attribute and as credentials["api_key"]; set it in one place only`)
		}
		out[apiKeyCredential] = r.APIKey
	}
	return out, nil
}

func notSupported(f platform.Field) error {
	return fmt.Errorf("refactor: %s is not supported by refactor (supported: %s)", f, platform.Specs[platform.Refactor].SupportedList())
}

// wireRecord is the answer {provider, enabled, credentials(masked)}. Credentials is raw so that
// a non-string value is skipped instead of failing the whole record; Data catches a wrapper.
type wireRecord struct {
	Provider    *string                    `json:"provider"`
	Enabled     *bool                      `json:"enabled"`
	Credentials map[string]json.RawMessage `json:"credentials"`
	Data        json.RawMessage            `json:"data"`
}

// DecodeRecord decodes one configuration. It also accepts the object wrapped in {"data": {...}},
// which some versions of such APIs return. The masked credentials go to MaskedCredentials only:
// secrets are never read back into APIKey or Credentials.
func DecodeRecord(body []byte) (platform.Record, error) {
	var w wireRecord
	if err := json.Unmarshal(body, &w); err != nil {
		return platform.Record{}, err
	}
	if w.Provider == nil && bytes.HasPrefix(bytes.TrimSpace(w.Data), []byte("{")) {
		return DecodeRecord(w.Data)
	}
	return w.toRecord()
}

// DecodeList decodes the list: a bare array, or one wrapped in {"data": [...]} or
// {"providers": [...]}. A body with no array at all is an error rather than an empty list,
// because reading it as empty would make every record look deleted.
func DecodeList(body []byte) ([]platform.Record, error) {
	trimmed := bytes.TrimSpace(body)
	items := trimmed
	if bytes.HasPrefix(trimmed, []byte("{")) {
		var wrapper map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &wrapper); err != nil {
			return nil, err
		}
		items = nil
		for _, key := range []string{"data", "providers"} {
			if raw, ok := wrapper[key]; ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
				items = raw
				break
			}
		}
		if items == nil {
			return nil, errors.New(`the list has no "data" or "providers" array`)
		}
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(items, &raws); err != nil {
		return nil, err
	}
	if raws == nil {
		return nil, errors.New("the list is null, not an array")
	}
	out := make([]platform.Record, 0, len(raws))
	for i, raw := range raws {
		rec, err := decodeItem(raw)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// decodeItem decodes one list item.
func decodeItem(body []byte) (platform.Record, error) {
	var w wireRecord
	if err := json.Unmarshal(body, &w); err != nil {
		return platform.Record{}, err
	}
	return w.toRecord()
}

func (w wireRecord) toRecord() (platform.Record, error) {
	if w.Provider == nil || *w.Provider == "" {
		return platform.Record{}, errors.New("the configuration has no provider")
	}
	rec := platform.Record{
		ID:            *w.Provider,
		ModelProvider: platform.ModelProviderFromWire(platform.Refactor, *w.Provider),
		Enabled:       w.Enabled,
	}
	for k, raw := range w.Credentials {
		var masked string
		if json.Unmarshal(raw, &masked) != nil {
			continue
		}
		if rec.MaskedCredentials == nil {
			rec.MaskedCredentials = map[string]string{}
		}
		rec.MaskedCredentials[k] = masked
	}
	return rec, nil
}

// wireSlug maps a record id to the provider slug of the path. It takes the wire slug
// ("amazon-bedrock") or a canonical model provider ("bedrock"), so an import works with either.
func wireSlug(id string) (string, error) {
	if slices.Contains(WireProviders, id) {
		return id, nil
	}
	if wire, err := platform.ModelProviderToWire(platform.Refactor, id); err == nil {
		return wire, nil
	}
	return "", fmt.Errorf("refactor: %q is not a provider: expected a provider slug (%s) or a model_provider (%s)",
		id, strings.Join(WireProviders, ", "), strings.Join(platform.Specs[platform.Refactor].ModelProviders, ", "))
}
