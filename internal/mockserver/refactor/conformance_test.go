package refactor_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	c "github.com/llmconfig/terraform-provider-llm/internal/mockserver/conformance"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/refactor"
)

// refactor publishes no client; its API reference pages embed OpenAPI fragments. These are the
// request bodies written from them: LLMProviderConfig for create, {enabled?, credentials?} for
// update (https://docs.re-factor.ai/api-reference/endpoints/llm-providers/*).
type llmProviderConfig struct {
	Provider    string            `json:"provider"`
	Enabled     *bool             `json:"enabled,omitempty"`
	Credentials map[string]string `json:"credentials,omitempty"`
}

type updateLLMProvider struct {
	Enabled     *bool             `json:"enabled,omitempty"`
	Credentials map[string]string `json:"credentials,omitempty"`
}

var (
	configSpec = []c.Field{
		c.Req("provider", c.String).OneOf(refactor.Providers...), c.Req("enabled", c.Bool), c.Req("credentials", c.Object),
	}
	deleteSpec    = []c.Field{c.Req("provider", c.String).OneOf(refactor.Providers...)}
	errorEnvelope = []c.Field{c.Req("error", c.Object)}
	errorBody     = []c.Field{c.Req("code", c.String), c.Req("message", c.String)}
)

func ptr[T any](v T) *T { return &v }

// expectMasked checks that every credential of the answer is masked, never the value sent.
func expectMasked(t *testing.T, step string, got map[string]any, sent map[string]string) {
	t.Helper()
	creds, _ := got["credentials"].(map[string]any)
	for k, v := range sent {
		masked, _ := creds[k].(string)
		if !strings.HasSuffix(masked, "***") || masked == v || strings.Contains(masked, v) {
			t.Errorf("%s: credentials.%s = %q, want a masked value", step, k, masked)
		}
	}
	if len(creds) != len(sent) {
		t.Errorf("%s: credentials has keys %v, want %d", step, creds, len(sent))
	}
}

func expectError(t *testing.T, step string, a c.Answer, code string) {
	t.Helper()
	obj := a.Object(t)
	c.MustConform(t, step, obj, errorEnvelope)
	body, _ := obj["error"].(map[string]any)
	c.MustConform(t, step+" error", body, errorBody)
	if body["code"] != code {
		t.Errorf("%s: code %v, want %s", step, body["code"], code)
	}
}

// TestConformsToRefactorReference replays create, update and delete with each documented
// provider's credential keys, and checks the answers and error envelopes the pages document.
func TestConformsToRefactorReference(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{RefactorStrictCredentials: true})
	for provider, creds := range map[string]map[string]string{
		"openai":         {"api_key": "sk-openai-0001", "organization": "org-0001"},
		"azure":          {"api_key": "az-key-0001", "endpoint": "https://acme.openai.azure.com", "deployment_id": "gpt4o-prod"},
		"amazon-bedrock": {"aws_access_key_id": "AKIAEXAMPLE0001", "aws_secret_access_key": "wJalr-secret-0001", "region": "us-east-1"},
	} {
		created := s.Do(http.MethodPost, "/api/v1/llm-providers", llmProviderConfig{Provider: provider, Enabled: ptr(true), Credentials: creds}).
			Expect(t, "create "+provider, http.StatusOK).Object(t)
		c.MustConform(t, "create "+provider, created, configSpec)
		expectMasked(t, "create "+provider, created, creds)
		expectError(t, "duplicate "+provider, s.Do(http.MethodPost, "/api/v1/llm-providers", llmProviderConfig{Provider: provider}).
			Expect(t, "duplicate "+provider, http.StatusConflict), "CONFLICT")
		updated := s.Do(http.MethodPut, "/api/v1/llm-provider/"+provider, updateLLMProvider{Enabled: ptr(false)}).
			Expect(t, "update "+provider, http.StatusOK).Object(t)
		c.MustConform(t, "update "+provider, updated, configSpec)
		expectMasked(t, "update "+provider, updated, creds)
		if updated["enabled"] != false {
			t.Errorf("update %s: enabled %v, want false", provider, updated["enabled"])
		}
		deleted := s.Do(http.MethodDelete, "/api/v1/llm-provider/"+provider, nil).Expect(t, "delete "+provider, http.StatusOK).Object(t)
		c.MustConform(t, "delete "+provider, deleted, deleteSpec)
		if deleted["provider"] != provider || len(deleted) != 1 {
			t.Errorf("delete %s answered %v, want {\"provider\": %q}", provider, deleted, provider)
		}
		expectError(t, "update missing "+provider, s.Do(http.MethodPut, "/api/v1/llm-provider/"+provider, updateLLMProvider{Enabled: ptr(true)}).
			Expect(t, "update missing "+provider, http.StatusNotFound), "NOT_FOUND")
	}
	// Strict credentials refuse a key the provider's page does not document; undocumented
	// providers take any key.
	expectError(t, "azure with a bedrock key", s.Do(http.MethodPost, "/api/v1/llm-providers",
		llmProviderConfig{Provider: "azure", Credentials: map[string]string{"region": "eu-west-1"}}).
		Expect(t, "azure with a bedrock key", http.StatusBadRequest), "VALIDATION_ERROR")
	s.Do(http.MethodPost, "/api/v1/llm-providers", llmProviderConfig{Provider: "xai", Credentials: map[string]string{"team_id": "t"}}).
		Expect(t, "xai with any key", http.StatusOK)
}

// TestLenientCredentialsByDefault keeps today's default: any credential key is stored.
func TestLenientCredentialsByDefault(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{})
	got := s.Do(http.MethodPost, "/api/v1/llm-providers", llmProviderConfig{Provider: "amazon-bedrock", Credentials: map[string]string{"api_key": "bedrock-key-0001"}}).
		Expect(t, "bedrock with api_key", http.StatusOK).Object(t)
	expectMasked(t, "bedrock with api_key", got, map[string]string{"api_key": "bedrock-key-0001"})
}
