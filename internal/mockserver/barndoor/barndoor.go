// Package barndoor is the in-memory fake of the barndoor platform's API.
package barndoor

import (
	"net/http"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// Mock is the barndoor fake. Placeholder until its handlers land.
type Mock struct{}

// New returns an empty fake.
func New() *Mock { return &Mock{} }

// Name is the platform name.
func (m *Mock) Name() string { return "barndoor" }

// Match reports whether the path belongs to barndoor.
func (m *Mock) Match(path string) bool { return false }

// Handle serves a request.
func (m *Mock) Handle(w http.ResponseWriter, r *http.Request, body []byte) {
	m.WriteError(w, http.StatusNotImplemented, "not implemented")
}

// WriteError answers in the platform's error envelope.
func (m *Mock) WriteError(w http.ResponseWriter, status int, message string) {
	mockapi.WriteJSON(w, status, map[string]string{"message": message})
}

// Reset empties all data.
func (m *Mock) Reset() {}
