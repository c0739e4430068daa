package refactor_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/refactor"
)

const testToken = "test-token"

// fixture is one mock server reachable over HTTP.
type fixture struct {
	t   *testing.T
	srv *mockserver.Server
	url string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := mockserver.New(testToken)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{t: t, srv: srv, url: ts.URL}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    string
	body   any
}

// object returns the body as a JSON object, failing the test otherwise.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	obj, ok := r.body.(map[string]any)
	if !ok {
		t.Fatalf("body is not a JSON object: %s", r.raw)
	}
	return obj
}

func (f *fixture) call(method, path, body string) response {
	f.t.Helper()
	return f.callWithAuth(method, path, body, "Bearer "+testToken)
}

func (f *fixture) callWithAuth(method, path, body, auth string) response {
	f.t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.url+path, reader)
	if err != nil {
		f.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	if err := json.Unmarshal(data, &out.body); err != nil {
		f.t.Fatalf("%s %s answered a body that is not JSON: %q", method, path, data)
	}
	return out
}

// mustCreate creates a configuration and fails the test unless it answers 200.
func (f *fixture) mustCreate(body string) {
	f.t.Helper()
	resp := f.call(http.MethodPost, "/api/v1/llm-providers", body)
	if resp.status != http.StatusOK {
		f.t.Fatalf("create %s: status %d, body %s", body, resp.status, resp.raw)
	}
}

// assertEnvelope checks the status and the {"error":{"code","message"}} envelope.
func assertEnvelope(t *testing.T, resp response, status int, code, messageContains string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d (body %s)", resp.status, status, resp.raw)
	}
	obj := resp.object(t)
	if len(obj) != 1 {
		t.Fatalf("envelope has keys other than error: %s", resp.raw)
	}
	inner, ok := obj["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error object in %s", resp.raw)
	}
	if inner["code"] != code {
		t.Errorf("error.code = %v, want %s (body %s)", inner["code"], code, resp.raw)
	}
	message, _ := inner["message"].(string)
	if message == "" || !strings.Contains(message, messageContains) {
		t.Errorf("error.message = %q, want it to contain %q", message, messageContains)
	}
}

func assertJSON(t *testing.T, resp response, want string) {
	t.Helper()
	var wantValue any
	if err := json.Unmarshal([]byte(want), &wantValue); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resp.body, wantValue) {
		t.Errorf("body = %s, want %s", strings.TrimSpace(resp.raw), want)
	}
}

func TestCreateAnswersMaskedRecordOnPluralPath(t *testing.T) {
	f := newFixture(t)
	resp := f.call(http.MethodPost, "/api/v1/llm-providers",
		`{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-new-api-key","organization":"org-new-org-id"}}`)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, want 200 (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***","organization":"org-***"}}`)
	for _, secret := range []string{"sk-new-api-key", "org-new-org-id"} {
		if strings.Contains(resp.raw, secret) {
			t.Errorf("create echoed the secret %q: %s", secret, resp.raw)
		}
	}
}

func TestCreateDefaultsEnabledAndEmptyCredentials(t *testing.T) {
	f := newFixture(t)
	resp := f.call(http.MethodPost, "/api/v1/llm-providers", `{"provider":"anthropic"}`)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"anthropic","enabled":true,"credentials":{}}`)

	resp = f.call(http.MethodPost, "/api/v1/llm-providers", `{"provider":"amazon-bedrock","enabled":false,"credentials":{"region":"us-east-1"}}`)
	assertJSON(t, resp, `{"provider":"amazon-bedrock","enabled":false,"credentials":{"region":"us-***"}}`)
}

func TestCreateDuplicateIsConflict(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai","credentials":{"api_key":"sk-first-key-000"}}`)
	resp := f.call(http.MethodPost, "/api/v1/llm-providers", `{"provider":"openai","enabled":false,"credentials":{"api_key":"sk-second-key-000"}}`)
	assertEnvelope(t, resp, http.StatusConflict, "CONFLICT", "Configuration already exists for provider: openai")

	// The refused create changed nothing.
	got := f.call(http.MethodGet, "/api/v1/llm-provider/openai", "")
	assertJSON(t, got, `{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}`)
}

