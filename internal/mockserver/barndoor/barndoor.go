// Package barndoor is the in-memory fake of the Barndoor LLM gateway's admin API for providers
// (/api/llm-gateway/admin/providers) and, as far as providers need them, shared credentials
// (/api/llm-gateway/admin/connections). It follows api-notes section 3 and the seed of
// PUT /admin/providers/{id}: errors use the OpenAI envelope {"error":{"message","type"}}, lists
// are bare arrays, PUT is partial with explicit nulls that clear, create has no enabled field,
// names are unique per org regardless of case, the server adds derived keys to settings, and a
// secret is stored but never returned in any form. Providers also take the fields Barndoor's own
// clients send (enforce_health_check, billing_mode, billing_reason, billing_note) and answer the
// newer read-only ones (health_status, health_detail, health_checked_at, secret_path).
package barndoor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// Paths under the mock root. The edge of the real service rewrites /api/llm-gateway/admin/ to
// the service's /admin/, so clients use the endpoint ROOT/api/llm-gateway.
const (
	adminPath       = "/api/llm-gateway/admin"
	ProvidersPath   = adminPath + "/providers"
	ConnectionsPath = adminPath + "/connections"
)

// Ranges of the timeout overrides, from the seed.
const (
	MaxRequestTimeoutSecs    = 3600
	MaxStreamIdleTimeoutSecs = 1800
)

// AzureAPIVersion is the api_version the server adds to azure_openai settings.
const AzureAPIVersion = "2024-10-21"

// HealthUnverified is the health_status of every provider: the fake never probes upstream, so
// health_detail and health_checked_at stay null.
const HealthUnverified = "unverified"

// Billing fields of a provider (api-notes section 3, from the vendor's newer code). billing_mode
// defaults to per_token on create (INF); billing_reason and billing_note are nullable, an
// explicit null clears them, and a response omits them while they are null.
const (
	DefaultBillingMode   = "per_token"
	MaxBillingNoteLength = 200
)

// BillingModes and BillingReasons are the enums of billing_mode and billing_reason.
var (
	BillingModes   = []string{"per_token", "not_metered"}
	BillingReasons = []string{"subscription", "local", "external", "other"}
)

// ModelProviders is the documented model_provider enum.
var ModelProviders = []string{
	"openai", "anthropic", "azure_openai", "google_ai", "vertex", "bedrock", "xai", "groq", "together",
	"mistral", "cohere", "fireworks", "perplexity", "openrouter", "deepseek", "custom",
}

// OpenAICompatibleFamilies are the model providers whose gateway adds the /v1 version prefix
// itself, so a base_url ending in /v1 would double it and is refused.
var OpenAICompatibleFamilies = []string{
	"openai", "anthropic", "groq", "together", "mistral", "cohere", "xai", "fireworks", "perplexity",
	"openrouter", "deepseek", "custom",
}

// DefaultBaseURLs is the base_url the server fills in when a create omits it. custom has none:
// it must be given.
var DefaultBaseURLs = map[string]string{
	"openai":       "https://api.openai.com",
	"anthropic":    "https://api.anthropic.com",
	"azure_openai": "https://openai.azure.com",
	"google_ai":    "https://generativelanguage.googleapis.com",
	"vertex":       "https://aiplatform.googleapis.com",
	"bedrock":      "https://bedrock-runtime.us-east-1.amazonaws.com",
	"xai":          "https://api.x.ai",
	"groq":         "https://api.groq.com/openai",
	"together":     "https://api.together.xyz",
	"mistral":      "https://api.mistral.ai",
	"cohere":       "https://api.cohere.ai/compatibility",
	"fireworks":    "https://api.fireworks.ai/inference",
	"perplexity":   "https://api.perplexity.ai",
	"openrouter":   "https://openrouter.ai/api",
	"deepseek":     "https://api.deepseek.com",
}

// DefaultAuthType is the auth_type the server picks for a model provider when none is given.
func DefaultAuthType(modelProvider string) string {
	switch modelProvider {
	case "anthropic":
		return "x_api_key"
	case "azure_openai":
		return "azure_api_key"
	case "bedrock":
		return "aws_role"
	case "vertex":
		return "google_adc"
	default:
		return "bearer_api_key"
	}
}

// ModelAPIFamily is the settings.model_api_family the server derives from the model provider.
func ModelAPIFamily(modelProvider string) string {
	switch modelProvider {
	case "anthropic":
		return "anthropic_messages"
	case "bedrock":
		return "bedrock_converse"
	case "vertex":
		return "vertex"
	case "azure_openai":
		return "azure_openai"
	case "google_ai":
		return "google_generative_ai"
	default:
		return "openai_chat"
	}
}

