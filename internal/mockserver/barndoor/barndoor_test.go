package barndoor_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/barndoor"
)

const (
	token           = "test-token"
	providersPath   = "/api/llm-gateway/admin/providers"
	connectionsPath = "/api/llm-gateway/admin/connections"
	secretKey       = "sk-barndoor-test-secret-0001"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// fake is one mock server over real HTTP.
type fake struct {
	t   *testing.T
	srv *httptest.Server
	ms  *mockserver.Server
}

func newFake(t *testing.T) *fake {
	t.Helper()
	ms := mockserver.New(token)
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	return &fake{t: t, srv: srv, ms: ms}
}

// response is one answer: the status, the raw body and the body decoded as JSON.
type response struct {
	status int
	raw    []byte
	body   any
}

// object returns the body as a JSON object, failing the test when it is not one.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	obj, ok := r.body.(map[string]any)
	if !ok {
		t.Fatalf("body is not a JSON object: %s", r.raw)
	}
	return obj
}

// do sends a request with the token. A string body is sent as is; anything else as JSON.
func (f *fake) do(method, path string, body any) response {
	f.t.Helper()
	return f.doWithAuth(method, path, body, "Bearer "+token)
}

func (f *fake) doWithAuth(method, path string, body any, auth string) response {
	f.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(f.t.Context(), method, f.srv.URL+path, reader)
	if err != nil {
		f.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	out := response{status: resp.StatusCode, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			f.t.Fatalf("%s %s: body is not JSON: %s", method, path, raw)
		}
	}
	return out
}

// create posts a provider and requires a 200.
func (f *fake) create(body map[string]any) map[string]any {
	f.t.Helper()
	resp := f.do(http.MethodPost, providersPath, body)
	if resp.status != http.StatusOK {
		f.t.Fatalf("create: status %d, body %s", resp.status, resp.raw)
	}
	return resp.object(f.t)
}

// put updates a provider and requires a 200.
func (f *fake) put(id string, body any) map[string]any {
	f.t.Helper()
	resp := f.do(http.MethodPut, providersPath+"/"+id, body)
	if resp.status != http.StatusOK {
		f.t.Fatalf("put: status %d, body %s", resp.status, resp.raw)
	}
	return resp.object(f.t)
}

// createConnection posts an openai connection and returns its id.
func (f *fake) createConnection(name string) string {
	f.t.Helper()
	resp := f.do(http.MethodPost, connectionsPath, map[string]any{
		"name": name, "model_provider": "openai", "base_url": "https://conn.example.com", "api_key": "sk-conn-" + name,
	})
	if resp.status != http.StatusOK {
		f.t.Fatalf("create connection: status %d, body %s", resp.status, resp.raw)
	}
	id, _ := resp.object(f.t)["id"].(string)
	return id
}

// expectError asserts the status and the envelope {"error":{"message","type"}}, and that the
// message contains want.
func expectError(t *testing.T, resp response, status int, typ, want string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d; body %s", resp.status, status, resp.raw)
	}
	obj := resp.object(t)
	if len(obj) != 1 {
		t.Errorf("envelope has keys other than error: %s", resp.raw)
	}
	inner, ok := obj["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", resp.raw)
	}
	if inner["type"] != typ {
		t.Errorf("error.type = %v, want %s", inner["type"], typ)
	}
	msg, _ := inner["message"].(string)
	if !strings.Contains(msg, want) {
		t.Errorf("error.message = %q, want it to contain %q", msg, want)
	}
}

func minimal(name string) map[string]any {
	return map[string]any{"name": name, "model_provider": "openai"}
}

func TestMatchClaimsOnlyBarndoorPaths(t *testing.T) {
	m := barndoor.New()
	for path, want := range map[string]bool{
		providersPath:                           true,
		providersPath + "/x":                    true,
		connectionsPath:                         true,
		connectionsPath + "/x":                  true,
		"/api/llm-gateway/admin/providersX":     false,
		"/api/llm-gateway/admin/model-mappings": false,
		"/api/v1/llm-provider/openai":           false,
		"/ai/llm":                               false,
		"/api/providers/":                       false,
		"/admin/providers":                      false,
	} {
		if got := m.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
	if m.Name() != "barndoor" {
		t.Errorf("Name() = %q", m.Name())
	}
}

func TestAuthErrorsUseEnvelope(t *testing.T) {
	f := newFake(t)
	for name, auth := range map[string]string{"missing": "", "wrong": "Bearer nope", "not bearer": token} {
		t.Run(name, func(t *testing.T) {
			resp := f.doWithAuth(http.MethodGet, providersPath, nil, auth)
			expectError(t, resp, http.StatusUnauthorized, "authentication_error", "bearer token")
		})
	}
}

func TestProviderLifecycle(t *testing.T) {
	f := newFake(t)
	created := f.create(map[string]any{
		"name": "OpenAI Production (US)", "model_provider": "openai", "api_key": secretKey,
		"settings": map[string]any{"region": "us"}, "request_timeout_secs": 120,
	})
	id, _ := created["id"].(string)
	if !uuidPattern.MatchString(id) {
		t.Fatalf("id %q is not a UUID v4", id)
	}
	orgID, _ := created["org_id"].(string)
	if !uuidPattern.MatchString(orgID) {
		t.Errorf("org_id %q is not a UUID v4", orgID)
	}
	want := map[string]any{
		"name": "OpenAI Production (US)", "model_provider": "openai", "auth_type": "bearer_api_key",
		"base_url": "https://api.openai.com", "enabled": true, "catalog_id": nil, "connection_id": nil,
		"request_timeout_secs": float64(120), "stream_idle_timeout_secs": nil, "catalog_slug": nil,
		"health_status": "unverified",
		"settings":      map[string]any{"region": "us", "model_api_family": "openai_chat"},
	}
	for k, v := range want {
		if !jsonEqual(created[k], v) {
			t.Errorf("created %s = %v, want %v", k, created[k], v)
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		s, _ := created[k].(string)
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s = %q is not RFC 3339", k, s)
		}
	}
	if created["created_at"] != created["updated_at"] {
		t.Errorf("a new provider has created_at %v != updated_at %v", created["created_at"], created["updated_at"])
	}

	got := f.do(http.MethodGet, providersPath+"/"+id, nil)
	if got.status != http.StatusOK || !jsonEqual(got.object(t), created) {
		t.Fatalf("get: status %d, body %s, want %v", got.status, got.raw, created)
	}

	list := f.do(http.MethodGet, providersPath, nil)
	items, ok := list.body.([]any)
	if list.status != http.StatusOK || !ok || len(items) != 1 || !jsonEqual(items[0], created) {
		t.Fatalf("list is not a bare array holding the provider: status %d, body %s", list.status, list.raw)
	}

	updated := f.put(id, map[string]any{"name": "renamed"})
	if updated["name"] != "renamed" || updated["created_at"] != created["created_at"] || updated["updated_at"] == created["updated_at"] {
		t.Errorf("update: name %v, created_at %v (was %v), updated_at %v (was %v)",
			updated["name"], updated["created_at"], created["created_at"], updated["updated_at"], created["updated_at"])
	}

	del := f.do(http.MethodDelete, providersPath+"/"+id, nil)
	if del.status != http.StatusOK || !jsonEqual(del.body, map[string]any{"deleted": true}) {
		t.Fatalf("delete: status %d, body %s", del.status, del.raw)
	}
	expectError(t, f.do(http.MethodGet, providersPath+"/"+id, nil), http.StatusNotFound, "not_found_error", "provider {id: "+id+"} not found")
	expectError(t, f.do(http.MethodDelete, providersPath+"/"+id, nil), http.StatusNotFound, "not_found_error", "provider {id: "+id+"} not found")
	if list := f.do(http.MethodGet, providersPath, nil); string(bytes.TrimSpace(list.raw)) != "[]" {
		t.Errorf("list after delete = %s, want []", list.raw)
	}
}

func TestSecretsNeverReturned(t *testing.T) {
	f := newFake(t)
	connID := f.createConnection("shared")
	p := f.create(map[string]any{"name": "p", "model_provider": "openai", "api_key": secretKey})
	id, _ := p["id"].(string)
	q := f.create(map[string]any{"name": "q", "model_provider": "bedrock", "credentials": map[string]any{"secret_access_key": secretKey}})
	qid, _ := q["id"].(string)
	f.put(id, map[string]any{"api_key": secretKey + "-rotated"})
	f.put(id, map[string]any{"connection_id": connID})
	for _, path := range []string{providersPath, providersPath + "/" + id, providersPath + "/" + qid, connectionsPath, connectionsPath + "/" + connID} {
		resp := f.do(http.MethodGet, path, nil)
		// secret_path is an opaque reference to the secret store, not a secret.
		raw := strings.ReplaceAll(string(resp.raw), `"secret_path"`, "")
		for _, leak := range []string{secretKey, "sk-conn-shared", `"api_key"`, `"credentials"`, `"secret`} {
			if strings.Contains(raw, leak) {
				t.Errorf("GET %s leaks %s: %s", path, leak, resp.raw)
			}
		}
	}
	conn := f.do(http.MethodGet, connectionsPath+"/"+connID, nil).object(t)
	if conn["key_last4"] != "ared" {
		t.Errorf("connection key_last4 = %v, want the last four characters of the key", conn["key_last4"])
	}
}

func TestCreateDefaultsPerModelProvider(t *testing.T) {
	f := newFake(t)
	cases := []struct {
		modelProvider, authType, baseURL, family string
	}{
		{"openai", "bearer_api_key", "https://api.openai.com", "openai_chat"},
		{"anthropic", "x_api_key", "https://api.anthropic.com", "anthropic_messages"},
		{"azure_openai", "azure_api_key", "https://openai.azure.com", "azure_openai"},
		{"bedrock", "aws_role", "https://bedrock-runtime.us-east-1.amazonaws.com", "bedrock_converse"},
		{"vertex", "google_adc", "https://aiplatform.googleapis.com", "vertex"},
		{"groq", "bearer_api_key", "https://api.groq.com/openai", "openai_chat"},
		{"deepseek", "bearer_api_key", "https://api.deepseek.com", "openai_chat"},
	}
	for _, c := range cases {
		t.Run(c.modelProvider, func(t *testing.T) {
			p := f.create(map[string]any{"name": "default-" + c.modelProvider, "model_provider": c.modelProvider})
			if p["auth_type"] != c.authType || p["base_url"] != c.baseURL {
				t.Errorf("auth_type %v, base_url %v; want %s, %s", p["auth_type"], p["base_url"], c.authType, c.baseURL)
			}
			settings, _ := p["settings"].(map[string]any)
			if settings["model_api_family"] != c.family {
				t.Errorf("settings = %v, want model_api_family %s", settings, c.family)
			}
		})
	}
	t.Run("auth_type is not validated", func(t *testing.T) {
		p := f.create(map[string]any{"name": "any-auth", "model_provider": "bedrock", "auth_type": "aws_static_credentials"})
		if p["auth_type"] != "aws_static_credentials" {
			t.Errorf("auth_type = %v", p["auth_type"])
		}
	})
	t.Run("custom needs base_url", func(t *testing.T) {
		expectError(t, f.do(http.MethodPost, providersPath, map[string]any{"name": "c", "model_provider": "custom"}),
			http.StatusBadRequest, "invalid_request_error", "base_url is required")
		p := f.create(map[string]any{"name": "c", "model_provider": "custom", "base_url": "http://localhost:8000/llm"})
		if p["base_url"] != "http://localhost:8000/llm" {
			t.Errorf("base_url = %v", p["base_url"])
		}
	})
	t.Run("models accepted and ignored", func(t *testing.T) {
		p := f.create(map[string]any{"name": "with-models", "model_provider": "openai", "models": []string{"gpt-4o"}})
		if _, ok := p["models"]; ok {
			t.Errorf("models echoed: %v", p)
		}
	})
}

func TestCreateRefusesEnabled(t *testing.T) {
	f := newFake(t)
	for _, enabled := range []bool{true, false} {
		body := minimal(fmt.Sprintf("enabled-%v", enabled))
		body["enabled"] = enabled
		expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", "`enabled`")
	}
	if list := f.do(http.MethodGet, providersPath, nil); string(bytes.TrimSpace(list.raw)) != "[]" {
		t.Fatalf("a refused create stored a provider: %s", list.raw)
	}
	// The documented way: create, then disable.
	p := f.create(minimal("two-step"))
	id, _ := p["id"].(string)
	if p["enabled"] != true {
		t.Fatalf("a new provider is not enabled: %v", p["enabled"])
	}
	if got := f.put(id, map[string]any{"enabled": false}); got["enabled"] != false {
		t.Fatalf("PUT enabled false answered enabled %v", got["enabled"])
	}
	if got := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t); got["enabled"] != false {
		t.Errorf("enabled after PUT = %v", got["enabled"])
	}
}

func TestSettingsEnrichment(t *testing.T) {
	f := newFake(t)
	t.Run("superset of what was sent", func(t *testing.T) {
		sent := map[string]any{"deployment": "gpt-4o-prod", "nested": map[string]any{"a": []any{1.0, "b"}}}
		p := f.create(map[string]any{"name": "azure", "model_provider": "azure_openai", "base_url": "https://acme.openai.azure.com", "settings": sent})
		settings, _ := p["settings"].(map[string]any)
		want := map[string]any{"deployment": "gpt-4o-prod", "nested": map[string]any{"a": []any{1.0, "b"}},
			"model_api_family": "azure_openai", "api_version": "2024-10-21"}
		if !jsonEqual(settings, want) {
			t.Errorf("settings = %v, want %v", settings, want)
		}
	})
	t.Run("bedrock external_id", func(t *testing.T) {
		p := f.create(map[string]any{"name": "bedrock", "model_provider": "bedrock", "settings": map[string]any{"region": "eu-west-1"}})
		settings, _ := p["settings"].(map[string]any)
		ext, _ := settings["external_id"].(string)
		if !uuidPattern.MatchString(ext) || settings["region"] != "eu-west-1" || settings["model_api_family"] != "bedrock_converse" {
			t.Errorf("settings = %v", settings)
		}
		id, _ := p["id"].(string)
		again := f.put(id, map[string]any{"settings": map[string]any{"region": "us-east-1"}})
		settings2, _ := again["settings"].(map[string]any)
		if settings2["external_id"] != ext || settings2["region"] != "us-east-1" {
			t.Errorf("after PUT settings = %v, want the same external_id %s and region us-east-1", settings2, ext)
		}
	})
	t.Run("a user value for a server key wins", func(t *testing.T) {
		p := f.create(map[string]any{"name": "override", "model_provider": "openai", "settings": map[string]any{"model_api_family": "openai_responses"}})
		settings, _ := p["settings"].(map[string]any)
		if !jsonEqual(settings, map[string]any{"model_api_family": "openai_responses"}) {
			t.Errorf("settings = %v", settings)
		}
	})
	t.Run("PUT replaces the user's keys and keeps the derived ones", func(t *testing.T) {
		p := f.create(map[string]any{"name": "replace", "model_provider": "anthropic", "settings": map[string]any{"a": 1, "b": 2}})
		id, _ := p["id"].(string)
		got := f.put(id, map[string]any{"settings": map[string]any{"c": 3}})
		if !jsonEqual(got["settings"], map[string]any{"c": 3.0, "model_api_family": "anthropic_messages"}) {
			t.Errorf("settings = %v", got["settings"])
		}
		got = f.put(id, map[string]any{"settings": nil})
		if !jsonEqual(got["settings"], map[string]any{"model_api_family": "anthropic_messages"}) {
			t.Errorf("settings after null = %v", got["settings"])
		}
		got = f.put(id, map[string]any{"name": "replace-2"})
		if !jsonEqual(got["settings"], map[string]any{"model_api_family": "anthropic_messages"}) {
			t.Errorf("settings changed by a PUT without settings: %v", got["settings"])
		}
	})
	t.Run("null or omitted is empty", func(t *testing.T) {
		p := f.create(map[string]any{"name": "null-settings", "model_provider": "xai", "settings": nil})
		if !jsonEqual(p["settings"], map[string]any{"model_api_family": "openai_chat"}) {
			t.Errorf("settings = %v", p["settings"])
		}
	})
	t.Run("non-object refused", func(t *testing.T) {
		for _, bad := range []any{"x", 1, []any{}, true} {
			expectError(t, f.do(http.MethodPost, providersPath, map[string]any{"name": "bad", "model_provider": "openai", "settings": bad}),
				http.StatusBadRequest, "invalid_request_error", "settings must be a JSON object")
		}
		p := f.create(minimal("object-only"))
		id, _ := p["id"].(string)
		expectError(t, f.do(http.MethodPut, providersPath+"/"+id, map[string]any{"settings": "x"}),
			http.StatusBadRequest, "invalid_request_error", "settings must be a JSON object")
	})
}

func TestNameUniqueIgnoringCase(t *testing.T) {
	f := newFake(t)
	first := f.create(minimal("OpenAI Prod"))
	firstID, _ := first["id"].(string)
	expectError(t, f.do(http.MethodPost, providersPath, minimal("openai PROD")), http.StatusConflict, "conflict_error", "already exists")
	second := f.create(minimal("other"))
	secondID, _ := second["id"].(string)
	expectError(t, f.do(http.MethodPut, providersPath+"/"+secondID, map[string]any{"name": "OPENAI prod"}), http.StatusConflict, "conflict_error", "already exists")
	if got := f.do(http.MethodGet, providersPath+"/"+secondID, nil).object(t); got["name"] != "other" {
		t.Errorf("a refused rename changed the name to %v", got["name"])
	}
	// Renaming a provider to another case of its own name is not a clash.
	if got := f.put(firstID, map[string]any{"name": "OPENAI PROD"}); got["name"] != "OPENAI PROD" {
		t.Errorf("rename to own name in other case = %v", got["name"])
	}
}

func TestConnectionIDAndExplicitNull(t *testing.T) {
	f := newFake(t)
	connResp := f.do(http.MethodPost, connectionsPath, map[string]any{
		"name": "shared-openai", "model_provider": "openai", "base_url": "https://proxy.example.com/openai",
		"auth_type": "bearer_api_key", "api_key": "sk-conn-0042",
	})
	conn := connResp.object(t)
	connID, _ := conn["id"].(string)
	if connResp.status != http.StatusOK || !uuidPattern.MatchString(connID) {
		t.Fatalf("create connection: %d %s", connResp.status, connResp.raw)
	}

	t.Run("connection must exist", func(t *testing.T) {
		body := minimal("dangling")
		body["connection_id"] = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
		expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", "does not reference a connection")
		body["connection_id"] = "not-a-uuid"
		expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", "connection_id must be a UUID")
	})
	t.Run("auth_type and connection_id together refused on create", func(t *testing.T) {
		body := minimal("both")
		body["connection_id"], body["auth_type"] = connID, "bearer_api_key"
		expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", "auth_type cannot be set together with connection_id")
	})

	body := minimal("bound")
	body["connection_id"] = connID
	p := f.create(body)
	id, _ := p["id"].(string)
	if p["connection_id"] != connID || p["auth_type"] != "bearer_api_key" || p["base_url"] != "https://proxy.example.com/openai" {
		t.Fatalf("bound provider = %v, want the connection's id, auth_type and base_url", p)
	}

	t.Run("explicit null needs a secret", func(t *testing.T) {
		expectError(t, f.do(http.MethodPut, providersPath+"/"+id, map[string]any{"connection_id": nil}),
			http.StatusBadRequest, "invalid_request_error", "send api_key or credentials")
		expectError(t, f.do(http.MethodPut, providersPath+"/"+id, map[string]any{"connection_id": nil, "credentials": map[string]any{}}),
			http.StatusBadRequest, "invalid_request_error", "send api_key or credentials")
		if got := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t); got["connection_id"] != connID {
			t.Fatalf("a refused detach changed connection_id to %v", got["connection_id"])
		}
	})
	t.Run("explicit null detaches", func(t *testing.T) {
		got := f.put(id, map[string]any{"connection_id": nil, "api_key": secretKey})
		if got["connection_id"] != nil {
			t.Fatalf("connection_id = %v, want null", got["connection_id"])
		}
		if v, ok := got["connection_id"]; !ok || v != nil {
			t.Errorf("connection_id must be present as null, got %v (present %v)", v, ok)
		}
	})
	t.Run("reattach re-checks existence", func(t *testing.T) {
		expectError(t, f.do(http.MethodPut, providersPath+"/"+id, map[string]any{"connection_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"}),
			http.StatusBadRequest, "invalid_request_error", "does not reference a connection")
		got := f.put(id, map[string]any{"connection_id": connID})
		if got["connection_id"] != connID {
			t.Errorf("connection_id = %v", got["connection_id"])
		}
	})
}

func TestTimeoutRangesAndNullClears(t *testing.T) {
	f := newFake(t)
	cases := []struct {
		field string
		value any
		ok    bool
	}{
		{"request_timeout_secs", 0, false},
		{"request_timeout_secs", 1, true},
		{"request_timeout_secs", 3600, true},
		{"request_timeout_secs", 3601, false},
		{"request_timeout_secs", -5, false},
		{"request_timeout_secs", 1.5, false},
		{"request_timeout_secs", "60", false},
		{"stream_idle_timeout_secs", 0, false},
		{"stream_idle_timeout_secs", 1, true},
		{"stream_idle_timeout_secs", 1800, true},
		{"stream_idle_timeout_secs", 1801, false},
		{"stream_idle_timeout_secs", true, false},
	}
	base := f.create(minimal("timeouts"))
	id, _ := base["id"].(string)
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s=%v", c.field, c.value), func(t *testing.T) {
			body := minimal(fmt.Sprintf("t%d", i))
			body[c.field] = c.value
			create := f.do(http.MethodPost, providersPath, body)
			update := f.do(http.MethodPut, providersPath+"/"+id, map[string]any{c.field: c.value})
			for name, resp := range map[string]response{"create": create, "update": update} {
				if !c.ok {
					expectError(t, resp, http.StatusBadRequest, "invalid_request_error", c.field+" must be an integer between")
					continue
				}
				if resp.status != http.StatusOK || !jsonEqual(resp.object(t)[c.field], c.value) {
					t.Errorf("%s: status %d, %s = %v, want %v", name, resp.status, c.field, resp.object(t)[c.field], c.value)
				}
			}
		})
	}
	t.Run("omitted unchanged, null clears", func(t *testing.T) {
		f.put(id, map[string]any{"request_timeout_secs": 1800, "stream_idle_timeout_secs": 900})
		got := f.put(id, map[string]any{"name": "timeouts-renamed"})
		if !jsonEqual(got["request_timeout_secs"], 1800) || !jsonEqual(got["stream_idle_timeout_secs"], 900) {
			t.Fatalf("a PUT without timeouts changed them: %v, %v", got["request_timeout_secs"], got["stream_idle_timeout_secs"])
		}
		got = f.put(id, map[string]any{"request_timeout_secs": nil})
		if got["request_timeout_secs"] != nil || !jsonEqual(got["stream_idle_timeout_secs"], 900) {
			t.Fatalf("after clearing request_timeout_secs: %v, %v", got["request_timeout_secs"], got["stream_idle_timeout_secs"])
		}
		got = f.put(id, map[string]any{"stream_idle_timeout_secs": nil})
		if got["stream_idle_timeout_secs"] != nil {
			t.Fatalf("stream_idle_timeout_secs = %v, want null", got["stream_idle_timeout_secs"])
		}
	})
}

