// Package mockapi is the contract between the mock server's core (auth, journal, faults, routing)
// and each platform's in-memory fake, plus the helpers the fakes share.
package mockapi

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// Platform is one platform's fake API.
type Platform interface {
	// Name is the platform name (refactor, flashback, barndoor, keywordsai).
	Name() string
	// Match reports whether the path (under the mock root) belongs to this platform.
	Match(path string) bool
	// Handle serves an authenticated request; body is the raw request body.
	Handle(w http.ResponseWriter, r *http.Request, body []byte)
	// WriteError answers in the platform's error envelope; the core uses it for 401s and injected faults.
	WriteError(w http.ResponseWriter, status int, message string)
	// Reset empties all data.
	Reset()
}

// WriteJSON writes v as JSON with the status code.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// NewUUID returns a random version 4 UUID.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s is a UUID in its canonical text form.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// Now returns the current time as RFC 3339 in UTC, with milliseconds.
func Now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// DecodeObject parses a request body that must be one JSON object, keeping each field raw so a
// fake can tell an omitted field from an explicit null.
func DecodeObject(body []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("request body must be a JSON object")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("request body must be a JSON object")
	}
	return obj, nil
}

// IsNull reports whether a raw field is an explicit JSON null.
func IsNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }
