// This file holds the connections collection (shared credentials): /admin/connections.

package barndoor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// connectionFields are the fields of POST /admin/connections; PUT takes the same minus
// model_provider.
var connectionFields = []string{"name", "model_provider", "base_url", "auth_type", "api_key", "credentials", "settings"}

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
