package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	mockkeywordsai "github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"llm": providerserver.NewProtocol6WithError(New("test")()),
}

// testToken is the bearer token the test mock accepts; tests search logs and state for it.
const testToken = "tok-acceptance-5f2b9c1e7a"

// The OAuth2 client the test mock's token endpoint knows; tests search logs and state for the secret.
const (
	testClientID     = "ci-terraform"
	testClientSecret = "cs-acceptance-9d4e1f7b3c"
)

// platformNames lists the platform names in documentation order.
func platformNames() []platform.Name {
	var out []platform.Name
	for _, spec := range platforms.Specs() {
		out = append(out, spec.Name)
	}
	return out
}

// destroyedAll is the CheckDestroy of every acceptance test that creates records: through the
// mock, the platform holds none of them after destroy.
func destroyedAll(t *testing.T, m *testMock, p platform.Name) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := m.platformKeys(t, p); len(left) != 0 {
			return fmt.Errorf("destroy left %v on %s", left, p)
		}
		return nil
	}
}

// deleted reports whether the journal holds a successful DELETE of the record id.
func deleted(m *testMock, id string) bool {
	for _, e := range m.writesTo(id) {
		if e.Method == http.MethodDelete && e.Status < 300 {
			return true
		}
	}
	return false
}

// testMock is one in-process mock platform per test.
type testMock struct {
	srv *mockserver.Server
	ts  *httptest.Server
}

func newTestMock(t *testing.T, opts ...mockserver.Option) *testMock {
	t.Helper()
	requireTerraformCLI(t)
	srv := mockserver.New(testToken, append([]mockserver.Option{mockserver.WithClientCredentials(testClientID, testClientSecret)}, opts...)...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &testMock{srv: srv, ts: ts}
}

// requireTerraformCLI skips a test that drives a CLI when there is none to drive: these tests use
// resource.UnitTest, so a plain go test runs them without TF_ACC, but terraform-plugin-testing would
// otherwise try to download a terraform, and tests talk only to loopback.
func requireTerraformCLI(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") != "" {
		return
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("no terraform CLI: put one on PATH or set TF_ACC_TERRAFORM_PATH (make test builds the three it runs)")
	}
}

// endpoint is the provider endpoint for a platform on the mock, as in production.
func (m *testMock) endpoint(p platform.Name) string {
	switch p {
	case refactor.Name:
		return m.ts.URL + "/api"
	case barndoor.Name:
		return m.ts.URL + "/api/llm-gateway"
	default:
		return m.ts.URL
	}
}

func (m *testMock) providerConfig(p platform.Name) string {
	return fmt.Sprintf("provider \"llm\" {\n  platform = %q\n  endpoint = %q\n  token    = %q\n  max_retries = 6\n%s}\n", p, m.endpoint(p), testToken, apiVersionLine(p))
}

// keywordsaiV2Config is the keywordsai provider block with api_version = "v2", whichever
// generation the suite runs on.
func (m *testMock) keywordsaiV2Config() string {
	cfg := m.providerConfig(keywordsai.Name)
	if apiVersionLine(keywordsai.Name) == "" {
		cfg = strings.Replace(cfg, "  max_retries = 6\n", "  max_retries = 6\n  api_version = \"v2\"\n", 1)
	}
	return cfg
}

// apiVersionLine is the provider block's api_version for the mock's keywordsai generation: the
// suite runs on Respan's newer one with LLM_MOCK_KEYWORDSAI_GENERATION=v2 (make test does, once),
// and the provider block then names it, as a user of that generation's endpoint would.
func apiVersionLine(p platform.Name) string {
	if p == keywordsai.Name && os.Getenv(mockserver.EnvKeywordsAIGeneration) == mockkeywordsai.GenerationV2 {
		return "  api_version = \"v2\"\n"
	}
	return ""
}

// tokenURL is the mock's OAuth2 token endpoint.
func (m *testMock) tokenURL() string { return m.ts.URL + mockserver.TokenPath }

// clientCredentialsConfig is providerConfig with client credentials instead of the token; extra
// lines go inside the provider block.
func (m *testMock) clientCredentialsConfig(p platform.Name, extra ...string) string {
	return fmt.Sprintf("provider \"llm\" {\n  platform = %q\n  endpoint = %q\n  token_url = %q\n  client_id = %q\n  client_secret = %q\n  max_retries = 6\n%s%s}\n",
		p, m.endpoint(p), m.tokenURL(), testClientID, testClientSecret, apiVersionLine(p), strings.Join(append(extra, ""), "\n"))
}

// writes returns the journaled requests that change something (everything but GET).
func (m *testMock) writes() []mockserver.Entry {
	var out []mockserver.Entry
	for _, e := range m.srv.Requests() {
		if e.Method != http.MethodGet {
			out = append(out, e)
		}
	}
	return out
}

// call sends a request to the mock as an out-of-band actor would and returns the decoded body.
func (m *testMock) call(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	var reader io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		reader = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, m.ts.URL+path, reader)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("out-of-band %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("out-of-band %s %s: HTTP %d %s", method, path, resp.StatusCode, data)
	}
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return out
}

// getAny reads an endpoint that answers with something other than an object (a list).
func (m *testMock) getAny(t *testing.T, path string) any {
	t.Helper()
	method := http.MethodGet
	req, _ := http.NewRequest(method, m.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: decoding: %v", method, path, err)
	}
	return out
}

