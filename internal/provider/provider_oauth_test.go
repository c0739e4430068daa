package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
)

// countingProviderServer counts ConfigureProvider calls: each provider instance fetches one token
// when it is configured, so tokens issued beyond that count are renewals.
type countingProviderServer struct {
	tfprotov6.ProviderServer
	configures *atomic.Int32
}

func (s countingProviderServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.configures.Add(1)
	return s.ProviderServer.ConfigureProvider(ctx, req)
}

func countingFactories(configures *atomic.Int32) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"llm": func() (tfprotov6.ProviderServer, error) {
			server, err := providerserver.NewProtocol6WithError(New("test")())()
			return countingProviderServer{ProviderServer: server, configures: configures}, err
		},
	}
}

// tokenJournal summarizes the journal: token requests, platform requests, and platform 401s that
// no successful token request followed.
type tokenJournal struct {
	tokenRequests, platformRequests, unauthorized, unrenewed401 int
}

func summarizeTokens(entries []mockserver.Entry) tokenJournal {
	var j tokenJournal
	pending := 0
	for _, e := range entries {
		switch {
		case e.Platform == "oauth":
			j.tokenRequests++
			if e.Status == http.StatusOK {
				pending = 0
			}
		case e.Status == http.StatusUnauthorized:
			j.platformRequests++
			j.unauthorized++
			pending++
		default:
			j.platformRequests++
		}
	}
	j.unrenewed401 = pending
	return j
}

// TestAccProvider_clientCredentialsRenewal applies records on every platform with client
// credentials while access tokens live 1 s and each request is slowed and rate limited, so one
// apply outlives several tokens. It converges with no failure and an empty plan after, every
// platform request carried a valid token, and the journal shows renewals within provider
// instances, made before expiry rather than after a refusal.
func TestAccProvider_clientCredentialsRenewal(t *testing.T) {
	counts := map[platform.Name]int{barndoor.Name: 20}
	for _, p := range platformNames() {
		t.Run(string(p), func(t *testing.T) {
			t.Parallel()
			count := counts[p]
			if count == 0 {
				count = 6
			}
			// 100 ms per request is well inside the renewal margin of a 1 s token (a third of its
			// life), so no token expires in flight; 3 requests a second stretch one apply over
			// several token lifetimes.
			m := newTestMock(t, mockserver.WithTokenTTL(time.Second), mockserver.WithLatency(100*time.Millisecond))
			records, want := manyRecords(p, count)
			cfg := m.clientCredentialsConfig(p, "  rate_limit = 3") + records
			var configures atomic.Int32
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: countingFactories(&configures),
				CheckDestroy: func(*terraform.State) error {
					if left := m.platformKeys(t, p); len(left) != 0 {
						return fmt.Errorf("destroy left %d records: %v", len(left), left)
					}
					return nil
				},
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: func(*terraform.State) error {
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
			j := summarizeTokens(m.srv.Requests())
			issued, configured := m.srv.TokensIssued(), int(configures.Load())
			renewals := issued - configured
			t.Logf("%s: %d records, %d platform requests, %d provider instances, %d tokens issued (%d renewals), %d refused with 401",
				p, len(want), j.platformRequests, configured, issued, renewals, j.unauthorized)
			if configured == 0 || issued < configured {
				t.Fatalf("%d provider instances but %d tokens issued: each instance must fetch its token", configured, issued)
			}
			if renewals < 1 {
				t.Fatalf("no provider instance renewed its token although the run outlived it (%d tokens for %d instances)", issued, configured)
			}
			if j.unrenewed401 != 0 {
				t.Fatalf("%d platform requests were refused with 401 and no token renewal followed", j.unrenewed401)
			}
			if j.unauthorized >= renewals {
				t.Fatalf("%d requests were refused for %d renewals: tokens are renewed after they expire, not before", j.unauthorized, renewals)
			}
		})
	}
}

// TestAccProvider_clientCredentials401RenewedOnce refuses the create with a 401, as a platform
// does with a revoked token: the provider renews the token once and sends the create once more,
// which succeeds, so exactly one record exists.
func TestAccProvider_clientCredentials401RenewedOnce(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	const createPath = "/api/llm-gateway/admin/providers"
	if err := m.srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodPost, Path: createPath, Status: http.StatusUnauthorized, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	attrs := map[string]string{"name": `"bd-renewed"`, "model_provider": `"openai"`, "api_key": `"bd-key-renewed"`}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{{
			Config: m.clientCredentialsConfig(barndoor.Name) + renderResource(attrs),
			Check: func(*terraform.State) error {
				if keys := m.platformKeys(t, barndoor.Name); !slices.Equal(keys, []string{"bd-renewed"}) {
					return fmt.Errorf("platform holds %v, want exactly [bd-renewed]", keys)
				}
				return nil
			},
		}},
	})
	var sequence []string
	for _, e := range m.srv.Requests() {
		if (e.Method == http.MethodPost && e.Path == createPath) || e.Platform == "oauth" {
			sequence = append(sequence, fmt.Sprintf("%s %s %d", e.Method, e.Path, e.Status))
		}
	}
	// Every Terraform command configures a provider instance, which fetches a token; within the
	// apply, the 401 on the create is followed by exactly one renewal and one resent create.
	refused := slices.Index(sequence, "POST "+createPath+" 401")
	want := []string{"POST " + createPath + " 401", "POST /oauth/token 200", "POST " + createPath + " 200"}
	creates := 0
	for _, line := range sequence {
		if strings.HasPrefix(line, "POST "+createPath) {
			creates++
		}
	}
	if refused < 1 || len(sequence) < refused+len(want) || !slices.Equal(sequence[refused:refused+len(want)], want) || creates != 2 {
		t.Fatalf("token and create requests:\n%s\nwant one refused create, then one renewal and one resent create:\n%s",
			strings.Join(sequence, "\n"), strings.Join(want, "\n"))
	}
}

