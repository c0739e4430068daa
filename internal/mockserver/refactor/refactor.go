// Package refactor is the in-memory fake of the refactor (re-factor.ai / psci.ai) LLM provider
// configuration API, served under the mock root at /api/v1/....
//
// It reproduces the platform's quirks: create and list use the plural collection path
// /api/v1/llm-providers while read, update and delete use the singular /api/v1/llm-provider/{provider};
// there is one record per provider slug (a second create is a CONFLICT); credentials are echoed
// masked ("sk-***") and never in clear; PUT is partial (omitted fields are unchanged) and a sent
// credentials object replaces the stored one whole.
package refactor

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// The paths under the mock root. The endpoint of the client is ROOT/api, as in production.
const (
	collectionPath = "/api/v1/llm-providers"
	itemPrefix     = "/api/v1/llm-provider/"
)

// Providers is the closed provider enum of the API, in documentation order.
var Providers = []string{"openai", "anthropic", "google", "google-vertex", "azure", "amazon-bedrock", "xai"}

// CredentialKeys are the credential keys the create page documents per provider. With
// SetStrictCredentials a listed provider refuses a key it does not document; a provider not
// listed (google-vertex, xai: undocumented) takes any keys. Whether the real API refuses an
// undocumented key is not documented (INF), so the default accepts any key. Which keys are
// required is not documented either, so none is.
var CredentialKeys = map[string][]string{
	"openai":         {"api_key", "organization"},
	"anthropic":      {"api_key"},
	"google":         {"api_key"},
	"azure":          {"api_key", "endpoint", "deployment_id"},
	"amazon-bedrock": {"aws_access_key_id", "aws_secret_access_key", "region"},
}

// checkCredentialKeys refuses a credential key the provider does not document. The message
// names keys, never values.
func (m *Mock) checkCredentialKeys(provider string, credentials map[string]string) error {
	m.mu.Lock()
	strict := m.strictCredentials
	m.mu.Unlock()
	allowed, documented := CredentialKeys[provider]
	if !strict || !documented {
		return nil
	}
	keys := slices.Sorted(maps.Keys(credentials))
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("credentials.%s is not a credential of provider %s: expected %s", k, provider, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// maxMaskPrefix bounds the part of a credential kept before "***". Real prefixes are short
// ("sk-", "org-"); a dash deep inside a value would otherwise echo most of the secret.
const maxMaskPrefix = 6

// record is one stored configuration. Credentials are kept in clear: only the answers mask them.
type record struct {
	provider    string
	enabled     bool
	credentials map[string]string
}

// Mock is the refactor fake. It is safe for concurrent use.
type Mock struct {
	mu sync.Mutex
	// order keeps creation order for the list; a deleted and re-created slug goes to the end.
	order   []string
	records map[string]*record
	// strictCredentials refuses undocumented credential keys; see CredentialKeys.
	strictCredentials bool
}

// SetStrictCredentials makes create and update refuse a credential key the provider's create
// page does not document (400 VALIDATION_ERROR).
func (m *Mock) SetStrictCredentials(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.strictCredentials = on
}

// StrictCredentials reports the SetStrictCredentials setting.
func (m *Mock) StrictCredentials() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.strictCredentials
}

// New returns an empty fake.
func New() *Mock { return &Mock{records: map[string]*record{}} }

// Name is the platform name.
func (m *Mock) Name() string { return "refactor" }

// Match claims the plural collection path and the singular item path, and paths below the
// plural one so that a wrong use of the plural path is answered in the refactor envelope.
func (m *Mock) Match(path string) bool {
	return path == collectionPath || strings.HasPrefix(path, collectionPath+"/") ||
		path == strings.TrimSuffix(itemPrefix, "/") || strings.HasPrefix(path, itemPrefix)
}

// Reset empties all data.
func (m *Mock) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.order = nil
	m.records = map[string]*record{}
}

