// This file holds the decoding and validation of request fields.

package barndoor

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// badRequest is a validation failure; its message goes into the 400 envelope.
type badRequest string

func (e badRequest) Error() string { return string(e) }

func badf(format string, args ...any) badRequest { return badRequest(fmt.Sprintf(format, args...)) }

// checkFields refuses fields the endpoint does not have, naming them in sorted order so the
// message is stable. special gives a dedicated message for a known mistake.
func checkFields(obj map[string]json.RawMessage, allowed []string, special map[string]string) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if msg, ok := special[k]; ok {
			return badRequest(msg)
		}
		if !slices.Contains(allowed, k) {
			return badf("unknown field `%s`, expected one of %s", k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// present reports whether the field was sent with a value other than null: on create an
// explicit null means the same as an omitted field.
func present(obj map[string]json.RawMessage, name string) bool {
	raw, ok := obj[name]
	return ok && !mockapi.IsNull(raw)
}

func stringValue(raw json.RawMessage, name string) (string, error) {
	var s string
	if mockapi.IsNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", badf("%s must be a string", name)
	}
	return s, nil
}

func nonEmptyString(raw json.RawMessage, name string) (string, error) {
	s, err := stringValue(raw, name)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		return "", badf("%s must not be empty", name)
	}
	return s, nil
}

func boolValue(raw json.RawMessage, name string) (bool, error) {
	var b bool
	if mockapi.IsNull(raw) || json.Unmarshal(raw, &b) != nil {
		return false, badf("%s must be a boolean", name)
	}
	return b, nil
}

// objectValue decodes a JSON object; null and anything else are refused.
func objectValue(raw json.RawMessage, name string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if mockapi.IsNull(raw) || json.Unmarshal(raw, &obj) != nil || obj == nil {
		return nil, badf("%s must be a JSON object", name)
	}
	return obj, nil
}

func uuidValue(raw json.RawMessage, name string) (string, error) {
	s, err := stringValue(raw, name)
	if err != nil || !mockapi.IsUUID(s) {
		return "", badf("%s must be a UUID", name)
	}
	return strings.ToLower(s), nil
}

// intInRange decodes an integer (not a float, not a string) within 1..hi, the range of both
// timeout overrides.
func intInRange(raw json.RawMessage, name string, hi int64) (int64, error) {
	const lo = 1
	var n json.Number
	trimmed := strings.TrimSpace(string(raw))
	if trimmed == "" || trimmed[0] == '"' || json.Unmarshal(raw, &n) != nil {
		return 0, badf("%s must be an integer between %d and %d", name, lo, hi)
	}
	v, err := n.Int64()
	if err != nil || v < lo || v > hi {
		return 0, badf("%s must be an integer between %d and %d", name, lo, hi)
	}
	return v, nil
}

// enumValue decodes a string that must be one of allowed.
func enumValue(raw json.RawMessage, name string, allowed []string) (string, error) {
	var s string
	if mockapi.IsNull(raw) || json.Unmarshal(raw, &s) != nil || !slices.Contains(allowed, s) {
		return "", badf("%s must be one of %s", name, strings.Join(allowed, ", "))
	}
	return s, nil
}

// nullableEnum decodes billing_reason: null clears it.
func nullableEnum(raw json.RawMessage, name string, allowed []string) (*string, error) {
	if mockapi.IsNull(raw) {
		return nil, nil
	}
	s, err := enumValue(raw, name, allowed)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// nullableNote decodes billing_note: null clears it, and it holds at most
// MaxBillingNoteLength characters.
func nullableNote(raw json.RawMessage, name string) (*string, error) {
	if mockapi.IsNull(raw) {
		return nil, nil
	}
	s, err := stringValue(raw, name)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(s); n > MaxBillingNoteLength {
		return nil, badf("%s must be at most %d characters, got %d", name, MaxBillingNoteLength, n)
	}
	return &s, nil
}

// nullableInt decodes a timeout override: null clears it.
func nullableInt(raw json.RawMessage, name string, hi int64) (*int64, error) {
	if mockapi.IsNull(raw) {
		return nil, nil
	}
	v, err := intInRange(raw, name, hi)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// checkBaseURL accepts an absolute http(s) URL; the OpenAI-compatible families must not end in
// /v1 because the gateway adds the version prefix itself.
func checkBaseURL(baseURL, modelProvider string) error {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return badf("base_url must be an absolute http(s) URL, got %q", baseURL)
	}
	if slices.Contains(OpenAICompatibleFamilies, modelProvider) && strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/v1") {
		return badf("base_url must not end in /v1 for model_provider %s: the gateway adds the version prefix itself; use %q",
			modelProvider, strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1"))
	}
	return nil
}

// secretOf reads api_key and credentials. An empty credentials object carries no secret, so
// only a non-empty one clashes with an api_key.
func secretOf(obj map[string]json.RawMessage) (apiKey *string, credentials map[string]json.RawMessage, err error) {
	if raw, ok := obj["api_key"]; ok {
		s, err := stringValue(raw, "api_key")
		if err != nil {
			return nil, nil, err
		}
		apiKey = &s
	}
	if raw, ok := obj["credentials"]; ok {
		if credentials, err = objectValue(raw, "credentials"); err != nil {
			return nil, nil, err
		}
	}
	if apiKey != nil && *apiKey != "" && len(credentials) > 0 {
		return nil, nil, badRequest("api_key and credentials are mutually exclusive: send one of them")
	}
	return apiKey, credentials, nil
}

// derivedSettings is what the server adds to a provider's settings.
func derivedSettings(modelProvider string) map[string]string {
	d := map[string]string{"model_api_family": ModelAPIFamily(modelProvider)}
	switch modelProvider {
	case "azure_openai":
		d["api_version"] = AzureAPIVersion
	case "bedrock":
		d["external_id"] = mockapi.NewUUID()
	}
	return d
}
