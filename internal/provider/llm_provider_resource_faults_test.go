package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// manyRecords renders count records for the platform and the unique keys they must produce.
// refactor holds one record per model provider slug, so it gets its seven, not count.
func manyRecords(p platform.Name, count int) (string, []string) {
	var b strings.Builder
	var keys []string
	switch p {
	case refactor.Name:
		slugs := map[string]string{"openai": "openai", "anthropic": "anthropic", "google_ai": "google", "vertex": "google-vertex",
			"azure_openai": "azure", "bedrock": "amazon-bedrock", "xai": "xai"}
		// count, not for_each: terraform-plugin-testing's legacy state shim cannot index by string.
		b.WriteString("locals {\n  model_providers = [")
		for i, mp := range refactor.Spec.ModelProviders {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", mp)
			keys = append(keys, slugs[mp])
		}
		b.WriteString("]\n}\nresource \"llm_provider\" \"many\" {\n  count = length(local.model_providers)\n" +
			"  model_provider = local.model_providers[count.index]\n  api_key = \"sk-many-${count.index}\"\n}\n")
	case flashback.Name:
		fmt.Fprintf(&b, "resource \"llm_provider\" \"many\" {\n  count = %d\n  name = \"fb-${count.index}\"\n  model_provider = \"openai\"\n"+
			"  base_url = \"https://api.openai.com/v1\"\n  workspace_id = \"ws-${count.index %% 5}\"\n  secret = \"fb-secret-${count.index}\"\n}\n", count)
		for i := range count {
			keys = append(keys, fmt.Sprintf("fb-%d", i))
		}
	case barndoor.Name:
		fmt.Fprintf(&b, "resource \"llm_provider\" \"many\" {\n  count = %d\n  name = \"bd-${count.index}\"\n  model_provider = \"openai\"\n  api_key = \"bd-key-${count.index}\"\n}\n", count)
		for i := range count {
			keys = append(keys, fmt.Sprintf("bd-%d", i))
		}
	case keywordsai.Name:
		fmt.Fprintf(&b, "resource \"llm_provider\" \"many\" {\n  count = %d\n  provider_id = \"kw-${count.index}\"\n  name = \"KW ${count.index}\"\n  api_key = \"kw-key-${count.index}\"\n}\n", count)
		for i := range count {
			keys = append(keys, fmt.Sprintf("kw-%d", i))
		}
	}
	sort.Strings(keys)
	return b.String(), keys
}

// faultRules fail about a quarter of requests: 429 with Retry-After, 503, and responses dropped
// after the platform processed the request.
var faultRules = []mockserver.FaultRule{
	// The first create is always dropped after the platform processed it, and the next request
	// refused with a 503, so every run goes through adoption and retries whatever the dice say.
	{Method: http.MethodPost, Path: "*", Drop: true, Count: 1},
	{Path: "*", Status: http.StatusServiceUnavailable, Count: 1},
	{Path: "*", Status: http.StatusTooManyRequests, RetryAfter: "1", Probability: 0.08},
	{Path: "*", Status: http.StatusServiceUnavailable, Probability: 0.09},
	{Path: "*", Drop: true, Probability: 0.10},
}

// TestAccLLMProviderResource_convergesUnderFaults applies 50 records per platform (refactor: its
// 7) while a quarter of requests fail, then checks the platform holds exactly the configured
// records, none duplicated or missing, that the next plan is empty, and that a destroy under the
// same faults leaves nothing behind but a record made outside Terraform, which no request ever
// wrote to (refactor has none: the configuration names every slug it has).
func TestAccLLMProviderResource_convergesUnderFaults(t *testing.T) {
	const count = 50
	for _, p := range platformNames() {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			records, want := manyRecords(p, count)
			cfg := strings.Replace(m.providerConfig(p), "max_retries = 6", "max_retries = 10", 1) + records
			var outsiderID string
			var outsiders []string
			if p != refactor.Name {
				id, key := m.foreignRecord(t, p)
				outsiderID, outsiders = id, []string{key}
				want = append(want, key)
				sort.Strings(want)
			}
			if err := m.srv.SetFaults(faultRules); err != nil {
				t.Fatal(err)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					_ = m.srv.SetFaults(nil)
					if left := m.platformKeys(t, p); !slices.Equal(left, outsiders) {
						return fmt.Errorf("destroy under faults left %v, want only the record made outside Terraform %v", left, outsiders)
					}
					if w := m.writesTo(outsiderID); outsiderID != "" && len(w) > 0 {
						return fmt.Errorf("%d writes reached the record made outside Terraform: %+v", len(w), w)
					}
					return nil
				},
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: func(*terraform.State) error {
							// The check reads the platform itself: pause the faults for that read.
							_ = m.srv.SetFaults(nil)
							defer func() { _ = m.srv.SetFaults(faultRules) }()
							got := m.platformKeys(t, p)
							sort.Strings(got)
							if !slices.Equal(got, want) {
								return fmt.Errorf("platform holds %d records %v, want exactly %d %v", len(got), got, len(want), want)
							}
							return nil
						},
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
			faults, statuses := 0, map[string]int{}
			entries := m.srv.Requests()
			for _, e := range entries {
				if e.Fault != "" {
					faults++
					statuses[fmt.Sprintf("%s:%d", e.Fault, e.Status)]++
				}
			}
			t.Logf("%s: %d records checked, %d requests, %d hit by injected faults (%v)", p, len(want), len(entries), faults, statuses)
			if faults == 0 {
				t.Fatalf("no fault was injected: the test proves nothing")
			}
		})
	}
}

// secretCase is a configuration whose every secret and the token must stay out of logs, and whose
// write-only secrets must stay out of state and plan.
type secretCase struct {
	platform  platform.Name
	attrs     map[string]string
	writeOnly []string
	kept      []string
}

// TestAccLLMProviderResource_secretsNeverLeak runs create and rotation at TF_LOG=TRACE and searches
// the captured log, the state and the plan for every secret used and for the token.
func TestAccLLMProviderResource_secretsNeverLeak(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	cases := []secretCase{
		{refactor.Name, map[string]string{"model_provider": `"openai"`, "api_key_wo": `"sk-leakcheck-refactor-wo"`, "api_key_wo_version": `"1"`,
			"credentials": `{ organization = "org-leakcheck-refactor-kept" }`}, []string{"sk-leakcheck-refactor-wo"}, []string{"org-leakcheck-refactor-kept"}},
		{flashback.Name, map[string]string{"name": `"fb-leak"`, "model_provider": `"openai"`, "base_url": `"https://api.openai.com/v1"`, "workspace_id": `"ws-1"`,
			"secret_wo": `"fb-leakcheck-secret-wo"`, "secret_wo_version": `"1"`, "api_key": `"fb-leakcheck-key-kept"`},
			[]string{"fb-leakcheck-secret-wo"}, []string{"fb-leakcheck-key-kept"}},
		{barndoor.Name, map[string]string{"name": `"bd-leak"`, "model_provider": `"openai"`, "api_key_wo": `"bd-leakcheck-key-wo"`, "api_key_wo_version": `"1"`},
			[]string{"bd-leakcheck-key-wo"}, nil},
		{keywordsai.Name, map[string]string{"provider_id": `"kw-leak"`, "name": `"KW Leak"`, "api_key_wo": `"kw-leakcheck-key-wo"`, "api_key_wo_version": `"1"`,
			"extra_kwargs": `jsonencode({ secret_header = "kw-leakcheck-extra-kept" })`}, []string{"kw-leakcheck-key-wo"}, []string{"kw-leakcheck-extra-kept"}},
	}
	var all []string
	for _, tc := range cases {
		m := newTestMock(t)
		rotated := map[string]string{}
		var rotatedValues []string
		for _, a := range []string{"api_key", "secret"} {
			if _, ok := tc.attrs[a+"_wo"]; ok {
				v := strings.Trim(tc.attrs[a+"_wo"], `"`) + "-rotated"
				rotated[a+"_wo"], rotated[a+"_wo_version"] = fmt.Sprintf("%q", v), `"2"`
				rotatedValues = append(rotatedValues, v)
			}
		}
		woValues := append(slices.Clone(tc.writeOnly), rotatedValues...)
		noWriteOnlyInState := func(s *terraform.State) error {
			for _, rs := range s.RootModule().Resources {
				for k, v := range rs.Primary.Attributes {
					for _, secret := range woValues {
						if strings.Contains(v, secret) {
							return fmt.Errorf("state attribute %s holds the write-only secret", k)
						}
					}
				}
			}
			return nil
		}
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{
				{
					Config:           m.providerConfig(tc.platform) + renderResource(tc.attrs),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectNoValueInPlan{woValues}}},
					Check:            noWriteOnlyInState,
				},
				{
					Config:           m.providerConfig(tc.platform) + renderResource(with(tc.attrs, rotated)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectNoValueInPlan{woValues}}},
					Check:            noWriteOnlyInState,
				},
			},
		})
		// The secrets did reach the platform: the search below is meaningful.
		journalJSON, _ := json.Marshal(m.srv.Requests())
		journal := string(journalJSON)
		for _, secret := range append(slices.Clone(woValues), tc.kept...) {
			if !strings.Contains(journal, secret) {
				t.Fatalf("%s: secret %q never reached the platform", tc.platform, secret)
			}
		}
		all = append(all, woValues...)
		all = append(all, tc.kept...)
	}
	log, size := loggedLines(t, logPath)
	if !strings.Contains(log, "llm_provider") || !strings.Contains(log, "TRACE") {
		t.Fatalf("the trace log (%d bytes) does not look like a TRACE log of this provider", size)
	}
	for _, secret := range append(all, testToken) {
		if strings.Contains(log, secret) {
			t.Errorf("the TRACE log holds the secret %q", secret)
		}
	}
	t.Logf("searched %d bytes of TRACE log for %d secrets and the token", size, len(all))
}