func TestBaseURLRules(t *testing.T) {
	f := newFake(t)
	compatible := []string{"openai", "anthropic", "groq", "together", "mistral", "cohere", "xai", "fireworks", "perplexity", "openrouter", "deepseek", "custom"}
	for _, mp := range compatible {
		for _, suffix := range []string{"/v1", "/v1/"} {
			body := map[string]any{"name": "v1-" + mp, "model_provider": mp, "base_url": "https://gw.example.com/" + mp + suffix}
			expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", "must not end in /v1")
		}
	}
	for _, mp := range []string{"azure_openai", "bedrock", "vertex", "google_ai"} {
		p := f.create(map[string]any{"name": "v1-ok-" + mp, "model_provider": mp, "base_url": "https://gw.example.com/v1"})
		if p["base_url"] != "https://gw.example.com/v1" {
			t.Errorf("%s base_url = %v", mp, p["base_url"])
		}
	}
	// /v1 inside the path, or /v10, is fine.
	f.create(map[string]any{"name": "v1-inside", "model_provider": "openai", "base_url": "https://gw.example.com/v1/openai"})
	f.create(map[string]any{"name": "v10", "model_provider": "openai", "base_url": "https://gw.example.com/v10"})
	for _, bad := range []any{"gw.example.com", "ftp://gw.example.com", "/relative", "", 42} {
		resp := f.do(http.MethodPost, providersPath, map[string]any{"name": "bad-url", "model_provider": "openai", "base_url": bad})
		expectError(t, resp, http.StatusBadRequest, "invalid_request_error", "base_url must be")
	}
	p := f.create(minimal("put-v1"))
	id, _ := p["id"].(string)
	expectError(t, f.do(http.MethodPut, providersPath+"/"+id, map[string]any{"base_url": "https://api.openai.com/v1"}),
		http.StatusBadRequest, "invalid_request_error", "must not end in /v1")
	if got := f.put(id, map[string]any{"base_url": "https://proxy.example.com"}); got["base_url"] != "https://proxy.example.com" {
		t.Errorf("base_url = %v", got["base_url"])
	}
}

func TestCatalogSlugDerived(t *testing.T) {
	f := newFake(t)
	p := f.create(map[string]any{"name": "cat", "model_provider": "anthropic", "catalog_id": "3C90C3CC-0d44-4b50-8888-8dd25736052a"})
	if p["catalog_id"] != "3c90c3cc-0d44-4b50-8888-8dd25736052a" || p["catalog_slug"] != "anthropic-3c90c3cc" {
		t.Errorf("catalog_id %v, catalog_slug %v", p["catalog_id"], p["catalog_slug"])
	}
	expectError(t, f.do(http.MethodPost, providersPath, map[string]any{"name": "cat2", "model_provider": "openai", "catalog_id": "nope"}),
		http.StatusBadRequest, "invalid_request_error", "catalog_id must be a UUID")
}

func TestImmutableFieldsInPut(t *testing.T) {
	f := newFake(t)
	p := f.create(minimal("immutable"))
	id, _ := p["id"].(string)
	for _, body := range []map[string]any{
		{"model_provider": "anthropic"},
		{"model_provider": "openai"},
		{"catalog_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"},
		{"name": "x", "catalog_id": nil},
	} {
		var field string
		for k := range body {
			if k != "name" {
				field = k
			}
		}
		expectError(t, f.do(http.MethodPut, providersPath+"/"+id, body), http.StatusBadRequest, "invalid_request_error", field+" cannot be changed")
	}
	if got := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t); got["name"] != "immutable" || got["model_provider"] != "openai" {
		t.Errorf("a refused PUT changed the provider: %v", got)
	}
}

func TestCreateValidation(t *testing.T) {
	f := newFake(t)
	cases := []struct {
		name string
		body any
		want string
	}{
		{"not an object", `[1,2]`, "must be a JSON object"},
		{"not JSON", `{"name":`, "must be a JSON object"},
		{"empty body", ``, "must be a JSON object"},
		{"missing name", map[string]any{"model_provider": "openai"}, "name is required"},
		{"null name", map[string]any{"name": nil, "model_provider": "openai"}, "name is required"},
		{"blank name", map[string]any{"name": "  ", "model_provider": "openai"}, "name must not be empty"},
		{"name not a string", map[string]any{"name": 7, "model_provider": "openai"}, "name must be a string"},
		{"missing model_provider", map[string]any{"name": "x"}, "model_provider is required"},
		{"unknown model_provider", map[string]any{"name": "x", "model_provider": "OpenAI"}, "unknown model_provider"},
		{"azure_foundry not in the documented enum", map[string]any{"name": "x", "model_provider": "azure_foundry"}, "unknown model_provider"},
		{"api_key and credentials", map[string]any{"name": "x", "model_provider": "openai", "api_key": "k", "credentials": map[string]any{"a": "b"}}, "mutually exclusive"},
		{"api_key not a string", map[string]any{"name": "x", "model_provider": "openai", "api_key": 1}, "api_key must be a string"},
		{"credentials not an object", map[string]any{"name": "x", "model_provider": "openai", "credentials": "k"}, "credentials must be a JSON object"},
		{"auth_type not a string", map[string]any{"name": "x", "model_provider": "openai", "auth_type": false}, "auth_type must be a string"},
		{"models not strings", map[string]any{"name": "x", "model_provider": "openai", "models": []any{1}}, "models must be an array of strings"},
		{"unknown field", map[string]any{"name": "x", "model_provider": "openai", "billing": "x"}, "unknown field `billing`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expectError(t, f.do(http.MethodPost, providersPath, c.body), http.StatusBadRequest, "invalid_request_error", c.want)
		})
	}
	if list := f.do(http.MethodGet, providersPath, nil); string(bytes.TrimSpace(list.raw)) != "[]" {
		t.Fatalf("refused creates stored providers: %s", list.raw)
	}
}