// Error types of the envelope.
const (
	TypeInvalidRequest = "invalid_request_error"
	TypeAuthentication = "authentication_error"
	TypePermission     = "permission_error"
	TypeNotFound       = "not_found_error"
	TypeConflict       = "conflict_error"
	TypeRateLimit      = "rate_limit_error"
	TypeAPI            = "api_error"
)

// ErrorType maps an HTTP status to the envelope's type.
func ErrorType(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return TypeAuthentication
	case status == http.StatusForbidden:
		return TypePermission
	case status == http.StatusNotFound:
		return TypeNotFound
	case status == http.StatusConflict:
		return TypeConflict
	case status == http.StatusTooManyRequests:
		return TypeRateLimit
	case status >= 500:
		return TypeAPI
	default:
		return TypeInvalidRequest
	}
}

// provider is one stored provider. apiKey and credentials are kept only to be written: the real
// service moves them to its secret store and never returns them.
type provider struct {
	id            string
	name          string
	modelProvider string
	authType      string
	baseURL       string
	enabled       bool
	// userSettings holds the settings keys as the client sent them; derivedSettings holds what
	// the server adds. A response shows both, the user's value winning on a shared key.
	userSettings    map[string]json.RawMessage
	derivedSettings map[string]string
	catalogID       *string
	catalogSlug     *string
	connectionID    *string
	requestTimeout  *int64
	streamIdle      *int64
	// enforceHealthCheck defaults to true on create, as Barndoor's own clients assume.
	enforceHealthCheck bool
	billingMode        string
	billingReason      *string
	billingNote        *string
	apiKey             string
	credentials        map[string]json.RawMessage
	createdAt          string
	updatedAt          string
}

// connection is one stored shared credential.
type connection struct {
	id            string
	name          string
	modelProvider string
	authType      string
	baseURL       string
	settings      map[string]json.RawMessage
	apiKey        string
	credentials   map[string]json.RawMessage
	createdAt     string
	updatedAt     string
}

// providerJSON is the documented Provider object. There is no field for a secret.
type providerJSON struct {
	ID                    string                     `json:"id"`
	OrgID                 string                     `json:"org_id"`
	Name                  string                     `json:"name"`
	ModelProvider         string                     `json:"model_provider"`
	AuthType              string                     `json:"auth_type"`
	BaseURL               string                     `json:"base_url"`
	Enabled               bool                       `json:"enabled"`
	Settings              map[string]json.RawMessage `json:"settings"`
	CatalogID             *string                    `json:"catalog_id"`
	ConnectionID          *string                    `json:"connection_id"`
	RequestTimeoutSecs    *int64                     `json:"request_timeout_secs"`
	StreamIdleTimeoutSecs *int64                     `json:"stream_idle_timeout_secs"`
	CatalogSlug           *string                    `json:"catalog_slug"`
	EnforceHealthCheck    bool                       `json:"enforce_health_check"`
	BillingMode           string                     `json:"billing_mode"`
	BillingReason         *string                    `json:"billing_reason,omitempty"`
	BillingNote           *string                    `json:"billing_note,omitempty"`
	HealthStatus          string                     `json:"health_status"`
	HealthDetail          *string                    `json:"health_detail"`
	HealthCheckedAt       *string                    `json:"health_checked_at"`
	// SecretPath is an opaque reference to where the secret lives, never the secret.
	SecretPath *string `json:"secret_path"`
	CreatedAt  string  `json:"created_at"`
	UpdatedAt  string  `json:"updated_at"`
}

// connectionJSON is the Credential object; key_last4 is the only trace of the secret.
type connectionJSON struct {
	ID            string                     `json:"id"`
	OrgID         string                     `json:"org_id"`
	Name          string                     `json:"name"`
	ModelProvider string                     `json:"model_provider"`
	AuthType      string                     `json:"auth_type"`
	BaseURL       string                     `json:"base_url"`
	Settings      map[string]json.RawMessage `json:"settings"`
	KeyLast4      *string                    `json:"key_last4"`
	CreatedAt     string                     `json:"created_at"`
	UpdatedAt     string                     `json:"updated_at"`
}

