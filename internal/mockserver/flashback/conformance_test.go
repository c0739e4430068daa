package flashback_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	c "github.com/llmconfig/terraform-provider-llm/internal/mockserver/conformance"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// The request types of flashback's TypeScript client (flashbacknetwork/FlashbackClient,
// src/api/types/ai/aillm.ts at bcb34e9), written from its interfaces: a field marked "?" is
// omitted when undefined, "| null" is sent as an explicit null (the client JSON.stringifies the
// object as given).
type createAiLlmRequest struct {
	Name        string             `json:"name"`
	AIType      string             `json:"aiType"`
	Endpoint    c.Nullable[string] `json:"endpoint,omitzero"`
	Key         c.Nullable[string] `json:"key,omitzero"`
	Secret      c.Nullable[string] `json:"secret,omitzero"`
	APIKeyUUID  c.Nullable[string] `json:"apiKeyUuid,omitzero"`
	WorkspaceID string             `json:"workspaceId"`
}

type updateAiLlmRequest struct {
	Name       c.Nullable[string] `json:"name,omitzero"`
	AIType     c.Nullable[string] `json:"aiType,omitzero"`
	Endpoint   c.Nullable[string] `json:"endpoint,omitzero"`
	Key        c.Nullable[string] `json:"key,omitzero"`
	Secret     c.Nullable[string] `json:"secret,omitzero"`
	APIKeyUUID c.Nullable[string] `json:"apiKeyUuid,omitzero"`
}

// The response types of the same file, as field specs.
var (
	aiLlmDTO = []c.Field{
		c.Req("id", c.String), c.Req("orgId", c.String), c.Req("workspaceId", c.String), c.Req("userId", c.String),
		c.Req("name", c.String), c.Req("aiType", c.String).OneOf(flashback.AITypes...), c.Req("endpoint", c.String),
		c.Req("key", c.String).OrNull(), c.Opt("apiKeyId", c.String), c.Req("createdAt", c.DateTime),
		c.Opt("repos", c.Array).Of(c.Req("id", c.String), c.Req("name", c.String), c.Req("createdAt", c.DateTime)),
	}
	getAiLlmsResponse     = []c.Field{c.Req("success", c.Bool), c.Req("aiLlms", c.Array).Of(aiLlmDTO...)}
	createAiLlmResponse   = []c.Field{c.Req("success", c.Bool), c.Req("aiLlmId", c.String), c.Opt("message", c.String)}
	deleteAiLlmResponse   = []c.Field{c.Req("success", c.Bool), c.Opt("message", c.String)}
	validateAiLlmResponse = []c.Field{c.Req("success", c.Bool), c.Req("message", c.String)}
	aiLlmStatsResponse    = []c.Field{c.Req("success", c.Bool), c.Req("stats", c.Array).Of(append(
		[]c.Field{c.Req("aiLlmId", c.String)}, statsCounters()...)...)}
	// errorEnvelope is what the client's HttpError carries as data.
	errorEnvelope = []c.Field{c.Req("success", c.Bool), c.Req("message", c.String)}
)

func statsCounters() []c.Field {
	var out []c.Field
	for _, name := range flashback.StatsCounters {
		out = append(out, c.Req(name, c.String))
	}
	return out
}

