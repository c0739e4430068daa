package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestModesFromEnvironment(t *testing.T) {
	t.Setenv(EnvKeywordsAIGeneration, "v2")
	t.Setenv(EnvKeywordsAIExtraKwargs, "partial")
	got := New("t").Modes()
	if got.KeywordsAIGeneration != "v2" || got.KeywordsAIExtraKwargs != "partial" {
		t.Errorf("modes from the environment = %+v, want v2 and partial", got)
	}
	// WithModes wins over the environment.
	if got := New("t", WithModes(Modes{KeywordsAIGeneration: "v1"})).Modes(); got.KeywordsAIGeneration != "v1" {
		t.Errorf("WithModes v1 gave %+v", got)
	}
	t.Setenv(EnvKeywordsAIGeneration, "v9")
	defer func() {
		if recover() == nil {
			t.Error("an invalid generation in the environment did not panic")
		}
	}()
	New("t")
}

func TestModesControlEndpoint(t *testing.T) {
	s := New("t", WithModes(Modes{BarndoorIdempotentDelete: true}))
	do := func(method, body string) (int, Modes) {
		t.Helper()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(method, "/_mock/modes", bytes.NewBufferString(body)))
		var m Modes
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m
	}
	if code, m := do(http.MethodGet, ""); code != http.StatusOK || !m.BarndoorIdempotentDelete || m.KeywordsAIGeneration != "v1" || m.KeywordsAIExtraKwargs != "none" {
		t.Errorf("GET = %d %+v", code, m)
	}
	if code, m := do(http.MethodPost, `{"keywordsai_generation":"v2","refactor_strict_credentials":true}`); code != http.StatusOK ||
		m.KeywordsAIGeneration != "v2" || m.KeywordsAIExtraKwargs != "full" || !m.RefactorStrictCredentials || !m.BarndoorIdempotentDelete {
		t.Errorf("POST = %d %+v, want v2, full, strict, and the start's idempotent delete kept", code, m)
	}
	if code, _ := do(http.MethodPost, `{"keywordsai_extra_kwargs":"some"}`); code != http.StatusBadRequest {
		t.Errorf("POST of an invalid mode = %d, want 400", code)
	}
	s.Reset()
	if m := s.Modes(); m.KeywordsAIGeneration != "v1" || m.RefactorStrictCredentials || !m.BarndoorIdempotentDelete {
		t.Errorf("after Reset modes = %+v, want the start modes", m)
	}
	do(http.MethodPost, `{"keywordsai_generation":"v2"}`)
	if code, _ := do(http.MethodDelete, ""); code != http.StatusNoContent || s.Modes().KeywordsAIGeneration != "v1" {
		t.Errorf("DELETE = %d, generation %s", code, s.Modes().KeywordsAIGeneration)
	}
}