// TestAccProvider_refusedClientSecret fails the configuration with one error that names the token
// endpoint and the OAuth2 error, and never the secret; no platform request is made.
func TestAccProvider_refusedClientSecret(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	const wrongSecret = "cs-wrong-acceptance-51c7e2"
	cfg := strings.Replace(m.clientCredentialsConfig(barndoor.Name), testClientSecret, wrongSecret, 1) +
		renderResource(map[string]string{"name": `"bd"`, "model_provider": `"openai"`, "api_key": `"k-1234"`})
	want := regexp.MustCompile(`(?s)Unable to Obtain Access Token.*` + regexp.QuoteMeta(m.tokenURL()) + `.*invalid_client.*client_secret`)
	var checked bool
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// ErrorCheck sees the whole error text, so it can also assert what must be absent.
		ErrorCheck: func(err error) error {
			text := regexp.MustCompile(`\s+`).ReplaceAllString(err.Error(), " ")
			if strings.Contains(err.Error(), wrongSecret) {
				return fmt.Errorf("the error holds the client secret: %w", err)
			}
			if !want.MatchString(text) {
				return fmt.Errorf("want an error matching %s, got: %w", want, err)
			}
			checked = true
			return nil
		},
		Steps: []resource.TestStep{{Config: cfg, PlanOnly: true}},
	})
	if !checked {
		t.Fatal("the refused client secret did not fail the configuration")
	}
	for _, e := range m.srv.Requests() {
		if e.Platform != "oauth" {
			t.Fatalf("a platform request was made without a token: %+v", e)
		}
		if e.Status != http.StatusUnauthorized {
			t.Fatalf("the token endpoint accepted the wrong secret: %+v", e)
		}
	}
	if m.srv.TokensIssued() != 0 {
		t.Fatalf("%d tokens issued for a wrong secret", m.srv.TokensIssued())
	}
}

// TestAccProvider_clientCredentialsFromEnvironment configures the client credentials and the
// scopes from the environment only, and refuses a token in the block beside them.
func TestAccProvider_clientCredentialsFromEnvironment(t *testing.T) {
	m := newTestMock(t)
	t.Setenv("LLM_TOKEN_URL", m.tokenURL())
	t.Setenv("LLM_CLIENT_ID", testClientID)
	t.Setenv("LLM_CLIENT_SECRET", testClientSecret)
	t.Setenv("LLM_SCOPES", "llm.read, llm.write")
	block := fmt.Sprintf("provider \"llm\" {\n  platform = %q\n  endpoint = %q\n}\n", barndoor.Name, m.endpoint(barndoor.Name))
	withToken := strings.Replace(block, "}\n", "  token = \"t-static\"\n}\n", 1)
	attrs := map[string]string{"name": `"bd-env"`, "model_provider": `"openai"`, "api_key": `"bd-key-env"`}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      withToken + renderResource(attrs),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Conflicting\s+Authentication\s+Settings.*client_id\s+\(from\s+LLM_CLIENT_ID\)`),
			},
			{Config: block + renderResource(attrs)},
		},
	})
	scoped := false
	for _, e := range m.srv.Requests() {
		if e.Platform == "oauth" && strings.Contains(string(e.Body), `"scope":"llm.read llm.write"`) {
			scoped = true
		}
	}
	if !scoped || m.srv.TokensIssued() == 0 {
		t.Fatalf("no token request carried the scopes from LLM_SCOPES: %+v", m.srv.Requests())
	}
}