// TestConformsToFlashbackClient replays the client's calls (createAiLlm, getAiLlms,
// getAvailableAiLlms, updateAiLlm with explicit nulls, validateAiLlm, getAiLlmStats,
// deleteAiLlm) and checks every answer against the client's response types.
func TestConformsToFlashbackClient(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{})
	const workspace = "ws-conformance"
	apiKeyID := mockapi.NewUUID()

	// createAiLlm with the optional fields as the client can send them: key null, apiKeyUuid set.
	created := s.Do(http.MethodPost, "/ai/llm", createAiLlmRequest{
		Name: "conformance", AIType: "OPENAI", Endpoint: c.Value("https://api.openai.com/v1"),
		Key: c.Null[string](), Secret: c.Value("sk-flashback-conformance"), APIKeyUUID: c.Value(apiKeyID), WorkspaceID: workspace,
	}).Expect(t, "createAiLlm", http.StatusOK).Object(t)
	c.MustConform(t, "createAiLlm", created, createAiLlmResponse)
	id, _ := created["aiLlmId"].(string)
	// With apiKeyUuid, the client's type makes secret optional.
	viaKey := s.Do(http.MethodPost, "/ai/llm", createAiLlmRequest{
		Name: "by-stored-key", AIType: "ANTHROPIC", Endpoint: c.Value("https://api.anthropic.com"),
		APIKeyUUID: c.Value(apiKeyID), WorkspaceID: workspace,
	}).Expect(t, "createAiLlm without secret, with apiKeyUuid", http.StatusOK).Object(t)
	c.MustConform(t, "createAiLlm without secret", viaKey, createAiLlmResponse)

	find := func(step string, path string) map[string]any {
		t.Helper()
		list := s.Do(http.MethodGet, path, nil).Expect(t, step, http.StatusOK).Object(t)
		c.MustConform(t, step, list, getAiLlmsResponse)
		items, _ := list["aiLlms"].([]any)
		for _, item := range items {
			if obj, _ := item.(map[string]any); obj["id"] == id {
				return obj
			}
		}
		t.Fatalf("%s: %s is not listed: %v", step, id, list)
		return nil
	}
	dto := find("getAiLlms(workspaceId)", "/ai/llm?workspaceId="+workspace)
	if dto["apiKeyId"] != apiKeyID || dto["key"] != nil || dto["endpoint"] != "https://api.openai.com/v1" {
		t.Errorf("AiLlmDTO apiKeyId %v, key %v, endpoint %v", dto["apiKeyId"], dto["key"], dto["endpoint"])
	}
	find("getAiLlms()", "/ai/llm")
	find("getAvailableAiLlms", "/ai/llm/available")

	// updateAiLlm as the client sends a partial change: explicit nulls in the nullable fields.
	updated := s.Do(http.MethodPut, "/ai/llm/"+id, updateAiLlmRequest{
		Name: c.Value("conformance-2"), Endpoint: c.Null[string](), Key: c.Null[string](), Secret: c.Null[string](),
	}).Expect(t, "updateAiLlm", http.StatusOK).Object(t)
	c.MustConform(t, "updateAiLlm", updated, createAiLlmResponse)
	if updated["aiLlmId"] != id {
		t.Errorf("updateAiLlm answered aiLlmId %v, want %s", updated["aiLlmId"], id)
	}
	dto = find("getAiLlms after update", "/ai/llm?workspaceId="+workspace)
	if dto["name"] != "conformance-2" || dto["endpoint"] != "https://api.openai.com/v1" {
		t.Errorf("after a PUT with endpoint null: name %v, endpoint %v; want the new name and the endpoint unchanged", dto["name"], dto["endpoint"])
	}

	validated := s.Do(http.MethodPost, "/ai/llm/"+id+"/validate", nil).Expect(t, "validateAiLlm", http.StatusOK).Object(t)
	c.MustConform(t, "validateAiLlm", validated, validateAiLlmResponse)
	if validated["success"] != true {
		t.Errorf("validateAiLlm = %v, want success", validated)
	}
	if err := s.Mock.Flashback().SetValidation(id, false, "the OpenAI key was rejected"); err != nil {
		t.Fatal(err)
	}
	invalid := s.Do(http.MethodPost, "/ai/llm/"+id+"/validate", nil).Expect(t, "validateAiLlm (invalid)", http.StatusOK).Object(t)
	c.MustConform(t, "validateAiLlm (invalid)", invalid, validateAiLlmResponse)
	if invalid["success"] != false || invalid["message"] != "the OpenAI key was rejected" {
		t.Errorf("validateAiLlm of an invalid configuration = %v", invalid)
	}

	stats := s.Do(http.MethodGet, "/ai/llm/stats?aiLlmId="+id, nil).Expect(t, "getAiLlmStats", http.StatusOK).Object(t)
	c.MustConform(t, "getAiLlmStats", stats, aiLlmStatsResponse)
	if entries, _ := stats["stats"].([]any); len(entries) != 1 {
		t.Errorf("getAiLlmStats(%s) has %d entries, want 1", id, len(entries))
	}

	// deleteAiLlm is refused while a repository uses the configuration.
	repo, err := s.Mock.Flashback().AttachRepo(id, "payments-service")
	if err != nil {
		t.Fatal(err)
	}
	dto = find("getAiLlms with a repository", "/ai/llm?workspaceId="+workspace)
	if repos, _ := dto["repos"].([]any); len(repos) != 1 || repos[0].(map[string]any)["id"] != repo.ID {
		t.Errorf("repos = %v, want the attached repository %s", dto["repos"], repo.ID)
	}
	refused := s.Do(http.MethodDelete, "/ai/llm/"+id, nil).Expect(t, "deleteAiLlm in use", http.StatusForbidden).Object(t)
	c.MustConform(t, "deleteAiLlm in use", refused, errorEnvelope)
	if msg, _ := refused["message"].(string); refused["success"] != false || !strings.Contains(msg, "payments-service") {
		t.Errorf("refused delete = %v, want success false and a message naming the repository", refused)
	}
	if err := s.Mock.Flashback().DetachRepos(id); err != nil {
		t.Fatal(err)
	}
	deleted := s.Do(http.MethodDelete, "/ai/llm/"+id, nil).Expect(t, "deleteAiLlm", http.StatusOK).Object(t)
	c.MustConform(t, "deleteAiLlm", deleted, deleteAiLlmResponse)
	missing := s.Do(http.MethodPut, "/ai/llm/"+id, updateAiLlmRequest{Name: c.Value("x")}).Expect(t, "updateAiLlm of a deleted record", http.StatusNotFound).Object(t)
	c.MustConform(t, "404 envelope", missing, errorEnvelope)
}

// TestRepoControlEndpoint attaches a repository over HTTP, as a demo or another process would.
func TestRepoControlEndpoint(t *testing.T) {
	s := c.NewServer(t, mockserver.Modes{})
	id := s.Do(http.MethodPost, "/ai/llm", createAiLlmRequest{
		Name: "repo", AIType: "OTHER", Endpoint: c.Value("https://llm.example.com"), Secret: c.Value("s"), WorkspaceID: "ws",
	}).Expect(t, "create", http.StatusOK).Object(t)["aiLlmId"].(string)
	repo := s.Do(http.MethodPost, "/_mock/flashback/repos", map[string]string{"aiLlmId": id, "name": "billing"}).
		Expect(t, "attach", http.StatusCreated).Object(t)
	c.MustConform(t, "attached repository", repo, []c.Field{c.Req("id", c.String), c.Req("name", c.String), c.Req("createdAt", c.DateTime)})
	s.Do(http.MethodDelete, "/ai/llm/"+id, nil).Expect(t, "delete in use", http.StatusForbidden)
	s.Do(http.MethodPost, "/_mock/flashback/repos", map[string]string{"aiLlmId": "nope", "name": "x"}).Expect(t, "attach to unknown", http.StatusBadRequest)
	s.Do(http.MethodDelete, "/_mock/flashback/repos?aiLlmId="+id, nil).Expect(t, "detach", http.StatusNoContent)
	s.Do(http.MethodDelete, "/ai/llm/"+id, nil).Expect(t, "delete", http.StatusOK)
}