// Mock is the barndoor fake. It is safe for concurrent use.
type Mock struct {
	// orgID is fixed per instance: the org comes from the token's claims, and the core accepts
	// one token.
	orgID string

	mu sync.Mutex
	// providers and connections are kept in creation order, which the lists answer in.
	providers   []*provider
	connections []*connection
	// lastStamp makes timestamps strictly increasing, so updated_at changes on every write
	// even when two writes fall in the same millisecond.
	lastStamp time.Time
}

// New returns an empty fake.
func New() *Mock { return &Mock{orgID: mockapi.NewUUID()} }

// Name is the platform name.
func (m *Mock) Name() string { return "barndoor" }

// OrgID is the organisation every record belongs to.
func (m *Mock) OrgID() string { return m.orgID }

// Match claims the providers and connections collections and everything below them.
func (m *Mock) Match(path string) bool {
	for _, p := range []string{ProvidersPath, ConnectionsPath} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// WriteError answers in the OpenAI-style envelope the gateway uses.
func (m *Mock) WriteError(w http.ResponseWriter, status int, message string) {
	mockapi.WriteJSON(w, status, map[string]any{"error": map[string]string{"message": message, "type": ErrorType(status)}})
}

// Reset empties all data. The organisation stays: it belongs to the token.
func (m *Mock) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.providers = nil
	m.connections = nil
}

// stamp returns the current time as RFC 3339, later than any stamp before it. Callers hold m.mu.
func (m *Mock) stamp() string {
	t := time.Now().UTC().Truncate(time.Millisecond)
	if !t.After(m.lastStamp) {
		t = m.lastStamp.Add(time.Millisecond)
	}
	m.lastStamp = t
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}

// Handle routes an authenticated request.
func (m *Mock) Handle(w http.ResponseWriter, r *http.Request, body []byte) {
	collection := ProvidersPath
	if strings.HasPrefix(r.URL.Path, ConnectionsPath) {
		collection = ConnectionsPath
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, collection), "/")
	if strings.Contains(rest, "/") {
		m.WriteError(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
		return
	}
	if rest == "" {
		switch {
		case r.Method == http.MethodGet && collection == ProvidersPath:
			m.listProviders(w)
		case r.Method == http.MethodPost && collection == ProvidersPath:
			m.createProvider(w, body)
		case r.Method == http.MethodGet:
			m.listConnections(w)
		case r.Method == http.MethodPost:
			m.createConnection(w, body)
		default:
			m.methodNotAllowed(w, r, "GET, POST")
		}
		return
	}
	kind := "provider"
	if collection == ConnectionsPath {
		kind = "connection"
	}
	// The service takes the id as a UUID path parameter: anything else is a bad request, not a
	// missing record.
	if !mockapi.IsUUID(rest) {
		m.WriteError(w, http.StatusBadRequest, fmt.Sprintf("invalid %s id %q: expected a UUID", kind, rest))
		return
	}
	id := strings.ToLower(rest)
	switch {
	case r.Method == http.MethodGet && collection == ProvidersPath:
		m.getProvider(w, id)
	case r.Method == http.MethodPut && collection == ProvidersPath:
		m.updateProvider(w, id, body)
	case r.Method == http.MethodDelete && collection == ProvidersPath:
		m.deleteProvider(w, id)
	case r.Method == http.MethodGet:
		m.getConnection(w, id)
	case r.Method == http.MethodPut:
		m.updateConnection(w, id, body)
	case r.Method == http.MethodDelete:
		m.deleteConnection(w, id)
	default:
		m.methodNotAllowed(w, r, "GET, PUT, DELETE")
	}
}

func (m *Mock) methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed string) {
	w.Header().Set("Allow", allowed)
	m.WriteError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed on %s: allowed methods are %s", r.Method, r.URL.Path, allowed))
}

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

// providerNameTaken reports whether another provider has the name, compared case-insensitively
// like the unique index on lower(name). Callers hold m.mu.
func (m *Mock) providerNameTaken(name, exceptID string) bool {
	for _, p := range m.providers {
		if p.id != exceptID && strings.EqualFold(p.name, name) {
			return true
		}
	}
	return false
}

func (m *Mock) findProvider(id string) *provider {
	for _, p := range m.providers {
		if p.id == id {
			return p
		}
	}
	return nil
}