func TestCreateValidation(t *testing.T) {
	cases := []struct {
		name, body, message string
	}{
		{"empty body", "", "JSON object"},
		{"malformed JSON", `{"provider":`, "JSON object"},
		{"array body", `[{"provider":"openai"}]`, "JSON object"},
		{"missing provider", `{"enabled":true}`, "provider is required"},
		{"null provider", `{"provider":null}`, "provider is required"},
		{"provider not a string", `{"provider":7}`, "provider must be a string"},
		{"provider outside the enum", `{"provider":"mistral"}`, `"mistral" is invalid`},
		{"canonical value is not a wire value", `{"provider":"bedrock"}`, `"bedrock" is invalid`},
		{"enabled as a string", `{"provider":"openai","enabled":"true"}`, "enabled must be a boolean"},
		{"enabled null", `{"provider":"openai","enabled":null}`, "enabled must be a boolean"},
		{"credentials as an array", `{"provider":"openai","credentials":["sk-x"]}`, "credentials must be an object"},
		{"credentials as a string", `{"provider":"openai","credentials":"sk-abc"}`, "credentials must be an object"},
		{"credentials null", `{"provider":"openai","credentials":null}`, "credentials must be an object"},
		{"credential value a number", `{"provider":"openai","credentials":{"api_key":12345}}`, "credentials.api_key must be a string"},
		{"empty credential key", `{"provider":"openai","credentials":{"":"x"}}`, "must not be empty"},
	}
	f := newFixture(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.call(http.MethodPost, "/api/v1/llm-providers", tc.body)
			assertEnvelope(t, resp, http.StatusBadRequest, "VALIDATION_ERROR", tc.message)
		})
	}
	list := f.call(http.MethodGet, "/api/v1/llm-providers", "")
	assertJSON(t, list, `[]`)
}

