// This file holds the providers collection: /admin/providers.

package barndoor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

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
	"enforce_health_check", "billing_mode", "billing_reason", "billing_note", "model_sync_mode", "change_note",
}

// providerUpdateFields are the fields of PUT /admin/providers/{id}: the seed's plus what
// Barndoor's own clients send.
var providerUpdateFields = []string{
	"name", "base_url", "auth_type", "api_key", "credentials", "enabled", "settings", "connection_id",
	"request_timeout_secs", "stream_idle_timeout_secs",
	"enforce_health_check", "billing_mode", "billing_reason", "billing_note", "model_sync_mode", "change_note",
}

// clearableUpdateFields are the PUT fields whose explicit null means "clear" (the SDK's
// tri-state fields); a null in any other field means "leave unchanged", as serde's Option reads it.
var clearableUpdateFields = []string{
	"connection_id", "billing_reason", "billing_note", "request_timeout_secs", "stream_idle_timeout_secs",
	"settings", "change_note",
}

// dropNulls removes the null-valued fields of obj except those in keep.
func dropNulls(obj map[string]json.RawMessage, keep []string) {
	for k, v := range obj {
		if mockapi.IsNull(v) && !slices.Contains(keep, k) {
			delete(obj, k)
		}
	}
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
	// The SDK sends an explicit null for every nullable field it has no value for; on create a
	// null means the same as an omitted field.
	dropNulls(obj, nil)
	p := &provider{
		id: mockapi.NewUUID(), enabled: true, userSettings: map[string]json.RawMessage{},
		enforceHealthCheck: true, billingMode: DefaultBillingMode, modelSyncMode: DefaultModelSyncMode,
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
	if present(obj, "model_sync_mode") {
		if p.modelSyncMode, err = enumValue(obj["model_sync_mode"], "model_sync_mode", ModelSyncModes); err != nil {
			return nil, err
		}
	}
	if present(obj, "change_note") {
		if p.changeNote, err = nullableNote(obj["change_note"], "change_note"); err != nil {
			return nil, err
		}
	}
	if err := checkBilling(p.billingMode, p.billingReason); err != nil {
		return nil, err
	}
	// models auto-creates one model route per upstream model (alias = upstream name) in the real
	// service; the fake keeps them so tests can see what the gateway would route.
	if present(obj, "models") {
		if p.modelRoutes, err = modelList(obj["models"]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkBilling enforces the SDK's rule that a provider stops recording cost only with a
// reason: billing_reason is required while billing_mode is not_metered.
func checkBilling(mode string, reason *string) error {
	if mode == "not_metered" && reason == nil {
		return badRequest("billing_reason is required when billing_mode is not_metered: say why the provider is not metered (subscription, local, external or other)")
	}
	return nil
}

// modelList decodes models: an array of distinct, non-empty upstream model names.
func modelList(raw json.RawMessage) ([]string, error) {
	var models []string
	if err := json.Unmarshal(raw, &models); err != nil {
		return nil, badRequest("models must be an array of strings")
	}
	for i, name := range models {
		if strings.TrimSpace(name) == "" {
			return nil, badf("models[%d] must not be empty", i)
		}
		if slices.Contains(models[:i], name) {
			return nil, badf("models[%d] repeats %q: each upstream model gets one route", i, name)
		}
	}
	return models, nil
}

// ModelRoutes returns the model routes the gateway created for a provider from its create's
// models, in the order sent, or nil when the provider is unknown or had none.
func (m *Mock) ModelRoutes(providerID string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p := m.findProvider(strings.ToLower(providerID)); p != nil {
		return slices.Clone(p.modelRoutes)
	}
	return nil
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
	modelSyncMode      *string
	// changeNote describes this one edit: omitting it clears the previous note.
	changeNote *string
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
	dropNulls(obj, clearableUpdateFields)
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
	if raw, ok := obj["model_sync_mode"]; ok {
		s, err := enumValue(raw, "model_sync_mode", ModelSyncModes)
		if err != nil {
			return u, err
		}
		u.modelSyncMode = &s
	}
	if raw, ok := obj["change_note"]; ok {
		if u.changeNote, err = nullableNote(raw, "change_note"); err != nil {
			return u, err
		}
	}
	mode, reason := p.billingMode, p.billingReason
	if u.billingMode != nil {
		mode = *u.billingMode
	}
	if u.setBillingReason {
		reason = u.billingReason
	}
	if err := checkBilling(mode, reason); err != nil {
		return u, err
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
	if u.modelSyncMode != nil {
		p.modelSyncMode = *u.modelSyncMode
	}
	p.changeNote = u.changeNote
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
	if m.idempotentDelete {
		// DeletedResponse in the SDK: a missing row is not distinguished from one that existed.
		mockapi.WriteJSON(w, http.StatusOK, map[string]bool{"deleted": true})
		return
	}
	m.providerNotFound(w, id)
}
