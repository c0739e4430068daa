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
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

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

// DefaultModelSyncMode is a provider's model_sync_mode when the create names none: the SDK says
// "Omitted means off".
const DefaultModelSyncMode = "off"

// ModelSyncModes is the model_sync_mode enum (the SDK's ModelSyncMode).
var ModelSyncModes = []string{"off", "additive", "full"}

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
	// idempotentDelete answers a delete of a missing provider 200 {"deleted": true}, as the
	// SDK's DeletedResponse describes, instead of the 404 the spec lists.
	idempotentDelete bool
}

// SetIdempotentDelete chooses how a delete of a missing provider is answered: 200
// {"deleted": true} when on, 404 not_found_error (the default) when off.
func (m *Mock) SetIdempotentDelete(on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.idempotentDelete = on
}

// IdempotentDelete reports the SetIdempotentDelete setting.
func (m *Mock) IdempotentDelete() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.idempotentDelete
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