func TestGetReturnsRecordAndMissingIsNotFound(t *testing.T) {
	f := newFixture(t)
	resp := f.call(http.MethodGet, "/api/v1/llm-provider/openai", "")
	assertEnvelope(t, resp, http.StatusNotFound, "NOT_FOUND", "No configuration found for provider: openai")

	f.mustCreate(`{"provider":"azure","enabled":false,"credentials":{"api_key":"azkey","endpoint":"https://x.openai.azure.com","deployment_id":"gpt4o-prod"}}`)
	resp = f.call(http.MethodGet, "/api/v1/llm-provider/azure", "")
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"azure","enabled":false,"credentials":{"api_key":"***","endpoint":"***","deployment_id":"gpt4o-***"}}`)
}

func TestListIsBareArrayInCreationOrder(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"xai", "openai", "amazon-bedrock"} {
		f.mustCreate(fmt.Sprintf(`{"provider":%q}`, p))
	}
	providers := func() []string {
		resp := f.call(http.MethodGet, "/api/v1/llm-providers", "")
		if resp.status != http.StatusOK {
			t.Fatalf("list status = %d (%s)", resp.status, resp.raw)
		}
		items, ok := resp.body.([]any)
		if !ok {
			t.Fatalf("list is not a bare array: %s", resp.raw)
		}
		var out []string
		for _, item := range items {
			obj, _ := item.(map[string]any)
			if _, ok := obj["enabled"].(bool); !ok {
				t.Errorf("list item without enabled: %v", item)
			}
			if _, ok := obj["credentials"].(map[string]any); !ok {
				t.Errorf("list item without credentials object: %v", item)
			}
			p, _ := obj["provider"].(string)
			out = append(out, p)
		}
		return out
	}
	if got, want := providers(), []string{"xai", "openai", "amazon-bedrock"}; !slices.Equal(got, want) {
		t.Fatalf("list order = %v, want %v", got, want)
	}
	if resp := f.call(http.MethodDelete, "/api/v1/llm-provider/openai", ""); resp.status != http.StatusOK {
		t.Fatalf("delete status = %d", resp.status)
	}
	f.mustCreate(`{"provider":"openai"}`)
	if got, want := providers(), []string{"xai", "amazon-bedrock", "openai"}; !slices.Equal(got, want) {
		t.Fatalf("list order after re-create = %v, want %v", got, want)
	}
}

// The seed's first example: PUT {"enabled": true, "credentials": {}} answers {provider, enabled, credentials: {}}.
func TestUpdateSeedExampleEmptyCredentials(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai","enabled":false,"credentials":{"api_key":"sk-old-api-key"}}`)
	resp := f.call(http.MethodPut, "/api/v1/llm-provider/openai", `{"enabled": true, "credentials": {}}`)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"openai","enabled":true,"credentials":{}}`)
}

// The seed's "Enable/Disable a Provider" example: only enabled changes, credentials are kept.
func TestUpdateSeedExampleDisableKeepsCredentials(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai","credentials":{"api_key":"sk-new-api-key"}}`)
	resp := f.call(http.MethodPut, "/api/v1/llm-provider/openai", `{"enabled": false}`)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"openai","enabled":false,"credentials":{"api_key":"sk-***"}}`)
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-provider/openai", ""),
		`{"provider":"openai","enabled":false,"credentials":{"api_key":"sk-***"}}`)
}

// The seed's "Update Credentials" example answers the seed's success response shape, with
// enabled unchanged.
func TestUpdateSeedExampleCredentialsKeepsEnabled(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai","enabled":true}`)
	resp := f.call(http.MethodPut, "/api/v1/llm-provider/openai", `{
    "credentials": {
      "api_key": "sk-new-api-key",
      "organization": "org-new-org-id"
    }
  }`)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***","organization":"org-***"}}`)
	if strings.Contains(resp.raw, "sk-new-api-key") || strings.Contains(resp.raw, "org-new-org-id") {
		t.Errorf("update echoed a secret: %s", resp.raw)
	}
}

func TestUpdateCredentialsReplaceStoredObject(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai","credentials":{"api_key":"sk-old-api-key","organization":"org-old-org-id"}}`)
	resp := f.call(http.MethodPut, "/api/v1/llm-provider/openai", `{"credentials":{"api_key":"sk-rotated-key"}}`)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	// organization was left out of the sent object, so it is gone: the object is replaced, not merged.
	want := `{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}`
	assertJSON(t, resp, want)
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-provider/openai", ""), want)
}

