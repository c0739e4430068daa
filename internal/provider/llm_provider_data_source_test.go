package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

const (
	testDataByID   = "data.llm_provider.by_id"
	testDataByName = "data.llm_provider.by_name"
)

// dataSourceAttributes are the attributes both the resource and the data sources have.
var dataSourceAttributes = []string{
	"id", "provider_id", "name", "model_provider", "base_url", "enabled", "workspace_id", "auth_type", "connection_id",
	"catalog_id", "request_timeout_secs", "stream_idle_timeout_secs", "enforce_health_check", "model_sync_mode", "billing_mode", "billing_reason", "billing_note", "org_id", "catalog_slug", "created_at",
}

// secretAttributes are the resource's secrets, none of which a data source may hold.
var secretAttributes = []string{"api_key", "secret", "credentials", "extra_kwargs"}

// dataSourceCase adds to a resourceCase what the data source scenarios need.
type dataSourceCase struct {
	resourceCase
	// byName is the body of a lookup by name of llm_provider.test; empty where the platform has no names.
	byName string
	// want are the values the data source must read for llm_provider.test, by attribute.
	want map[string]knownvalue.Check
	// missingID is a well-formed id that no record has.
	missingID string
}

func dataSourceCases() []dataSourceCase {
	cases := resourceCases()
	byPlatform := map[platform.Name]dataSourceCase{
		refactor.Name: {
			missingID: "xai",
			want: map[string]knownvalue.Check{
				"id": knownvalue.StringExact("openai"), "model_provider": knownvalue.StringExact("openai"), "enabled": knownvalue.Bool(true),
				"name": knownvalue.Null(), "provider_id": knownvalue.Null(), "base_url": knownvalue.Null(), "workspace_id": knownvalue.Null(),
				"settings": knownvalue.Null(), "managed": knownvalue.Null(), "request_timeout_secs": knownvalue.Null(),
				"enforce_health_check": knownvalue.Null(), "health_status": knownvalue.Null(), "secret_path": knownvalue.Null(),
			},
		},
		flashback.Name: {
			// Flashback names are unique within a workspace, so the lookup names it.
			byName:    "name = llm_provider.test.name\n  workspace_id = llm_provider.test.workspace_id",
			missingID: "8d3e5a1c-0000-4000-8000-000000000000",
			want: map[string]knownvalue.Check{
				"name": knownvalue.StringExact("fb-primary"), "model_provider": knownvalue.StringExact("openai"),
				"base_url": knownvalue.StringExact("https://api.openai.com/v1"), "workspace_id": knownvalue.StringExact("ws-alpha"),
				"org_id": knownvalue.NotNull(), "created_at": knownvalue.NotNull(), "enabled": knownvalue.Null(),
				"settings": knownvalue.Null(), "managed": knownvalue.Null(), "provider_id": knownvalue.Null(), "auth_type": knownvalue.Null(),
				"enforce_health_check": knownvalue.Null(),
			},
		},
		barndoor.Name: {
			// Barndoor compares names case-insensitively: the lookup shouts, the record does not.
			byName:    "name = upper(llm_provider.test.name)",
			missingID: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
			want: map[string]knownvalue.Check{
				"name": knownvalue.StringExact("bd-primary"), "model_provider": knownvalue.StringExact("openai"),
				"enabled": knownvalue.Bool(true), "auth_type": knownvalue.NotNull(), "base_url": knownvalue.NotNull(),
				"request_timeout_secs": knownvalue.Int64Exact(1800), "stream_idle_timeout_secs": knownvalue.Null(),
				// Not configured: the platform's default.
				"enforce_health_check": knownvalue.Bool(true),
				"settings":             knownvalue.StringRegexp(regexp.MustCompile(`^\{.*"temperature_default":0\.2.*\}$`)),
				"connection_id":        knownvalue.Null(), "org_id": knownvalue.NotNull(), "created_at": knownvalue.NotNull(),
				"updated_at": knownvalue.NotNull(), "managed": knownvalue.Null(), "workspace_id": knownvalue.Null(),
				"health_status": knownvalue.StringExact("unverified"),
				"secret_path":   knownvalue.StringRegexp(regexp.MustCompile(`^llm-gateway/[^/]+/providers/[^/]+$`)),
			},
		},
		keywordsai.Name: {
			byName:    "name = llm_provider.test.name",
			missingID: "kw-missing",
			want: map[string]knownvalue.Check{
				"id": knownvalue.StringExact("kw-primary"), "provider_id": knownvalue.StringExact("kw-primary"),
				"name": knownvalue.StringExact("KW Primary"), "managed": knownvalue.Bool(false), "created_at": knownvalue.NotNull(),
				"model_provider": knownvalue.Null(), "enabled": knownvalue.Null(), "settings": knownvalue.Null(), "workspace_id": knownvalue.Null(),
				"health_status": knownvalue.Null(),
			},
		},
	}
	out := make([]dataSourceCase, len(cases))
	for i, rc := range cases {
		dc := byPlatform[rc.platform]
		dc.resourceCase = rc
		out[i] = dc
	}
	return out
}