func (m *Mock) findConnection(id string) *connection {
	for _, c := range m.connections {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (m *Mock) providerView(p *provider) providerJSON {
	settings := make(map[string]json.RawMessage, len(p.derivedSettings)+len(p.userSettings))
	for k, v := range p.derivedSettings {
		quoted, _ := json.Marshal(v)
		settings[k] = quoted
	}
	for k, v := range p.userSettings {
		settings[k] = v
	}
	return providerJSON{
		ID: p.id, OrgID: m.orgID, Name: p.name, ModelProvider: p.modelProvider, AuthType: p.authType,
		BaseURL: p.baseURL, Enabled: p.enabled, Settings: settings, CatalogID: p.catalogID,
		ConnectionID: p.connectionID, RequestTimeoutSecs: p.requestTimeout, StreamIdleTimeoutSecs: p.streamIdle,
		CatalogSlug: p.catalogSlug, EnforceHealthCheck: p.enforceHealthCheck, BillingMode: p.billingMode,
		BillingReason: p.billingReason, BillingNote: p.billingNote, HealthStatus: HealthUnverified,
		SecretPath: m.secretPath(p), CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
}

// secretPath is where the provider's secret lives in the secret store: its connection's when it
// has one (the provider authenticates with it), else its own when it holds one, else none.
func (m *Mock) secretPath(p *provider) *string {
	var path string
	switch {
	case p.connectionID != nil:
		path = "llm-gateway/" + m.orgID + "/connections/" + *p.connectionID
	case p.apiKey != "" || len(p.credentials) > 0:
		path = "llm-gateway/" + m.orgID + "/providers/" + p.id
	default:
		return nil
	}
	return &path
}

func (m *Mock) providerNotFound(w http.ResponseWriter, id string) {
	m.WriteError(w, http.StatusNotFound, fmt.Sprintf("provider {id: %s} not found", id))
}

func (m *Mock) listProviders(w http.ResponseWriter) {
	m.mu.Lock()
	out := make([]providerJSON, 0, len(m.providers))
	for _, p := range m.providers {
		out = append(out, m.providerView(p))
	}
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, out)
}

func (m *Mock) getProvider(w http.ResponseWriter, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.findProvider(id)
	if p == nil {
		m.providerNotFound(w, id)
		return
	}
	mockapi.WriteJSON(w, http.StatusOK, m.providerView(p))
}

// providerCreateFields are the fields of POST /admin/providers: the docs' plus what Barndoor's
// own clients send (enforce_health_check and the billing fields).
var providerCreateFields = []string{
	"name", "model_provider", "base_url", "auth_type", "api_key", "credentials", "connection_id", "catalog_id",
	"models", "settings", "request_timeout_secs", "stream_idle_timeout_secs",
	"enforce_health_check", "billing_mode", "billing_reason", "billing_note",
}

// providerUpdateFields are the fields of PUT /admin/providers/{id}: the seed's plus what
// Barndoor's own clients send.
var providerUpdateFields = []string{
	"name", "base_url", "auth_type", "api_key", "credentials", "enabled", "settings", "connection_id",
	"request_timeout_secs", "stream_idle_timeout_secs",
	"enforce_health_check", "billing_mode", "billing_reason", "billing_note",
}

func (m *Mock) createProvider(w http.ResponseWriter, body []byte) {
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, err := m.newProvider(obj)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	if m.providerNameTaken(p.name, "") {
		m.WriteError(w, http.StatusConflict, fmt.Sprintf("a provider named %q already exists in this organization (names are compared case-insensitively)", p.name))
		return
	}
	p.createdAt = m.stamp()
	p.updatedAt = p.createdAt
	m.providers = append(m.providers, p)
	mockapi.WriteJSON(w, http.StatusOK, m.providerView(p))
}

// newProvider validates a create body into a provider. Callers hold m.mu (connections are read).
func (m *Mock) newProvider(obj map[string]json.RawMessage) (*provider, error) {
	err := checkFields(obj, providerCreateFields, map[string]string{
		"enabled": "unknown field `enabled`: the create endpoint has no enabled field (new providers are enabled); create the provider, then PUT {\"enabled\": false} to disable it",
	})
	if err != nil {
		return nil, err
	}
	p := &provider{
		id: mockapi.NewUUID(), enabled: true, userSettings: map[string]json.RawMessage{},
		enforceHealthCheck: true, billingMode: DefaultBillingMode,
	}
	if !present(obj, "name") {
		return nil, badRequest("name is required")
	}
	if p.name, err = nonEmptyString(obj["name"], "name"); err != nil {
		return nil, err
	}
	if !present(obj, "model_provider") {
		return nil, badRequest("model_provider is required")
	}
	if p.modelProvider, err = stringValue(obj["model_provider"], "model_provider"); err != nil {
		return nil, err
	}
	if !slices.Contains(ModelProviders, p.modelProvider) {
		return nil, badf("unknown model_provider %q, expected one of %s", p.modelProvider, strings.Join(ModelProviders, ", "))
	}
	var conn *connection
	if present(obj, "connection_id") {
		id, err := uuidValue(obj["connection_id"], "connection_id")
		if err != nil {
			return nil, err
		}
		if conn = m.findConnection(id); conn == nil {
			return nil, badf("connection_id %s does not reference a connection of this organization", id)
		}
		p.connectionID = &id
	}
	if present(obj, "auth_type") {
		if conn != nil {
			return nil, badRequest("auth_type cannot be set together with connection_id: the provider takes its auth_type from the connection")
		}
		if p.authType, err = nonEmptyString(obj["auth_type"], "auth_type"); err != nil {
			return nil, err
		}
	}
	switch {
	case p.authType != "":
	case conn != nil:
		p.authType = conn.authType
	default:
		p.authType = DefaultAuthType(p.modelProvider)
	}
	apiKey, credentials, err := secretOf(obj)
	if err != nil {
		return nil, err
	}
	if apiKey != nil {
		p.apiKey = *apiKey
	}
	p.credentials = credentials
	if present(obj, "base_url") {
		if p.baseURL, err = stringValue(obj["base_url"], "base_url"); err != nil {
			return nil, err
		}
		if err := checkBaseURL(p.baseURL, p.modelProvider); err != nil {
			return nil, err
		}
	} else if conn != nil {
		p.baseURL = conn.baseURL
	} else if p.baseURL = DefaultBaseURLs[p.modelProvider]; p.baseURL == "" {
		return nil, badf("base_url is required for model_provider %s", p.modelProvider)
	}
	if present(obj, "catalog_id") {
		id, err := uuidValue(obj["catalog_id"], "catalog_id")
		if err != nil {
			return nil, err
		}
		slug := p.modelProvider + "-" + id[:8]
		p.catalogID, p.catalogSlug = &id, &slug
	}
	if present(obj, "settings") {
		if p.userSettings, err = objectValue(obj["settings"], "settings"); err != nil {
			return nil, err
		}
	}
	p.derivedSettings = derivedSettings(p.modelProvider)
	if raw, ok := obj["request_timeout_secs"]; ok {
		if p.requestTimeout, err = nullableInt(raw, "request_timeout_secs", MaxRequestTimeoutSecs); err != nil {
			return nil, err
		}
	}
	if raw, ok := obj["stream_idle_timeout_secs"]; ok {
		if p.streamIdle, err = nullableInt(raw, "stream_idle_timeout_secs", MaxStreamIdleTimeoutSecs); err != nil {
			return nil, err
		}
	}
	if present(obj, "enforce_health_check") {
		if p.enforceHealthCheck, err = boolValue(obj["enforce_health_check"], "enforce_health_check"); err != nil {
			return nil, err
		}
	}
	if present(obj, "billing_mode") {
		if p.billingMode, err = enumValue(obj["billing_mode"], "billing_mode", BillingModes); err != nil {
			return nil, err
		}
	}
	if raw, ok := obj["billing_reason"]; ok {
		if p.billingReason, err = nullableEnum(raw, "billing_reason", BillingReasons); err != nil {
			return nil, err
		}
	}
	if raw, ok := obj["billing_note"]; ok {
		if p.billingNote, err = nullableNote(raw, "billing_note"); err != nil {
			return nil, err
		}
	}
	// models auto-creates model routes in the real service; the fake only checks its shape.
	if present(obj, "models") {
		var models []string
		if err := json.Unmarshal(obj["models"], &models); err != nil {
			return nil, badRequest("models must be an array of strings")
		}
	}
	return p, nil
}

// providerUpdate is a validated PUT body: nil pointers are fields left unchanged.
type providerUpdate struct {
	name, baseURL, authType, apiKey *string
	credentials                     map[string]json.RawMessage
	enabled                         *bool
	settings                        map[string]json.RawMessage
	setSettings                     bool
	// connection is the new connection; detach means an explicit null.
	connection   *connection
	detach       bool
	setTimeout   bool
	timeout      *int64
	setIdle      bool
	idle         *int64
	hasNewSecret bool
	// enforceHealthCheck and billingMode are not nullable; the two billing set flags mark a
	// field that was sent, null included.
	enforceHealthCheck *bool
	billingMode        *string
	setBillingReason   bool
	billingReason      *string
	setBillingNote     bool
	billingNote        *string
}

func (m *Mock) updateProvider(w http.ResponseWriter, id string, body []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.findProvider(id)
	if p == nil {
		m.providerNotFound(w, id)
		return
	}
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	u, err := m.parseProviderUpdate(obj, p)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	if u.name != nil && m.providerNameTaken(*u.name, p.id) {
		m.WriteError(w, http.StatusConflict, fmt.Sprintf("a provider named %q already exists in this organization (names are compared case-insensitively)", *u.name))
		return
	}
	u.apply(p)
	p.updatedAt = m.stamp()
	mockapi.WriteJSON(w, http.StatusOK, m.providerView(p))
}

// parseProviderUpdate validates every field before anything changes, so a refused PUT leaves
// the provider as it was. Callers hold m.mu.
func (m *Mock) parseProviderUpdate(obj map[string]json.RawMessage, p *provider) (providerUpdate, error) {
	var u providerUpdate
	err := checkFields(obj, providerUpdateFields, map[string]string{
		"model_provider": "model_provider cannot be changed: it is fixed when the provider is created; create a new provider instead",
		"catalog_id":     "catalog_id cannot be changed: it is fixed when the provider is created; create a new provider instead",
	})
	if err != nil {
		return u, err
	}
	if raw, ok := obj["name"]; ok {
		s, err := nonEmptyString(raw, "name")
		if err != nil {
			return u, err
		}
		u.name = &s
	}
	if raw, ok := obj["base_url"]; ok {
		s, err := stringValue(raw, "base_url")
		if err != nil {
			return u, err
		}
		if err := checkBaseURL(s, p.modelProvider); err != nil {
			return u, err
		}
		u.baseURL = &s
	}
	if raw, ok := obj["auth_type"]; ok {
		s, err := nonEmptyString(raw, "auth_type")
		if err != nil {
			return u, err
		}
		u.authType = &s
	}
	if u.apiKey, u.credentials, err = secretOf(obj); err != nil {
		return u, err
	}
	u.hasNewSecret = (u.apiKey != nil && *u.apiKey != "") || len(u.credentials) > 0
	if raw, ok := obj["enabled"]; ok {
		b, err := boolValue(raw, "enabled")
		if err != nil {
			return u, err
		}
		u.enabled = &b
	}
	if raw, ok := obj["settings"]; ok {
		u.setSettings = true
		u.settings = map[string]json.RawMessage{}
		if !mockapi.IsNull(raw) {
			if u.settings, err = objectValue(raw, "settings"); err != nil {
				return u, err
			}
		}
	}
	if raw, ok := obj["connection_id"]; ok {
		if mockapi.IsNull(raw) {
			if !u.hasNewSecret {
				return u, badRequest("connection_id: null detaches the provider from its connection and needs a direct secret in the same request: send api_key or credentials")
			}
			u.detach = true
		} else {
			cid, err := uuidValue(raw, "connection_id")
			if err != nil {
				return u, err
			}
			if u.connection = m.findConnection(cid); u.connection == nil {
				return u, badf("connection_id %s does not reference a connection of this organization", cid)
			}
		}
	}
	if raw, ok := obj["request_timeout_secs"]; ok {
		u.setTimeout = true
		if u.timeout, err = nullableInt(raw, "request_timeout_secs", MaxRequestTimeoutSecs); err != nil {
			return u, err
		}
	}
	if raw, ok := obj["stream_idle_timeout_secs"]; ok {
		u.setIdle = true
		if u.idle, err = nullableInt(raw, "stream_idle_timeout_secs", MaxStreamIdleTimeoutSecs); err != nil {
			return u, err
		}
	}
	if raw, ok := obj["enforce_health_check"]; ok {
		b, err := boolValue(raw, "enforce_health_check")
		if err != nil {
			return u, err
		}
		u.enforceHealthCheck = &b
	}
	if raw, ok := obj["billing_mode"]; ok {
		s, err := enumValue(raw, "billing_mode", BillingModes)
		if err != nil {
			return u, err
		}
		u.billingMode = &s
	}
	if raw, ok := obj["billing_reason"]; ok {
		u.setBillingReason = true
		if u.billingReason, err = nullableEnum(raw, "billing_reason", BillingReasons); err != nil {
			return u, err
		}
	}
	if raw, ok := obj["billing_note"]; ok {
		u.setBillingNote = true
		if u.billingNote, err = nullableNote(raw, "billing_note"); err != nil {
			return u, err
		}
	}
	return u, nil
}

// apply changes the provider. A provider attached to a connection takes the connection's
// auth_type unless the same request names one (the seed's example sends both).
func (u providerUpdate) apply(p *provider) {
	if u.name != nil {
		p.name = *u.name
	}
	if u.baseURL != nil {
		p.baseURL = *u.baseURL
	}
	if u.connection != nil {
		id := u.connection.id
		p.connectionID = &id
		p.authType = u.connection.authType
	}
	if u.detach {
		p.connectionID = nil
	}
	if u.authType != nil {
		p.authType = *u.authType
	}
	if u.apiKey != nil && *u.apiKey != "" {
		p.apiKey, p.credentials = *u.apiKey, nil
	}
	if len(u.credentials) > 0 {
		p.apiKey, p.credentials = "", u.credentials
	}
	if u.enabled != nil {
		p.enabled = *u.enabled
	}
	if u.setSettings {
		p.userSettings = u.settings
	}
	if u.setTimeout {
		p.requestTimeout = u.timeout
	}
	if u.setIdle {
		p.streamIdle = u.idle
	}
	if u.enforceHealthCheck != nil {
		p.enforceHealthCheck = *u.enforceHealthCheck
	}
	if u.billingMode != nil {
		p.billingMode = *u.billingMode
	}
	if u.setBillingReason {
		p.billingReason = u.billingReason
	}
	if u.setBillingNote {
		p.billingNote = u.billingNote
	}
}

func (m *Mock) deleteProvider(w http.ResponseWriter, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, p := range m.providers {
		if p.id == id {
			m.providers = slices.Delete(m.providers, i, i+1)
			mockapi.WriteJSON(w, http.StatusOK, map[string]bool{"deleted": true})
			return
		}
	}
	m.providerNotFound(w, id)
}

// connectionFields are the fields of POST /admin/connections; PUT takes the same minus
// model_provider.
var connectionFields = []string{"name", "model_provider", "base_url", "auth_type", "api_key", "credentials", "settings"}

func (m *Mock) connectionView(c *connection) connectionJSON {
	var last4 *string
	if len(c.apiKey) >= 4 {
		s := c.apiKey[len(c.apiKey)-4:]
		last4 = &s
	}
	settings := c.settings
	if settings == nil {
		settings = map[string]json.RawMessage{}
	}
	return connectionJSON{
		ID: c.id, OrgID: m.orgID, Name: c.name, ModelProvider: c.modelProvider, AuthType: c.authType,
		BaseURL: c.baseURL, Settings: settings, KeyLast4: last4, CreatedAt: c.createdAt, UpdatedAt: c.updatedAt,
	}
}

func (m *Mock) connectionNotFound(w http.ResponseWriter, id string) {
	m.WriteError(w, http.StatusNotFound, fmt.Sprintf("connection {id: %s} not found", id))
}

// connectionNameTaken reports whether another connection has the name, compared
// case-insensitively. Callers hold m.mu.
func (m *Mock) connectionNameTaken(name, exceptID string) bool {
	for _, c := range m.connections {
		if c.id != exceptID && strings.EqualFold(c.name, name) {
			return true
		}
	}
	return false
}

func (m *Mock) listConnections(w http.ResponseWriter) {
	m.mu.Lock()
	out := make([]connectionJSON, 0, len(m.connections))
	for _, c := range m.connections {
		out = append(out, m.connectionView(c))
	}
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, out)
}

func (m *Mock) getConnection(w http.ResponseWriter, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.findConnection(id)
	if c == nil {
		m.connectionNotFound(w, id)
		return
	}
	mockapi.WriteJSON(w, http.StatusOK, m.connectionView(c))
}

func (m *Mock) createConnection(w http.ResponseWriter, body []byte) {
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	c, err := newConnection(obj)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.connectionNameTaken(c.name, "") {
		m.WriteError(w, http.StatusConflict, fmt.Sprintf("a connection named %q already exists in this organization", c.name))
		return
	}
	c.createdAt = m.stamp()
	c.updatedAt = c.createdAt
	m.connections = append(m.connections, c)
	mockapi.WriteJSON(w, http.StatusOK, m.connectionView(c))
}

func newConnection(obj map[string]json.RawMessage) (*connection, error) {
	if err := checkFields(obj, connectionFields, nil); err != nil {
		return nil, err
	}
	c := &connection{id: mockapi.NewUUID(), settings: map[string]json.RawMessage{}}
	var err error
	for _, required := range []string{"name", "model_provider", "base_url"} {
		if !present(obj, required) {
			return nil, badf("%s is required", required)
		}
	}
	if c.name, err = nonEmptyString(obj["name"], "name"); err != nil {
		return nil, err
	}
	if c.modelProvider, err = stringValue(obj["model_provider"], "model_provider"); err != nil {
		return nil, err
	}
	if !slices.Contains(ModelProviders, c.modelProvider) {
		return nil, badf("unknown model_provider %q, expected one of %s", c.modelProvider, strings.Join(ModelProviders, ", "))
	}
	if c.baseURL, err = stringValue(obj["base_url"], "base_url"); err != nil {
		return nil, err
	}
	// The docs' own credential example ends in /v1, so the /v1 rule is a provider rule only.
	if err := checkBaseURL(c.baseURL, ""); err != nil {
		return nil, err
	}
	c.authType = DefaultAuthType(c.modelProvider)
	if present(obj, "auth_type") {
		if c.authType, err = nonEmptyString(obj["auth_type"], "auth_type"); err != nil {
			return nil, err
		}
	}
	apiKey, credentials, err := secretOf(obj)
	if err != nil {
		return nil, err
	}
	if apiKey != nil {
		c.apiKey = *apiKey
	}
	c.credentials = credentials
	if present(obj, "settings") {
		if c.settings, err = objectValue(obj["settings"], "settings"); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (m *Mock) updateConnection(w http.ResponseWriter, id string, body []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.findConnection(id)
	if c == nil {
		m.connectionNotFound(w, id)
		return
	}
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	updated, err := patchConnection(*c, obj)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	if m.connectionNameTaken(updated.name, c.id) {
		m.WriteError(w, http.StatusConflict, fmt.Sprintf("a connection named %q already exists in this organization", updated.name))
		return
	}
	*c = updated
	c.updatedAt = m.stamp()
	mockapi.WriteJSON(w, http.StatusOK, m.connectionView(c))
}

// patchConnection applies a partial update to a copy, so a refused PUT changes nothing.
func patchConnection(c connection, obj map[string]json.RawMessage) (connection, error) {
	err := checkFields(obj, slices.DeleteFunc(slices.Clone(connectionFields), func(f string) bool { return f == "model_provider" }),
		map[string]string{"model_provider": "model_provider cannot be changed: it is fixed when the connection is created"})
	if err != nil {
		return c, err
	}
	if raw, ok := obj["name"]; ok {
		if c.name, err = nonEmptyString(raw, "name"); err != nil {
			return c, err
		}
	}
	if raw, ok := obj["base_url"]; ok {
		if c.baseURL, err = stringValue(raw, "base_url"); err != nil {
			return c, err
		}
		if err := checkBaseURL(c.baseURL, ""); err != nil {
			return c, err
		}
	}
	if raw, ok := obj["auth_type"]; ok {
		if c.authType, err = nonEmptyString(raw, "auth_type"); err != nil {
			return c, err
		}
	}
	apiKey, credentials, err := secretOf(obj)
	if err != nil {
		return c, err
	}
	if apiKey != nil && *apiKey != "" {
		c.apiKey, c.credentials = *apiKey, nil
	}
	if len(credentials) > 0 {
		c.apiKey, c.credentials = "", credentials
	}
	if raw, ok := obj["settings"]; ok {
		c.settings = map[string]json.RawMessage{}
		if !mockapi.IsNull(raw) {
			if c.settings, err = objectValue(raw, "settings"); err != nil {
				return c, err
			}
		}
	}
	return c, nil
}

// deleteConnection refuses while a provider references the connection, like the real service.
func (m *Mock) deleteConnection(w http.ResponseWriter, id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	idx := slices.IndexFunc(m.connections, func(c *connection) bool { return c.id == id })
	if idx < 0 {
		m.connectionNotFound(w, id)
		return
	}
	var users []string
	for _, p := range m.providers {
		if p.connectionID != nil && *p.connectionID == id {
			users = append(users, p.name)
		}
	}
	if len(users) > 0 {
		m.WriteError(w, http.StatusConflict, fmt.Sprintf("connection {id: %s} is still referenced by %d provider(s): %s; detach or delete them first", id, len(users), strings.Join(users, ", ")))
		return
	}
	m.connections = slices.Delete(m.connections, idx, idx+1)
	mockapi.WriteJSON(w, http.StatusOK, map[string]bool{"deleted": true})
}