func TestUpdateValidationAndNotFound(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"google","enabled":true,"credentials":{"api_key":"AIzaSyExample"}}`)
	cases := []struct {
		name, path, body string
		status           int
		code, message    string
	}{
		{"enabled as a string", "/api/v1/llm-provider/google", `{"enabled":"false"}`, 400, "VALIDATION_ERROR", "enabled must be a boolean"},
		{"enabled as a number", "/api/v1/llm-provider/google", `{"enabled":0}`, 400, "VALIDATION_ERROR", "enabled must be a boolean"},
		{"enabled null", "/api/v1/llm-provider/google", `{"enabled":null}`, 400, "VALIDATION_ERROR", "enabled must be a boolean"},
		{"credentials as a string", "/api/v1/llm-provider/google", `{"credentials":"AIzaSyOther"}`, 400, "VALIDATION_ERROR", "credentials must be an object"},
		{"credential value a bool", "/api/v1/llm-provider/google", `{"credentials":{"api_key":true}}`, 400, "VALIDATION_ERROR", "credentials.api_key must be a string"},
		{"neither field", "/api/v1/llm-provider/google", `{}`, 400, "VALIDATION_ERROR", "enabled, credentials, or both"},
		{"only unknown fields", "/api/v1/llm-provider/google", `{"provider":"google"}`, 400, "VALIDATION_ERROR", "enabled, credentials, or both"},
		{"malformed body", "/api/v1/llm-provider/google", `{"enabled":`, 400, "VALIDATION_ERROR", "JSON object"},
		{"slug outside the enum", "/api/v1/llm-provider/mistral", `{"enabled":false}`, 400, "VALIDATION_ERROR", `"mistral" is invalid`},
		{"canonical value in the path", "/api/v1/llm-provider/google_ai", `{"enabled":false}`, 400, "VALIDATION_ERROR", `"google_ai" is invalid`},
		{"missing record", "/api/v1/llm-provider/openai", `{"enabled":false}`, 404, "NOT_FOUND", "No configuration found for provider: openai"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertEnvelope(t, f.call(http.MethodPut, tc.path, tc.body), tc.status, tc.code, tc.message)
		})
	}
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-provider/google", ""),
		`{"provider":"google","enabled":true,"credentials":{"api_key":"***"}}`)
}

func TestDeleteAnswersProviderThenNotFound(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"xai","credentials":{"api_key":"xai-secret-value"}}`)
	resp := f.call(http.MethodDelete, "/api/v1/llm-provider/xai", "")
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d (%s)", resp.status, resp.raw)
	}
	assertJSON(t, resp, `{"provider":"xai"}`)
	assertEnvelope(t, f.call(http.MethodGet, "/api/v1/llm-provider/xai", ""), 404, "NOT_FOUND", "No configuration found for provider: xai")
	assertEnvelope(t, f.call(http.MethodDelete, "/api/v1/llm-provider/xai", ""), 404, "NOT_FOUND", "No configuration found for provider: xai")
	assertEnvelope(t, f.call(http.MethodDelete, "/api/v1/llm-provider/cohere", ""), 400, "VALIDATION_ERROR", `"cohere" is invalid`)
	assertEnvelope(t, f.call(http.MethodGet, "/api/v1/llm-provider/cohere", ""), 400, "VALIDATION_ERROR", `"cohere" is invalid`)
}

// Create lives only on the plural path and update/read/delete only on the singular one.
func TestPluralAndSingularPathsAreNotInterchangeable(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai"}`)
	cases := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodPost, "/api/v1/llm-provider/openai", 405, "METHOD_NOT_ALLOWED"},
		{http.MethodPatch, "/api/v1/llm-provider/openai", 405, "METHOD_NOT_ALLOWED"},
		{http.MethodPut, "/api/v1/llm-providers", 405, "METHOD_NOT_ALLOWED"},
		{http.MethodDelete, "/api/v1/llm-providers", 405, "METHOD_NOT_ALLOWED"},
		{http.MethodPut, "/api/v1/llm-providers/openai", 404, "NOT_FOUND"},
		{http.MethodGet, "/api/v1/llm-providers/openai", 404, "NOT_FOUND"},
		{http.MethodDelete, "/api/v1/llm-providers/openai", 404, "NOT_FOUND"},
		{http.MethodPost, "/api/v1/llm-provider", 404, "NOT_FOUND"},
		{http.MethodGet, "/api/v1/llm-provider/openai/extra", 404, "NOT_FOUND"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp := f.call(tc.method, tc.path, `{"provider":"openai","enabled":false}`)
			assertEnvelope(t, resp, tc.status, tc.code, tc.path)
			if tc.status == 405 && resp.header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
	// None of the refused calls touched the record.
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-provider/openai", ""), `{"provider":"openai","enabled":true,"credentials":{}}`)
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-providers", ""), `[{"provider":"openai","enabled":true,"credentials":{}}]`)
}