// renderNamedResource renders an llm_provider resource under another name than "test".
func renderNamedResource(name string, attrs map[string]string) string {
	return strings.Replace(renderResource(attrs), `resource "llm_provider" "test"`, fmt.Sprintf("resource \"llm_provider\" %q", name), 1)
}

// secretValues lists the string literals of the configuration's secret attributes.
func secretValues(configs ...map[string]string) []string {
	values := []string{testToken}
	literal := regexp.MustCompile(`"([^"]+)"`)
	for _, cfg := range configs {
		for _, a := range secretAttributes {
			for _, m := range literal.FindAllStringSubmatch(cfg[a], -1) {
				if !slices.Contains(values, m[1]) {
					values = append(values, m[1])
				}
			}
		}
	}
	return values
}

// noSecretsInDataSources fails when any data source in the state or plan JSON holds one of the
// values, or when there is no data source to look at (so the check cannot pass vacuously).
type noSecretsInDataSources struct{ values []string }

func (c noSecretsInDataSources) search(what string, objects []any) error {
	if len(objects) == 0 {
		return fmt.Errorf("no data source in the %s to check for secrets", what)
	}
	data, err := json.Marshal(objects)
	if err != nil {
		return err
	}
	for _, v := range c.values {
		if strings.Contains(string(data), v) {
			return fmt.Errorf("a data source in the %s holds the secret value %q", what, v)
		}
	}
	return nil
}

func (c noSecretsInDataSources) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("the state is empty")
		return
	}
	var objects []any
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Mode == "data" {
			objects = append(objects, r.AttributeValues)
		}
	}
	resp.Error = c.search("state", objects)
}

func (c noSecretsInDataSources) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var objects []any
	if pv := req.Plan.PlannedValues; pv != nil && pv.RootModule != nil {
		for _, r := range pv.RootModule.Resources {
			if r.Mode == "data" {
				objects = append(objects, r.AttributeValues)
			}
		}
	}
	if ps := req.Plan.PriorState; ps != nil && ps.Values != nil && ps.Values.RootModule != nil {
		for _, r := range ps.Values.RootModule.Resources {
			if r.Mode == "data" {
				objects = append(objects, r.AttributeValues)
			}
		}
	}
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Mode == "data" && rc.Change != nil {
			objects = append(objects, rc.Change.Before, rc.Change.After)
		}
	}
	resp.Error = c.search("plan", objects)
}

// expectedValues checks the data source against the platform's expected values and, for every
// attribute the resource also has, against the resource's own value.
func expectedValues(tc dataSourceCase, address string) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for _, a := range dataSourceAttributes {
		if slices.Contains(tc.secrets, a) {
			continue // The platform never returns it: the resource keeps its configured value.
		}
		checks = append(checks, statecheck.CompareValuePairs(testResource, tfjsonpath.New(a), address, tfjsonpath.New(a), compare.ValuesSame()))
	}
	for _, a := range sortedKeys(tc.want) {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(a), tc.want[a]))
	}
	for _, a := range secretAttributes {
		checks = append(checks, expectNoAttribute(address, a))
	}
	return checks
}

// expectNoAttribute fails when the data source has the attribute at all (even null).
func expectNoAttribute(address, attrName string) statecheck.StateCheck {
	return stateCheckFunc(func(req statecheck.CheckStateRequest) error {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Address == address {
				if _, ok := r.AttributeValues[attrName]; ok {
					return fmt.Errorf("%s has the secret attribute %q", address, attrName)
				}
				return nil
			}
		}
		return fmt.Errorf("%s not in state", address)
	})
}

type stateCheckFunc func(req statecheck.CheckStateRequest) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("the state is empty")
		return
	}
	resp.Error = f(req)
}

