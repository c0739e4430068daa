package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/refactor"
)

// Modes switch the platforms between documented behaviours that today's clients do not all
// handle: a newer API generation, or one of two answers where the platform's sources disagree.
// The zero value is the default behaviour, which the Terraform provider's suite runs against.
type Modes struct {
	// KeywordsAIGeneration is keywordsai.GenerationV1 (the default: Keywords AI's bare-array list
	// and top-level api_key) or keywordsai.GenerationV2 (Respan's newer API: a paged list,
	// credentials under extra_kwargs.api_key, a top-level api_key silently ignored).
	KeywordsAIGeneration string `json:"keywordsai_generation,omitempty"`
	// KeywordsAIExtraKwargs is how answers carry extra_kwargs: keywordsai.ExtraKwargsNone,
	// ExtraKwargsPartial (without secret keys) or ExtraKwargsFull (with stored credentials).
	// Empty means the generation's default: none on v1, full on v2.
	KeywordsAIExtraKwargs string `json:"keywordsai_extra_kwargs,omitempty"`
	// BarndoorIdempotentDelete answers a delete of a missing barndoor provider 200
	// {"deleted": true} instead of 404.
	BarndoorIdempotentDelete bool `json:"barndoor_idempotent_delete,omitempty"`
	// RefactorStrictCredentials refuses a refactor credential key the provider's create page
	// does not document (refactor.CredentialKeys).
	RefactorStrictCredentials bool `json:"refactor_strict_credentials,omitempty"`
}

// WithModes starts the server in the given modes; Reset comes back to them. An invalid value
// makes New panic, as it is a programming error in a test.
func WithModes(modes Modes) Option {
	return func(s *Server) {
		if err := modes.check(); err != nil {
			panic(err)
		}
		s.startModes = modes
	}
}

// Environment variables that set the keywordsai modes of every server New builds (WithModes
// still wins), so a whole test suite can run against the newer generation unchanged:
//
//	LLM_MOCK_KEYWORDSAI_GENERATION=v2 go test ./internal/provider/...
const (
	EnvKeywordsAIGeneration  = "LLM_MOCK_KEYWORDSAI_GENERATION"
	EnvKeywordsAIExtraKwargs = "LLM_MOCK_KEYWORDSAI_EXTRA_KWARGS"
)

// modesFromEnv reads the environment variables; an invalid value panics, naming the variable,
// because the suite would otherwise run against a mode nobody asked for.
func modesFromEnv() Modes {
	modes := Modes{KeywordsAIGeneration: os.Getenv(EnvKeywordsAIGeneration), KeywordsAIExtraKwargs: os.Getenv(EnvKeywordsAIExtraKwargs)}
	if err := modes.check(); err != nil {
		panic(fmt.Sprintf("%s / %s: %v", EnvKeywordsAIGeneration, EnvKeywordsAIExtraKwargs, err))
	}
	return modes
}

// CheckModes reports whether modes are valid, so a command line can refuse them before New.
func CheckModes(modes Modes) error { return modes.check() }

func (m Modes) check() error {
	return keywordsai.CheckModes(m.KeywordsAIGeneration, m.KeywordsAIExtraKwargs)
}

// SetModes switches the platforms to modes.
func (s *Server) SetModes(modes Modes) error {
	if err := modes.check(); err != nil {
		return err
	}
	s.mu.Lock()
	s.modes = modes
	s.mu.Unlock()
	_ = s.keywordsai.SetModes(modes.KeywordsAIGeneration, modes.KeywordsAIExtraKwargs)
	s.barndoor.SetIdempotentDelete(modes.BarndoorIdempotentDelete)
	s.refactor.SetStrictCredentials(modes.RefactorStrictCredentials)
	return nil
}

// Modes returns the modes in force, with the generation's defaults filled in.
func (s *Server) Modes() Modes {
	generation, extra := s.keywordsai.Modes()
	return Modes{
		KeywordsAIGeneration: generation, KeywordsAIExtraKwargs: extra,
		BarndoorIdempotentDelete: s.barndoor.IdempotentDelete(), RefactorStrictCredentials: s.refactor.StrictCredentials(),
	}
}

// Refactor, Flashback, Barndoor and KeywordsAI return the platforms' fakes, for their Go APIs
// (e.g. Flashback().AttachRepo, KeywordsAI().StoredAPIKey, Barndoor().ModelRoutes).
func (s *Server) Refactor() *refactor.Mock     { return s.refactor }
func (s *Server) Flashback() *flashback.Mock   { return s.flashback }
func (s *Server) Barndoor() *barndoor.Mock     { return s.barndoor }
func (s *Server) KeywordsAI() *keywordsai.Mock { return s.keywordsai }

// serveModeControl serves the mode and flashback control endpoints; it reports whether the
// path was one of them.
func (s *Server) serveModeControl(w http.ResponseWriter, r *http.Request) bool {
	badRequest := func(err error) { mockapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()}) }
	switch {
	case r.URL.Path == "/_mock/modes" && r.Method == http.MethodGet:
		mockapi.WriteJSON(w, http.StatusOK, s.Modes())
	case r.URL.Path == "/_mock/modes" && r.Method == http.MethodPost:
		// Decoding over the modes as set (defaults not filled in, so a new generation brings its
		// own default) changes only the fields the body sends.
		s.mu.Lock()
		modes := s.modes
		s.mu.Unlock()
		if err := json.NewDecoder(r.Body).Decode(&modes); err != nil {
			badRequest(fmt.Errorf("modes must be a JSON object: %w", err))
			return true
		}
		if err := s.SetModes(modes); err != nil {
			badRequest(err)
			return true
		}
		mockapi.WriteJSON(w, http.StatusOK, s.Modes())
	case r.URL.Path == "/_mock/modes" && r.Method == http.MethodDelete:
		_ = s.SetModes(s.startModes)
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_mock/flashback/repos" && r.Method == http.MethodPost:
		var req struct {
			AILlmID string `json:"aiLlmId"`
			Name    string `json:"name"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			badRequest(fmt.Errorf("the body must be {\"aiLlmId\": ..., \"name\": ...}: %w", err))
			return true
		}
		repo, err := s.flashback.AttachRepo(req.AILlmID, req.Name)
		if err != nil {
			badRequest(err)
			return true
		}
		mockapi.WriteJSON(w, http.StatusCreated, repo)
	case r.URL.Path == "/_mock/flashback/repos" && r.Method == http.MethodDelete:
		if err := s.flashback.DetachRepos(r.URL.Query().Get("aiLlmId")); err != nil {
			badRequest(err)
			return true
		}
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_mock/flashback/validation" && r.Method == http.MethodPost:
		var req struct {
			AILlmID string `json:"aiLlmId"`
			Valid   bool   `json:"valid"`
			Message string `json:"message"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			badRequest(fmt.Errorf("the body must be {\"aiLlmId\": ..., \"valid\": ..., \"message\": ...}: %w", err))
			return true
		}
		if err := s.flashback.SetValidation(req.AILlmID, req.Valid, req.Message); err != nil {
			badRequest(err)
			return true
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		return false
	}
	return true
}