func TestUpdateValidationLeavesProviderUnchanged(t *testing.T) {
	f := newFake(t)
	p := f.create(map[string]any{"name": "keep", "model_provider": "openai", "request_timeout_secs": 30})
	id, _ := p["id"].(string)
	cases := []struct {
		name string
		body any
		want string
	}{
		{"not an object", `"x"`, "must be a JSON object"},
		{"enabled not a bool", map[string]any{"enabled": "false"}, "enabled must be a boolean"},
		{"blank name", map[string]any{"name": ""}, "name must not be empty"},
		{"blank auth_type", map[string]any{"auth_type": ""}, "auth_type must not be empty"},
		{"api_key and credentials", map[string]any{"api_key": "k", "credentials": map[string]any{"a": "b"}}, "mutually exclusive"},
		{"connection_id not a UUID", map[string]any{"connection_id": "x"}, "connection_id must be a UUID"},
		{"unknown field", map[string]any{"models": []string{"a"}}, "unknown field `models`"},
		// One bad field refuses the whole request: the valid name is not applied either.
		{"valid and invalid together", map[string]any{"name": "changed", "request_timeout_secs": 0}, "request_timeout_secs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expectError(t, f.do(http.MethodPut, providersPath+"/"+id, c.body), http.StatusBadRequest, "invalid_request_error", c.want)
		})
	}
	got := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t)
	if !jsonEqual(got, p) {
		t.Errorf("refused updates changed the provider:\n got %v\nwant %v", got, p)
	}
}

// TestUpdateNullLeavesNonNullableFieldsUnchanged follows the SDK's UpdateProviderRequest: its
// client sends an explicit null for an unset field, and the server reads a null in a field that
// cannot be cleared as "leave it unchanged".
func TestUpdateNullLeavesNonNullableFieldsUnchanged(t *testing.T) {
	f := newFake(t)
	p := f.create(map[string]any{"name": "keep", "model_provider": "openai", "model_sync_mode": "additive"})
	id, _ := p["id"].(string)
	got := f.put(id, map[string]any{
		"name": nil, "base_url": nil, "auth_type": nil, "api_key": nil, "credentials": nil, "enabled": nil,
		"enforce_health_check": nil, "billing_mode": nil, "model_sync_mode": nil,
	})
	for _, k := range []string{"name", "base_url", "auth_type", "enabled", "enforce_health_check", "billing_mode", "model_sync_mode", "secret_path"} {
		if !jsonEqual(got[k], p[k]) {
			t.Errorf("%s = %v after a null, want it unchanged (%v)", k, got[k], p[k])
		}
	}
}

func TestPartialUpdateKeepsOmittedFields(t *testing.T) {
	f := newFake(t)
	connID := f.createConnection("c")
	body := map[string]any{
		"name": "partial", "model_provider": "openai", "connection_id": connID, "base_url": "https://proxy.example.com",
		"settings": map[string]any{"k": "v"}, "request_timeout_secs": 100, "stream_idle_timeout_secs": 50,
	}
	p := f.create(body)
	id, _ := p["id"].(string)
	steps := []map[string]any{
		{"enabled": false},
		{"auth_type": "custom_header"},
		{"name": "partial-2"},
		{"api_key": "sk-new-key-123"},
		{},
	}
	want := p
	for _, step := range steps {
		got := f.put(id, step)
		next := map[string]any{}
		for k, v := range want {
			next[k] = v
		}
		for k, v := range step {
			if k != "api_key" {
				next[k] = v
			}
		}
		next["updated_at"] = got["updated_at"]
		if !jsonEqual(got, next) {
			t.Fatalf("after PUT %v:\n got %v\nwant %v", step, got, next)
		}
		if got["updated_at"] == want["updated_at"] {
			t.Errorf("updated_at did not change on PUT %v", step)
		}
		want = got
	}
}

func TestUpdatedAtChangesOnEveryPut(t *testing.T) {
	f := newFake(t)
	p := f.create(minimal("stamps"))
	id, _ := p["id"].(string)
	seen := map[any]bool{p["updated_at"]: true}
	prev, _ := p["updated_at"].(string)
	for range 20 {
		got := f.put(id, map[string]any{})
		stamp, _ := got["updated_at"].(string)
		if seen[stamp] || stamp <= prev {
			t.Fatalf("updated_at %s is not later than %s", stamp, prev)
		}
		seen[stamp], prev = true, stamp
	}
}