// WriteError answers in the envelope {"error":{"code":"UPPER_SNAKE","message":"..."}}.
func (m *Mock) WriteError(w http.ResponseWriter, status int, message string) {
	writeError(w, status, codeForStatus(status), message)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	mockapi.WriteJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": message}})
}

// codeForStatus names the error code the platform uses for a status.
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return "VALIDATION_ERROR"
	case http.StatusUnauthorized:
		return "UNAUTHORIZED"
	case http.StatusForbidden:
		return "FORBIDDEN"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusConflict:
		return "CONFLICT"
	case http.StatusTooManyRequests:
		return "RATE_LIMITED"
	case http.StatusBadGateway:
		return "BAD_GATEWAY"
	case http.StatusServiceUnavailable:
		return "SERVICE_UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "GATEWAY_TIMEOUT"
	}
	if status >= 500 {
		return "INTERNAL_ERROR"
	}
	return "BAD_REQUEST"
}

// Handle routes an authenticated request.
func (m *Mock) Handle(w http.ResponseWriter, r *http.Request, body []byte) {
	path := r.URL.Path
	switch {
	case path == collectionPath:
		switch r.Method {
		case http.MethodPost:
			m.create(w, body)
		case http.MethodGet:
			m.list(w)
		default:
			methodNotAllowed(w, r, "GET, POST")
		}
	case strings.HasPrefix(path, itemPrefix) && isSlugSegment(strings.TrimPrefix(path, itemPrefix)):
		slug := strings.TrimPrefix(path, itemPrefix)
		switch r.Method {
		case http.MethodGet, http.MethodPut, http.MethodDelete:
		default:
			methodNotAllowed(w, r, "GET, PUT, DELETE")
			return
		}
		if !slices.Contains(Providers, slug) {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", invalidProvider(slug))
			return
		}
		switch r.Method {
		case http.MethodGet:
			m.get(w, slug)
		case http.MethodPut:
			m.update(w, slug, body)
		case http.MethodDelete:
			m.delete(w, slug)
		}
	default:
		// The plural path takes no slug and the singular path needs exactly one.
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no route for "+r.Method+" "+path)
	}
}

// isSlugSegment reports whether s is one non-empty path segment.
func isSlugSegment(s string) bool { return s != "" && !strings.Contains(s, "/") }

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed string) {
	w.Header().Set("Allow", allowed)
	writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", fmt.Sprintf("method %s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allowed))
}

func invalidProvider(p string) string {
	return fmt.Sprintf("provider %q is invalid: expected one of %s", p, strings.Join(Providers, ", "))
}

func notFoundMessage(p string) string { return "No configuration found for provider: " + p }

func (m *Mock) create(w http.ResponseWriter, body []byte) {
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}
	raw, ok := obj["provider"]
	if !ok || mockapi.IsNull(raw) {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "provider is required")
		return
	}
	var provider string
	if err := json.Unmarshal(raw, &provider); err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "provider must be a string")
		return
	}
	if !slices.Contains(Providers, provider) {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", invalidProvider(provider))
		return
	}
	enabled, hasEnabled, err := decodeEnabled(obj)
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}
	if !hasEnabled {
		// A new configuration is enabled unless the create says otherwise.
		enabled = true
	}
	credentials, _, err := decodeCredentials(obj)
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}
	if credentials == nil {
		credentials = map[string]string{}
	}
	if err := m.checkCredentialKeys(provider, credentials); err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if _, exists := m.records[provider]; exists {
		writeError(w, http.StatusConflict, "CONFLICT", "Configuration already exists for provider: "+provider)
		return
	}
	rec := &record{provider: provider, enabled: enabled, credentials: credentials}
	m.records[provider] = rec
	m.order = append(m.order, provider)
	mockapi.WriteJSON(w, http.StatusOK, rec.view())
}