// TestAccLLMProviderResource_timeouts: the timeouts block bounds a whole operation, retries
// included, and says so when it runs out; the slow create is not sent twice.
func TestAccLLMProviderResource_timeouts(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	if err := m.srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodPost, Path: "/api/llm-gateway/admin/providers", LatencyMS: 5000}}); err != nil {
		t.Fatal(err)
	}
	attrs := with(resourceCases()[2].base, nil)
	cfg := m.providerConfig(barndoor.Name) + strings.Replace(renderResource(attrs), "}\n", "  timeouts {\n    create = \"1s\"\n  }\n}\n", 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Unable to Create LLM Provider.*ran\s+out\s+of\s+time`),
		}},
	})
	posts := 0
	for _, e := range m.srv.Requests() {
		if e.Method == http.MethodPost {
			posts++
		}
	}
	if posts != 1 {
		t.Fatalf("want the slow create sent once, got %d", posts)
	}
}

// expectNoIssuedValueInPlan fails when the plan JSON holds any of the values known when the
// plan is checked: the access tokens issued so far are only known then.
type expectNoIssuedValueInPlan struct{ values func() []string }

func (e expectNoIssuedValueInPlan) CheckPlan(ctx context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	expectNoValueInPlan{e.values()}.CheckPlan(ctx, req, resp)
}

// TestAccLLMProviderResource_clientCredentialsNeverLeak runs create, update and a 401 renewal with
// client credentials at TF_LOG=TRACE, with tokens that live 1 s so that several are issued, and
// searches the captured log, every plan and the state for the client secret and every access
// token the mock issued.
func TestAccLLMProviderResource_clientCredentialsNeverLeak(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	m := newTestMock(t, mockserver.WithTokenTTL(time.Second), mockserver.WithLatency(100*time.Millisecond))
	// One refused update exercises the renewal after a 401 and its log line.
	if err := m.srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodPut, Path: "/api/llm-gateway/admin/providers/*", Status: http.StatusUnauthorized, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	secrets := func() []string { return append(m.srv.IssuedTokens(), testClientSecret) }
	noSecretInState := func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, secret := range secrets() {
					if strings.Contains(v, secret) {
						return fmt.Errorf("state attribute %s holds the client secret or an access token", k)
					}
				}
			}
		}
		return nil
	}
	cfg := func(name string) string {
		return m.clientCredentialsConfig(barndoor.Name, "  rate_limit = 3") + fmt.Sprintf(`resource "llm_provider" "many" {
  count          = 6
  name           = "bd-oauth-leak-${count.index}"
  model_provider = "openai"
  api_key        = "bd-key-${count.index}"
  base_url       = %q
}
`, name)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           cfg("https://one.example.com"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectNoIssuedValueInPlan{secrets}}},
				Check:            noSecretInState,
			},
			{
				Config:           cfg("https://two.example.com"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectNoIssuedValueInPlan{secrets}}},
				Check:            noSecretInState,
			},
		},
	})
	issued := m.srv.IssuedTokens()
	refused := 0
	for _, e := range m.srv.Requests() {
		if e.Status == http.StatusUnauthorized && e.Platform != "oauth" {
			refused++
		}
	}
	if len(issued) < 2 || refused == 0 {
		t.Fatalf("the run issued %d tokens and refused %d requests: the search below would prove little", len(issued), refused)
	}
	log, size := loggedLines(t, logPath)
	if !strings.Contains(log, "renewing the access token after a 401") || !strings.Contains(log, "TRACE") {
		t.Fatalf("the trace log (%d bytes) does not hold this provider's TRACE lines and the renewal", size)
	}
	if strings.Contains(log, testClientSecret) {
		t.Errorf("the TRACE log holds the client secret")
	}
	for i, token := range issued {
		if strings.Contains(log, token) {
			t.Errorf("the TRACE log holds issued access token #%d", i+1)
		}
	}
	t.Logf("searched %d bytes of TRACE log for the client secret and %d issued access tokens", size, len(issued))
}

// loggedLines reads a TRACE log without terraform-plugin-testing's echo of the configuration file
// each step writes ("  |   token = ..."): the tests write secrets into it literally, so those
// lines are the test's own input, and every line Terraform or this provider logged is kept.
func loggedLines(t *testing.T, path string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the trace log: %v", err)
	}
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(strings.TrimLeft(line, " \t"), "|") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n"), len(data)
}
