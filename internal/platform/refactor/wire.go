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

// CreateBody maps a record to the body of POST /v1/llm-providers:
// {provider, enabled (when set; the platform defaults to true), credentials}. The credentials
// object always goes out, holding the credentials plus api_key from the APIKey attribute.
func CreateBody(r platform.Record) (map[string]any, error) {
	body, err := Spec.CreateBody(r, mapBody)
	if err != nil {
		return nil, err
	}
	if _, err := mapBody(platform.FieldCredentials, r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// UpdateBody maps a change to the body of PUT /v1/llm-provider/{provider}: exactly the wire
// fields it touches. A change of api_key or credentials sends the whole credentials object,
// because the platform does not say whether it merges a partial one. model_provider is the
// record's identity (the path) and cannot change in place.
func UpdateBody(_, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	body, err := Spec.UpdateBody(planned, fields, mapBody)
	return body, fields, err
}

// mapBody maps model_provider to the provider slug, and api_key and credentials to the one
// credentials object; enabled is its value.
func mapBody(f platform.Field, r platform.Record, body map[string]any) (bool, error) {
	switch f {
	case platform.FieldModelProvider:
		provider, err := Spec.ModelProviderToWire(r.ModelProvider)
		body["provider"] = provider
		return true, err
	case platform.FieldAPIKey, platform.FieldCredentials:
		credentials, err := wireCredentials(r)
		body["credentials"] = credentials
		return true, err
	}
	return false, nil
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

// wireRecord is the answer {provider, enabled, credentials(masked)}. The masked credentials are
// not decoded at all; Data catches a wrapper.
type wireRecord struct {
	Provider *string         `json:"provider"`
	Enabled  *bool           `json:"enabled"`
	Data     json.RawMessage `json:"data"`
}

// DecodeRecord decodes one configuration. It also accepts the object wrapped in {"data": {...}},
// which some versions of such APIs return. The masked credentials are ignored: secrets are never
// read back.
func DecodeRecord(body []byte) (platform.Record, error) {
	var w wireRecord
	if err := json.Unmarshal(body, &w); err != nil {
		return platform.Record{}, err
	}
	if w.Provider == nil && bytes.HasPrefix(bytes.TrimSpace(w.Data), []byte("{")) {
		return DecodeRecord(w.Data)
	}
	return w.Record()
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
	return platform.DecodeEach[wireRecord]("items", raws)
}

func (w wireRecord) Record() (platform.Record, error) {
	if w.Provider == nil || *w.Provider == "" {
		return platform.Record{}, errors.New("the configuration has no provider")
	}
	rec := platform.Record{
		ID:            *w.Provider,
		ModelProvider: Spec.ModelProviderFromWire(*w.Provider),
		Enabled:       w.Enabled,
		Returned:      map[platform.Field]bool{platform.FieldModelProvider: true},
	}
	if w.Enabled != nil {
		rec.Returned[platform.FieldEnabled] = true
	}
	return rec, nil
}

// wireSlug maps a record id to the provider slug of the path. It takes the wire slug
// ("amazon-bedrock") or a canonical model provider ("bedrock"), so an import works with either.
func wireSlug(id string) (string, error) {
	if slices.Contains(WireProviders, id) {
		return id, nil
	}
	if slug, err := Spec.ModelProviderToWire(id); err == nil {
		return slug, nil
	}
	return "", fmt.Errorf("refactor: %q is not a provider: expected a provider slug (%s) or a model_provider (%s)",
		id, strings.Join(WireProviders, ", "), strings.Join(Spec.ModelProviders, ", "))
}