// platformKeys lists the unique keys of every record a platform holds, straight from the mock.
func (m *testMock) platformKeys(t *testing.T, p platform.Name) []string {
	t.Helper()
	var items []any
	key := "name"
	switch p {
	case refactor.Name:
		items, _ = m.getAny(t, "/api/v1/llm-providers").([]any)
		key = "provider"
	case flashback.Name:
		obj, _ := m.getAny(t, "/ai/llm").(map[string]any)
		items, _ = obj["aiLlms"].([]any)
	case barndoor.Name:
		items, _ = m.getAny(t, "/api/llm-gateway/admin/providers").([]any)
	case keywordsai.Name:
		// A bare array on the first generation, pages {count, next, previous, results} on v2.
		for path := "/api/providers/"; path != ""; {
			switch page := m.getAny(t, path).(type) {
			case []any:
				items, path = page, ""
			case map[string]any:
				results, _ := page["results"].([]any)
				items = append(items, results...)
				next, _ := page["next"].(string)
				path = strings.TrimPrefix(next, m.ts.URL)
			default:
				path = ""
			}
		}
		key = "provider_id"
	}
	var keys []string
	for _, it := range items {
		obj, _ := it.(map[string]any)
		if managed, _ := obj["is_managed"].(bool); managed {
			continue
		}
		keys = append(keys, fmt.Sprint(obj[key]))
	}
	return keys
}

// TestAccProvider_invalidConfig fails each invalid provider configuration at plan time with the
// attribute (and its environment variable) named, before any request reaches the platform.
func TestAccProvider_invalidConfig(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	resourceBlock := renderResource(map[string]string{"name": `"bd"`, "model_provider": `"openai"`, "api_key": `"k-1234"`})
	block := func(attrs string) string { return "provider \"llm\" {\n" + attrs + "\n}\n" + resourceBlock }
	local := m.endpoint(barndoor.Name)
	cases := []struct{ name, config, error string }{
		{"plain http to a remote host", block(`platform = "barndoor"
endpoint = "http://gateway.example.com/api/llm-gateway"
token = "t-1"`), `(?s)Invalid Endpoint.*plain http to a remote host`},
		{"empty token", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token = ""`, local)), `(?s)Missing Token.*LLM_TOKEN`},
		{"unknown platform", block(fmt.Sprintf(`platform = "openrouter"
endpoint = %q
token = "t"`, local)), `(?s)platform.*value must be one of`},
		{"barndoor without endpoint", block(`platform = "barndoor"
token = "t"`), `(?s)Missing Endpoint.*LLM_ENDPOINT`},
		{"endpoint not a URL", block(`platform = "refactor"
endpoint = "api.psci.ai"
token = "t"`), `(?s)Invalid Endpoint.*not an absolute http\(s\) URL`},
		{"max_retries out of range", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token = "t"
max_retries = 99`, local)), `(?s)max_retries.*between 0 and 20`},
		{"request_timeout not a duration", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token = "t"
request_timeout = "soon"`, local)), `(?s)Invalid Request Timeout.*LLM_REQUEST_TIMEOUT`},
		{"negative rate limit", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token = "t"
rate_limit = -1`, local)), `(?s)rate_limit.*at least 0`},
		{"ftp endpoint", block(`platform = "keywordsai"
endpoint = "ftp://api.keywordsai.co"
token = "t"`), `(?s)Invalid Endpoint`},
		{"missing platform", block(fmt.Sprintf(`endpoint = %q
token = "t"`, local)), `(?s)Missing Platform.*LLM_PLATFORM`},
		{"token with client credentials", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token = "t"
token_url = %q
client_id = "id"
client_secret = "cs-1234"`, local, m.tokenURL())), `(?s)Invalid Attribute Combination.*cannot be configured together.*token.*client_id`},
		{"client credentials without client_secret", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token_url = %q
client_id = "id"`, local, m.tokenURL())), `(?s)Incomplete Client Credentials.*"client_secret" is missing.*LLM_CLIENT_SECRET`},
		{"client credentials with client_secret only", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
client_secret = "cs-1234"`, local)), `(?s)Incomplete Client Credentials.*"token_url" is missing.*LLM_TOKEN_URL.*Incomplete Client Credentials.*"client_id" is missing.*LLM_CLIENT_ID`},
		{"client credentials without token_url", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
client_id = "id"
client_secret = "cs-1234"`, local)), `(?s)Incomplete Client Credentials.*"token_url" is missing.*LLM_TOKEN_URL`},
		{"token_url plain http to a remote host", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token_url = "http://auth.example.com/oauth/token"
client_id = "id"
client_secret = "cs-1234"`, local)), `(?s)Invalid Token URL.*plain http to a remote host.*client secret`},
		{"scopes with a static token", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
token = "t"
scopes = ["llm.admin"]`, local)), `(?s)Invalid Attribute Combination.*token.*scopes`},
		{"scopes without client credentials", block(fmt.Sprintf(`platform = "barndoor"
endpoint = %q
scopes = ["llm.admin"]`, local)), `(?s)Scopes Without Client Credentials.*LLM_SCOPES`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		// Terraform wraps long diagnostics, so a space in a pattern matches any white space.
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: regexp.MustCompile(strings.ReplaceAll(c.error, " ", `\s+`))})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if m.srv.TokensIssued() != 0 {
		t.Fatalf("invalid provider configurations asked for %d access tokens", m.srv.TokensIssued())
	}
	if reqs := m.srv.Requests(); len(reqs) != 0 {
		t.Fatalf("invalid provider configurations reached the platform: %+v", reqs)
	}
	t.Logf("%d invalid provider configurations rejected at plan time", len(cases))
}

// mustSpec returns the Spec of a platform name.
func mustSpec(t *testing.T, name platform.Name) platform.Spec {
	t.Helper()
	spec, err := platforms.Lookup(string(name))
	if err != nil {
		t.Fatal(err)
	}
	return spec
}