func (m *Mock) list(w http.ResponseWriter) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]map[string]any, 0, len(m.order))
	for _, slug := range m.order {
		out = append(out, m.records[slug].view())
	}
	mockapi.WriteJSON(w, http.StatusOK, out)
}

func (m *Mock) get(w http.ResponseWriter, slug string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.records[slug]
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", notFoundMessage(slug))
		return
	}
	mockapi.WriteJSON(w, http.StatusOK, rec.view())
}

// update applies a partial PUT: enabled and credentials each change only when sent, and a sent
// credentials object replaces the stored object whole (keys it leaves out are removed).
func (m *Mock) update(w http.ResponseWriter, slug string, body []byte) {
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}
	enabled, hasEnabled, err := decodeEnabled(obj)
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}
	credentials, hasCredentials, err := decodeCredentials(obj)
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
		return
	}
	if hasCredentials {
		if err := m.checkCredentialKeys(slug, credentials); err != nil {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error())
			return
		}
	}
	if !hasEnabled && !hasCredentials {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "the body must set enabled, credentials, or both")
		return
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.records[slug]
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", notFoundMessage(slug))
		return
	}
	if hasEnabled {
		rec.enabled = enabled
	}
	if hasCredentials {
		rec.credentials = credentials
	}
	mockapi.WriteJSON(w, http.StatusOK, rec.view())
}

func (m *Mock) delete(w http.ResponseWriter, slug string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.records[slug]; !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", notFoundMessage(slug))
		return
	}
	delete(m.records, slug)
	m.order = slices.DeleteFunc(m.order, func(s string) bool { return s == slug })
	mockapi.WriteJSON(w, http.StatusOK, map[string]string{"provider": slug})
}

// decodeEnabled reads an optional boolean; an explicit null is refused because the column is not nullable.
func decodeEnabled(obj map[string]json.RawMessage) (enabled, present bool, err error) {
	raw, ok := obj["enabled"]
	if !ok {
		return false, false, nil
	}
	if mockapi.IsNull(raw) {
		return false, false, fmt.Errorf("enabled must be a boolean, not null")
	}
	if err := json.Unmarshal(raw, &enabled); err != nil {
		return false, false, fmt.Errorf("enabled must be a boolean")
	}
	return enabled, true, nil
}

// decodeCredentials reads an optional object whose values are all strings.
func decodeCredentials(obj map[string]json.RawMessage) (map[string]string, bool, error) {
	raw, ok := obj["credentials"]
	if !ok {
		return nil, false, nil
	}
	var fields map[string]json.RawMessage
	if mockapi.IsNull(raw) || json.Unmarshal(raw, &fields) != nil {
		return nil, false, fmt.Errorf("credentials must be an object of strings")
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		if k == "" {
			return nil, false, fmt.Errorf("credentials keys must not be empty")
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			// The message names the key, never the value: the value may be a secret.
			return nil, false, fmt.Errorf("credentials.%s must be a string", k)
		}
		out[k] = s
	}
	return out, true, nil
}

// view is the answer body of a record, credentials masked.
func (r *record) view() map[string]any {
	masked := make(map[string]string, len(r.credentials))
	for k, v := range r.credentials {
		masked[k] = Mask(v)
	}
	return map[string]any{"provider": r.provider, "enabled": r.enabled, "credentials": masked}
}

// Mask hides a credential value the way the platform does: the prefix up to and including the
// first '-' followed by "***" ("sk-new-api-key" -> "sk-***"), or "***" alone. The prefix is kept
// only when it is short and alphanumeric (a vendor prefix) and is not the whole value, so no
// secret, nor most of one, is ever echoed.
func Mask(value string) string {
	i := strings.IndexByte(value, '-')
	if i <= 0 || i+1 > maxMaskPrefix || i+1 == len(value) {
		return "***"
	}
	for _, c := range value[:i] {
		if !isAlphanumeric(c) {
			return "***"
		}
	}
	return value[:i+1] + "***"
}

func isAlphanumeric(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