func TestMaskingNeverEchoesPlainValues(t *testing.T) {
	cases := []struct{ value, masked string }{
		{"sk-new-api-key", "sk-***"},
		{"org-new-org-id", "org-***"},
		{"sk-ant-api03-abcdef", "sk-***"},
		{"AKIAIOSFODNN7EXAMPLE", "***"},
		{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "***"},
		{"sk-", "***"},
		{"-leading-dash", "***"},
		{"averylongprefix-tail", "***"},
		{"my_secret-tail", "***"},
		{`{"type":"service_account","private_key":"-----BEGIN"}`, "***"},
	}
	f := newFixture(t)
	credentials := map[string]string{}
	want := map[string]any{}
	for i, tc := range cases {
		key := fmt.Sprintf("k%d", i)
		credentials[key] = tc.value
		want[key] = tc.masked
		if got := refactor.Mask(tc.value); got != tc.masked {
			t.Errorf("Mask(%q) = %q, want %q", tc.value, got, tc.masked)
		}
	}
	body, _ := json.Marshal(map[string]any{"provider": "google-vertex", "credentials": credentials})
	responses := []response{f.call(http.MethodPost, "/api/v1/llm-providers", string(body))}
	responses = append(responses,
		f.call(http.MethodGet, "/api/v1/llm-provider/google-vertex", ""),
		f.call(http.MethodGet, "/api/v1/llm-providers", ""))
	update, _ := json.Marshal(map[string]any{"credentials": credentials, "enabled": false})
	responses = append(responses, f.call(http.MethodPut, "/api/v1/llm-provider/google-vertex", string(update)))
	for i, resp := range responses {
		if resp.status != http.StatusOK {
			t.Fatalf("response %d: status %d (%s)", i, resp.status, resp.raw)
		}
		for _, tc := range cases {
			if len(tc.value) > 3 && strings.Contains(resp.raw, tc.value) {
				t.Errorf("response %d echoes the plain value %q: %s", i, tc.value, resp.raw)
			}
		}
	}
	got := responses[1].object(t)["credentials"]
	if !reflect.DeepEqual(got, want) {
		t.Errorf("masked credentials = %v, want %v", got, want)
	}
}

func TestAuthFailuresUseEnvelope(t *testing.T) {
	f := newFixture(t)
	for name, auth := range map[string]string{"wrong token": "Bearer not-the-token", "missing token": "", "not bearer": "Basic dGVzdC10b2tlbg=="} {
		t.Run(name, func(t *testing.T) {
			for _, call := range []struct{ method, path, body string }{
				{http.MethodPost, "/api/v1/llm-providers", `{"provider":"openai"}`},
				{http.MethodGet, "/api/v1/llm-providers", ""},
				{http.MethodPut, "/api/v1/llm-provider/openai", `{"enabled":false}`},
			} {
				resp := f.callWithAuth(call.method, call.path, call.body, auth)
				assertEnvelope(t, resp, http.StatusUnauthorized, "UNAUTHORIZED", "token")
			}
		})
	}
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-providers", ""), `[]`)
}

func TestInjectedFaultsUseEnvelopeCodes(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		status int
		code   string
	}{
		{400, "VALIDATION_ERROR"}, {403, "FORBIDDEN"}, {404, "NOT_FOUND"}, {409, "CONFLICT"},
		{429, "RATE_LIMITED"}, {500, "INTERNAL_ERROR"}, {502, "BAD_GATEWAY"}, {503, "SERVICE_UNAVAILABLE"},
		{504, "GATEWAY_TIMEOUT"}, {418, "BAD_REQUEST"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			if err := f.srv.SetFaults([]mockserver.FaultRule{{Path: "/api/v1/llm-providers", Status: tc.status, Count: 1}}); err != nil {
				t.Fatal(err)
			}
			assertEnvelope(t, f.call(http.MethodGet, "/api/v1/llm-providers", ""), tc.status, tc.code, "injected fault")
			if resp := f.call(http.MethodGet, "/api/v1/llm-providers", ""); resp.status != http.StatusOK {
				t.Fatalf("the fault outlived its count: %d", resp.status)
			}
		})
	}
}

