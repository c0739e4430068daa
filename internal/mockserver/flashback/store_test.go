package flashback

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The key and the secret are never returned, so only the store shows that an update keeps an
// omitted key, clears it on an explicit null, and replaces the secret.
func TestStoredKeyAndSecretFollowPartialUpdates(t *testing.T) {
	m := New()
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		t.Helper()
		rec := httptest.NewRecorder()
		m.Handle(rec, httptest.NewRequest(method, path, strings.NewReader(body)), []byte(body))
		return rec
	}
	if rec := serve(http.MethodPost, "/ai/llm", `{"name":"n","aiType":"OTHER","endpoint":"https://llm.example.com","key":"k-1","secret":"s-1","workspaceId":"ws"}`); rec.Code != http.StatusOK {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	stored := func() (key *string, secret string) {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.records[0].key, m.records[0].secret
	}
	id := m.records[0].id

	steps := []struct {
		body       string
		wantKey    *string
		wantSecret string
	}{
		{`{"name":"renamed"}`, ptr("k-1"), "s-1"},
		{`{"secret":"s-2"}`, ptr("k-1"), "s-2"},
		{`{"key":"k-2"}`, ptr("k-2"), "s-2"},
		{`{"key":null}`, nil, "s-2"},
		{`{"key":"k-3","secret":"s-3"}`, ptr("k-3"), "s-3"},
	}
	for _, step := range steps {
		if rec := serve(http.MethodPut, "/ai/llm/"+id, step.body); rec.Code != http.StatusOK {
			t.Fatalf("PUT %s: %d %s", step.body, rec.Code, rec.Body)
		}
		key, secret := stored()
		if (key == nil) != (step.wantKey == nil) || (key != nil && *key != *step.wantKey) || secret != step.wantSecret {
			t.Fatalf("after PUT %s: key %v secret %q, want key %v secret %q", step.body, deref(key), secret, deref(step.wantKey), step.wantSecret)
		}
	}
	if rec := serve(http.MethodGet, "/ai/llm", ""); strings.Contains(rec.Body.String(), "k-3") || strings.Contains(rec.Body.String(), "s-3") {
		t.Fatalf("list echoes a secret: %s", rec.Body)
	}
}

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
