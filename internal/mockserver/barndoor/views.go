// This file holds the stored records and the JSON objects the API answers with.

package barndoor

import (
	"encoding/json"
)

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
	modelSyncMode      string
	changeNote         *string
	// modelRoutes are the routes the create's models made.
	modelRoutes []string
	apiKey      string
	credentials map[string]json.RawMessage
	createdAt   string
	updatedAt   string
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
	ModelSyncMode         string                     `json:"model_sync_mode"`
	LastChangeNote        *string                    `json:"last_change_note"`
	HealthStatus          string                     `json:"health_status"`
	HealthDetail          *string                    `json:"health_detail"`
	HealthCheckedAt       *string                    `json:"health_checked_at"`
	// SecretPath is an opaque reference to where the secret lives, never the secret.
	SecretPath string `json:"secret_path"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
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
		BillingReason: p.billingReason, BillingNote: p.billingNote, ModelSyncMode: p.modelSyncMode, LastChangeNote: p.changeNote,
		HealthStatus: HealthUnverified,
		SecretPath:   m.secretPath(p), CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
}

// secretPath is where the provider's secret lives in the secret store: its connection's when it
// has one (the provider authenticates with it), else its own slot. The SDK's Provider requires
// secret_path as a string, so a provider without a secret yet still answers its own slot.
func (m *Mock) secretPath(p *provider) string {
	if p.connectionID != nil {
		return "llm-gateway/" + m.orgID + "/connections/" + *p.connectionID
	}
	return "llm-gateway/" + m.orgID + "/providers/" + p.id
}

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