func TestMatchClaimsOnlyRefactorPaths(t *testing.T) {
	m := refactor.New()
	if m.Name() != "refactor" {
		t.Errorf("Name() = %q", m.Name())
	}
	claimed := []string{
		"/api/v1/llm-providers", "/api/v1/llm-providers/openai", "/api/v1/llm-provider/openai",
		"/api/v1/llm-provider", "/api/v1/llm-provider/amazon-bedrock",
	}
	notClaimed := []string{
		"/ai/llm", "/ai/llm/123", "/api/llm-gateway/admin/providers", "/api/providers/", "/api/providers/x/",
		"/api/v1/llm-providersx", "/api/v1/llm-provider-x", "/api/v2/llm-providers", "/v1/llm-providers", "/",
	}
	for _, p := range claimed {
		if !m.Match(p) {
			t.Errorf("Match(%q) = false, want true", p)
		}
	}
	for _, p := range notClaimed {
		if m.Match(p) {
			t.Errorf("Match(%q) = true, want false", p)
		}
	}
}

func TestResetEmptiesData(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai"}`)
	f.srv.Reset()
	assertJSON(t, f.call(http.MethodGet, "/api/v1/llm-providers", ""), `[]`)
	f.mustCreate(`{"provider":"openai"}`)
}

func TestJournalRecordsRequests(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(`{"provider":"openai","credentials":{"api_key":"sk-journal-key"}}`)
	f.call(http.MethodPut, "/api/v1/llm-provider/openai", `{"enabled":false}`)
	entries := f.srv.Requests()
	if len(entries) != 2 {
		t.Fatalf("journal has %d entries, want 2", len(entries))
	}
	if entries[1].Platform != "refactor" || entries[1].Method != http.MethodPut || entries[1].Path != "/api/v1/llm-provider/openai" || entries[1].Status != 200 {
		t.Errorf("journal entry = %+v", entries[1])
	}
	if string(entries[1].Body) != `{"enabled":false}` {
		t.Errorf("journaled body = %s", entries[1].Body)
	}
}

// TestConcurrentOperations hammers every operation at once; run it with -race.
func TestConcurrentOperations(t *testing.T) {
	f := newFixture(t)
	const workers = 16
	const rounds = 25
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds*5)
	for w := range workers {
		wg.Go(func() {
			slug := refactor.Providers[w%len(refactor.Providers)]
			item := "/api/v1/llm-provider/" + slug
			for i := range rounds {
				check := func(op string, resp response, allowed ...int) {
					if !slices.Contains(allowed, resp.status) {
						errs <- fmt.Sprintf("%s %s: status %d (%s)", op, slug, resp.status, resp.raw)
					}
				}
				check("create", f.call(http.MethodPost, "/api/v1/llm-providers", fmt.Sprintf(`{"provider":%q,"credentials":{"api_key":"sk-w%d-r%d"}}`, slug, w, i)), 200, 409)
				check("update", f.call(http.MethodPut, item, fmt.Sprintf(`{"enabled":%t}`, i%2 == 0)), 200, 404)
				check("get", f.call(http.MethodGet, item, ""), 200, 404)
				check("list", f.call(http.MethodGet, "/api/v1/llm-providers", ""), 200)
				if i%3 == 0 {
					check("delete", f.call(http.MethodDelete, item, ""), 200, 404)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	// Whatever survived, the list holds each slug at most once and agrees with a read of each.
	resp := f.call(http.MethodGet, "/api/v1/llm-providers", "")
	items, _ := resp.body.([]any)
	seen := map[string]bool{}
	for _, item := range items {
		obj, _ := item.(map[string]any)
		p, _ := obj["provider"].(string)
		if seen[p] {
			t.Errorf("slug %s listed twice", p)
		}
		seen[p] = true
	}
	for _, p := range refactor.Providers {
		status := f.call(http.MethodGet, "/api/v1/llm-provider/"+p, "").status
		if (status == 200) != seen[p] {
			t.Errorf("slug %s: get status %d but listed=%t", p, status, seen[p])
		}
	}
}