func TestNotFoundAndBadIDs(t *testing.T) {
	f := newFake(t)
	missing := "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		var body any
		if method == http.MethodPut {
			body = map[string]any{"name": "x"}
		}
		expectError(t, f.do(method, providersPath+"/"+missing, body), http.StatusNotFound, "not_found_error", "provider {id: "+missing+"} not found")
		expectError(t, f.do(method, providersPath+"/not-a-uuid", body), http.StatusBadRequest, "invalid_request_error", "expected a UUID")
		expectError(t, f.do(method, connectionsPath+"/"+missing, body), http.StatusNotFound, "not_found_error", "connection {id: "+missing+"} not found")
	}
	expectError(t, f.do(http.MethodGet, providersPath+"/"+missing+"/extra", nil), http.StatusNotFound, "not_found_error", "no route")
	expectError(t, f.do(http.MethodPatch, providersPath+"/"+missing, map[string]any{}), http.StatusMethodNotAllowed, "invalid_request_error", "not allowed")
	expectError(t, f.do(http.MethodDelete, providersPath, nil), http.StatusMethodNotAllowed, "invalid_request_error", "not allowed")
}

// TestSeedExamplePut sends the seed's example body of PUT /admin/providers/{id}, with its
// placeholders filled in, and checks the answer has the seed's response shape.
// newerProviderFields are the response fields api-notes takes from the vendor's newer code, beyond
// the seed's; billing_reason and billing_note are omitted while null.
var newerProviderFields = []string{
	"enforce_health_check", "billing_mode", "billing_reason", "billing_note", "health_status", "health_detail",
	"health_checked_at", "secret_path", "created_at", "updated_at", "model_sync_mode", "last_change_note",
}