// wrapped matches the literal parts in order, allowing Terraform's line wrapping at any space.
func wrapped(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// TestAccLLMProviderDataSource_basic creates a record with the resource and reads it back by id
// and, where the platform has names, by name: every value matches the resource's, attributes the
// platform does not have are null, and no secret reaches the data source.
func TestAccLLMProviderDataSource_basic(t *testing.T) {
	for _, tc := range dataSourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			cfg := m.providerConfig(tc.platform) + renderResource(tc.base) +
				"data \"llm_provider\" \"by_id\" {\n  id = llm_provider.test.id\n}\n"
			checks := expectedValues(tc, testDataByID)
			if tc.byName != "" {
				cfg += "data \"llm_provider\" \"by_name\" {\n  " + tc.byName + "\n}\n"
				checks = append(checks, expectedValues(tc, testDataByName)...)
			}
			noSecrets := noSecretsInDataSources{secretValues(tc.base)}
			checks = append(checks, noSecrets)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{
						Config:            cfg,
						ConfigStateChecks: checks,
						// The plan after apply reads the data sources at plan time, so their values are in the plan.
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{noSecrets, plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// TestAccLLMProviderDataSource_notFound looks up an id and a name no record has: each fails with
// "No LLM Provider Found" naming what was searched.
func TestAccLLMProviderDataSource_notFound(t *testing.T) {
	for _, tc := range dataSourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			steps := []resource.TestStep{{
				Config:      m.providerConfig(tc.platform) + fmt.Sprintf("data \"llm_provider\" \"by_id\" {\n  id = %q\n}\n", tc.missingID),
				ExpectError: wrapped(`No LLM Provider Found`, fmt.Sprintf(`No LLM provider with id %q exists on the %s platform`, tc.missingID, tc.platform)),
			}}
			if tc.byName != "" {
				steps = append(steps, resource.TestStep{
					Config:      m.providerConfig(tc.platform) + "data \"llm_provider\" \"by_name\" {\n  name = \"no-such-record\"\n}\n",
					ExpectError: wrapped(`No LLM Provider Found`, `No LLM provider named "no-such-record"`, fmt.Sprintf(`exists on the %s platform`, tc.platform)),
				})
			}
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
		})
	}
}

// TestAccLLMProviderDataSource_nameIsExact checks that flashback and keywordsai compare names
// exactly: a differently cased name finds nothing.
func TestAccLLMProviderDataSource_nameIsExact(t *testing.T) {
	for _, tc := range dataSourceCases() {
		if tc.platform != flashback.Name && tc.platform != keywordsai.Name {
			continue
		}
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{Config: m.providerConfig(tc.platform) + renderResource(tc.base)},
					{
						Config: m.providerConfig(tc.platform) + renderResource(tc.base) +
							"data \"llm_provider\" \"by_name\" {\n  name = upper(llm_provider.test.name)\n}\n",
						ExpectError: regexp.MustCompile(`No LLM Provider Found`),
					},
				},
			})
		})
	}
}

// TestAccLLMProviderDataSource_ambiguousName creates two flashback records with one name in two
// workspaces: a lookup by name alone lists both ids, and workspace_id narrows it to one.
func TestAccLLMProviderDataSource_ambiguousName(t *testing.T) {
	tc := dataSourceCases()[1]
	if tc.platform != flashback.Name {
		t.Fatalf("case 1 is %s, want flashback", tc.platform)
	}
	m := newTestMock(t)
	resources := m.providerConfig(tc.platform) + renderResource(tc.base) +
		renderNamedResource("second", with(tc.base, map[string]string{"workspace_id": `"ws-beta"`}))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, tc.platform),
		Steps: []resource.TestStep{
			{Config: resources},
			{
				Config: resources + "data \"llm_provider\" \"by_name\" {\n  name = \"fb-primary\"\n}\n",
				// The two were created concurrently, so either may be listed first.
				ExpectError: regexp.MustCompile(`(?s)Several LLM Providers Found.*2 LLM providers named\s+"fb-primary".*` +
					`(\(workspace\s+ws-alpha\).*\(workspace\s+ws-beta\)|\(workspace\s+ws-beta\).*\(workspace\s+ws-alpha\)).*Set\s+workspace_id`),
			},
			{
				Config: resources + "data \"llm_provider\" \"by_name\" {\n  name = \"fb-primary\"\n  workspace_id = \"ws-beta\"\n}\n",
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("llm_provider.second", tfjsonpath.New("id"), testDataByName, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue(testDataByName, tfjsonpath.New("workspace_id"), knownvalue.StringExact("ws-beta")),
				},
			},
		},
	})
}

// TestAccLLMProviderDataSource_invalid refuses lookups that cannot work, before any request.
func TestAccLLMProviderDataSource_invalid(t *testing.T) {
	m := newTestMock(t)
	steps := []resource.TestStep{}
	for _, inv := range []struct {
		platform platform.Name
		body     string
		error    []string
	}{
		{barndoor.Name, "", []string{"Missing Attribute Configuration", "Exactly one of these attributes must be configured: [id,name]"}},
		{barndoor.Name, `id = "a"` + "\n" + `name = "b"`, []string{"Invalid Attribute Combination", "Exactly one of these attributes must be configured: [id,name]"}},
		{refactor.Name, `name = "openai"`, []string{"Attribute Not Supported On Refactor", "has no names", `Look the record up with id instead (for example id = "openai")`}},
		{barndoor.Name, `name = "x"` + "\n" + `workspace_id = "ws"`, []string{"Attribute Not Supported On Barndoor", "has no workspaces"}},
	} {
		steps = append(steps, resource.TestStep{
			Config:      m.providerConfig(inv.platform) + "data \"llm_provider\" \"x\" {\n" + inv.body + "\n}\n",
			ExpectError: wrapped(inv.error...),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if reqs := m.srv.Requests(); len(reqs) != 0 {
		t.Fatalf("invalid lookups reached the platform: %+v", reqs)
	}
}