func TestSeedExamplePut(t *testing.T) {
	f := newFake(t)
	connID := f.createConnection("seed-connection")
	p := f.create(map[string]any{"name": "seed", "model_provider": "openai", "catalog_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"})
	id, _ := p["id"].(string)
	seedBody := fmt.Sprintf(`{
  "name": "OpenAI Production (US)",
  "base_url": "https://api.openai.com",
  "auth_type": "api_key",
  "api_key": "%s",
  "credentials": {},
  "enabled": true,
  "settings": {},
  "connection_id": "%s",
  "request_timeout_secs": 1800,
  "stream_idle_timeout_secs": 900
}`, secretKey, connID)
	resp := f.do(http.MethodPut, providersPath+"/"+id, seedBody)
	if resp.status != http.StatusOK {
		t.Fatalf("status %d, body %s", resp.status, resp.raw)
	}
	got := resp.object(t)
	// The seed's response, with its placeholders resolved to what this request sets.
	want := map[string]any{
		"id": id, "org_id": p["org_id"], "name": "OpenAI Production (US)", "model_provider": "openai",
		"auth_type": "api_key", "base_url": "https://api.openai.com", "enabled": true,
		"settings":   map[string]any{"model_api_family": "openai_chat"},
		"catalog_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "connection_id": connID,
		"request_timeout_secs": 1800.0, "stream_idle_timeout_secs": 900.0, "catalog_slug": "openai-3c90c3cc",
	}
	for k, v := range want {
		if !jsonEqual(got[k], v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	// Beyond the seed's fields, only the documented newer ones appear.
	for k := range got {
		if _, ok := want[k]; !ok && !slices.Contains(newerProviderFields, k) {
			t.Errorf("unexpected field %s in %s", k, resp.raw)
		}
	}
	if strings.Contains(string(resp.raw), secretKey) {
		t.Errorf("the answer echoes the api_key: %s", resp.raw)
	}
}

func TestConnectionsLifecycleAndDeleteConflict(t *testing.T) {
	f := newFake(t)
	resp := f.do(http.MethodPost, connectionsPath, map[string]any{
		"name": "bedrock-role", "model_provider": "bedrock", "base_url": "https://bedrock-runtime.eu-west-1.amazonaws.com",
		"settings": map[string]any{"region": "eu-west-1"}, "credentials": map[string]any{"access_key_id": "AKIA", "secret_access_key": secretKey},
	})
	conn := resp.object(t)
	connID, _ := conn["id"].(string)
	if resp.status != http.StatusOK || conn["auth_type"] != "aws_role" || conn["key_last4"] != nil || !jsonEqual(conn["settings"], map[string]any{"region": "eu-west-1"}) {
		t.Fatalf("create connection: %d %s", resp.status, resp.raw)
	}
	for _, k := range []string{"id", "org_id", "name", "model_provider", "auth_type", "base_url", "settings", "key_last4", "created_at", "updated_at"} {
		if _, ok := conn[k]; !ok {
			t.Errorf("connection lacks %s: %s", k, resp.raw)
		}
	}
	expectError(t, f.do(http.MethodPost, connectionsPath, map[string]any{"name": "BEDROCK-ROLE", "model_provider": "bedrock", "base_url": "https://x.example.com"}),
		http.StatusConflict, "conflict_error", "already exists")
	expectError(t, f.do(http.MethodPost, connectionsPath, map[string]any{"name": "no-url", "model_provider": "bedrock"}),
		http.StatusBadRequest, "invalid_request_error", "base_url is required")
	expectError(t, f.do(http.MethodPut, connectionsPath+"/"+connID, map[string]any{"model_provider": "openai"}),
		http.StatusBadRequest, "invalid_request_error", "model_provider cannot be changed")

	upd := f.do(http.MethodPut, connectionsPath+"/"+connID, map[string]any{"api_key": "bedrock-api-key-9876", "auth_type": "bedrock_api_key"}).object(t)
	if upd["key_last4"] != "9876" || upd["auth_type"] != "bedrock_api_key" || upd["name"] != "bedrock-role" {
		t.Errorf("update connection = %v", upd)
	}
	list := f.do(http.MethodGet, connectionsPath, nil)
	if items, ok := list.body.([]any); !ok || len(items) != 1 {
		t.Errorf("connection list = %s", list.raw)
	}

	body := map[string]any{"name": "uses-conn", "model_provider": "bedrock", "connection_id": connID}
	p := f.create(body)
	id, _ := p["id"].(string)
	if p["auth_type"] != "bedrock_api_key" {
		t.Errorf("provider auth_type = %v, want the connection's", p["auth_type"])
	}
	expectError(t, f.do(http.MethodDelete, connectionsPath+"/"+connID, nil), http.StatusConflict, "conflict_error", "uses-conn")
	f.put(id, map[string]any{"connection_id": nil, "api_key": "direct-key-1"})
	del := f.do(http.MethodDelete, connectionsPath+"/"+connID, nil)
	if del.status != http.StatusOK || !jsonEqual(del.body, map[string]any{"deleted": true}) {
		t.Fatalf("delete connection after detach: %d %s", del.status, del.raw)
	}
	expectError(t, f.do(http.MethodDelete, connectionsPath+"/"+connID, nil), http.StatusNotFound, "not_found_error", "not found")

	// Deleting the referencing provider frees the connection too.
	other := f.createConnection("other")
	body = minimal("uses-other")
	body["connection_id"] = other
	q := f.create(body)
	qid, _ := q["id"].(string)
	expectError(t, f.do(http.MethodDelete, connectionsPath+"/"+other, nil), http.StatusConflict, "conflict_error", "still referenced")
	f.do(http.MethodDelete, providersPath+"/"+qid, nil)
	if del := f.do(http.MethodDelete, connectionsPath+"/"+other, nil); del.status != http.StatusOK {
		t.Errorf("delete after the provider is gone: %d %s", del.status, del.raw)
	}
}

func TestInjectedFaultsUseEnvelope(t *testing.T) {
	f := newFake(t)
	cases := []struct {
		status int
		typ    string
	}{
		{http.StatusForbidden, "permission_error"},
		{http.StatusTooManyRequests, "rate_limit_error"},
		{http.StatusInternalServerError, "api_error"},
		{http.StatusServiceUnavailable, "api_error"},
	}
	for _, c := range cases {
		if err := f.ms.SetFaults([]mockserver.FaultRule{{Path: providersPath, Status: c.status, Count: 1}}); err != nil {
			t.Fatal(err)
		}
		expectError(t, f.do(http.MethodGet, providersPath, nil), c.status, c.typ, "injected fault")
	}
}

func TestListKeepsCreationOrderAndResetEmpties(t *testing.T) {
	f := newFake(t)
	var want []string
	for i := range 5 {
		p := f.create(minimal(fmt.Sprintf("order-%d", 4-i)))
		id, _ := p["id"].(string)
		want = append(want, id)
	}
	list := f.do(http.MethodGet, providersPath, nil)
	items, _ := list.body.([]any)
	var got []string
	for _, it := range items {
		obj, _ := it.(map[string]any)
		id, _ := obj["id"].(string)
		got = append(got, id)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("list order = %v, want %v", got, want)
	}
	f.createConnection("c")
	f.ms.Reset()
	for _, path := range []string{providersPath, connectionsPath} {
		if resp := f.do(http.MethodGet, path, nil); string(bytes.TrimSpace(resp.raw)) != "[]" {
			t.Errorf("%s after reset = %s", path, resp.raw)
		}
	}
}

func TestJournalRecordsBarndoorRequests(t *testing.T) {
	f := newFake(t)
	f.create(minimal("journaled"))
	entries := f.ms.Requests()
	if len(entries) != 1 || entries[0].Platform != "barndoor" || entries[0].Path != providersPath || entries[0].Status != http.StatusOK {
		t.Fatalf("journal = %+v", entries)
	}
	if !jsonEqual(rawJSON(t, entries[0].Body), minimal("journaled")) {
		t.Errorf("journaled body = %s", entries[0].Body)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFake(t)
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan string, workers*10)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				name := fmt.Sprintf("w%d-%d", w, i)
				resp := f.do(http.MethodPost, providersPath, minimal(name))
				if resp.status != http.StatusOK {
					errs <- fmt.Sprintf("create %s: %d %s", name, resp.status, resp.raw)
					continue
				}
				obj, _ := resp.body.(map[string]any)
				id, _ := obj["id"].(string)
				if resp := f.do(http.MethodPut, providersPath+"/"+id, map[string]any{"name": name + "-x", "request_timeout_secs": i + 1}); resp.status != http.StatusOK {
					errs <- fmt.Sprintf("update %s: %d %s", name, resp.status, resp.raw)
				}
				got := f.do(http.MethodGet, providersPath+"/"+id, nil)
				if obj, _ := got.body.(map[string]any); got.status != http.StatusOK || obj["name"] != name+"-x" {
					errs <- fmt.Sprintf("get %s: %d %s", name, got.status, got.raw)
				}
				f.do(http.MethodGet, providersPath, nil)
				if i%2 == 0 {
					if resp := f.do(http.MethodDelete, providersPath+"/"+id, nil); resp.status != http.StatusOK {
						errs <- fmt.Sprintf("delete %s: %d %s", name, resp.status, resp.raw)
					}
				}
			}
			// Everyone races for the same name: exactly one wins.
			f.do(http.MethodPost, providersPath, minimal("contended"))
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	list := f.do(http.MethodGet, providersPath, nil)
	items, _ := list.body.([]any)
	// Each worker keeps the providers of i = 1 and 3, plus one "contended" overall.
	if len(items) != workers*2+1 {
		t.Errorf("list holds %d providers, want %d", len(items), workers*2+1)
	}
}

// jsonEqual compares two values after a JSON round trip, so 3 and 3.0 compare equal.
func jsonEqual(a, b any) bool {
	na, errA := normalize(a)
	nb, errB := normalize(b)
	if errA != nil || errB != nil {
		return false
	}
	ja, _ := json.Marshal(na)
	jb, _ := json.Marshal(nb)
	return bytes.Equal(ja, jb)
}

func normalize(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(data, &out)
	return out, err
}

func rawJSON(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
