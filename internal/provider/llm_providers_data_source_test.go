package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	mockkeywordsai "github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

const testDataAll = "data.llm_providers.all"

// listFilter is one filtered llm_providers lookup and the records ("test", "second") it must keep.
type listFilter struct {
	body string
	want []string
}

// listCase is a second record per platform and filters that tell it from llm_provider.test.
type listCase struct {
	second  map[string]string
	filters []listFilter
	// managed are the ids of records the platform itself holds, listed before ours.
	managed []string
}

func listCases() map[platform.Name]listCase {
	return map[platform.Name]listCase{
		refactor.Name: {
			second: map[string]string{"model_provider": `"anthropic"`},
			filters: []listFilter{
				{`model_provider = "anthropic"`, []string{"second"}},
				{`model_provider = "openai"`, []string{"test"}},
				{`model_provider = "xai"`, nil},
			},
		},
		flashback.Name: {
			second: map[string]string{"name": `"fb-second"`, "model_provider": `"vertex"`, "workspace_id": `"ws-beta"`},
			filters: []listFilter{
				// vertex and google_ai are both GOOGLE on flashback.
				{`model_provider = "google_ai"`, []string{"second"}},
				{`name = "fb-second"`, []string{"second"}},
				{`name = "FB-SECOND"`, nil},
				{`workspace_id = "ws-beta"`, []string{"second"}},
				{`workspace_id = "ws-alpha"` + "\n  " + `model_provider = "openai"`, []string{"test"}},
			},
		},
		barndoor.Name: {
			second: map[string]string{"name": `"bd-second"`, "model_provider": `"anthropic"`},
			filters: []listFilter{
				{`model_provider = "anthropic"`, []string{"second"}},
				// Barndoor names are unique case-insensitively, and compared so.
				{`name = "BD-SECOND"`, []string{"second"}},
				{`name = "bd-second"` + "\n  " + `model_provider = "openai"`, nil},
			},
		},
		keywordsai.Name: {
			second:  map[string]string{"provider_id": `"kw-second"`, "name": `"KW Second"`},
			managed: []string{mockkeywordsai.ManagedProviderID},
			filters: []listFilter{
				{`name = "KW Second"`, []string{"second"}},
				{`name = "kw second"`, nil},
			},
		},
	}
}

// TestAccLLMProvidersDataSource_filters creates two records and lists them: without filters in
// the platform's order (after the platform's own managed records on keywordsai), and through
// each filter, which keeps exactly the expected records.
func TestAccLLMProvidersDataSource_filters(t *testing.T) {
	lists := listCases()
	for _, tc := range dataSourceCases() {
		lc := lists[tc.platform]
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			second := with(tc.base, lc.second)
			// The second record is created in a later step, so the platform lists it after the first.
			first := m.providerConfig(tc.platform) + renderResource(tc.base)
			both := first + renderNamedResource("second", second)
			depends := "  depends_on = [llm_provider.test, llm_provider.second]\n"
			cfg := both + "data \"llm_providers\" \"all\" {\n" + depends + "}\n"

			off := len(lc.managed)
			total := off + 2
			checks := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testDataAll, tfjsonpath.New("ids"), knownvalue.ListSizeExact(total)),
				statecheck.ExpectKnownValue(testDataAll, tfjsonpath.New("providers"), knownvalue.ListSizeExact(total)),
			}
			for i, id := range lc.managed {
				checks = append(checks,
					statecheck.ExpectKnownValue(testDataAll, tfjsonpath.New("ids").AtSliceIndex(i), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(testDataAll, tfjsonpath.New("providers").AtSliceIndex(i).AtMapKey("managed"), knownvalue.Bool(true)))
			}
			for i, res := range []string{"llm_provider.test", "llm_provider.second"} {
				el := tfjsonpath.New("providers").AtSliceIndex(off + i)
				checks = append(checks,
					statecheck.CompareValuePairs(res, tfjsonpath.New("id"), testDataAll, tfjsonpath.New("ids").AtSliceIndex(off+i), compare.ValuesSame()),
					statecheck.CompareValuePairs(res, tfjsonpath.New("id"), testDataAll, el.AtMapKey("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(res, tfjsonpath.New("name"), testDataAll, el.AtMapKey("name"), compare.ValuesSame()),
					statecheck.CompareValuePairs(res, tfjsonpath.New("created_at"), testDataAll, el.AtMapKey("created_at"), compare.ValuesSame()),
				)
				if tc.platform != flashback.Name { // flashback keeps the configured vertex, the list reads GOOGLE as google_ai.
					checks = append(checks, statecheck.CompareValuePairs(res, tfjsonpath.New("model_provider"), testDataAll, el.AtMapKey("model_provider"), compare.ValuesSame()))
				}
				if tc.platform == keywordsai.Name {
					checks = append(checks, statecheck.ExpectKnownValue(testDataAll, el.AtMapKey("managed"), knownvalue.Bool(false)))
				}
			}
			for i, f := range lc.filters {
				address := fmt.Sprintf("data.llm_providers.f%d", i)
				cfg += fmt.Sprintf("data \"llm_providers\" \"f%d\" {\n  %s\n%s}\n", i, f.body, depends)
				checks = append(checks,
					statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(f.want))),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("providers"), knownvalue.ListSizeExact(len(f.want))))
				for j, res := range f.want {
					checks = append(checks,
						statecheck.CompareValuePairs("llm_provider."+res, tfjsonpath.New("id"), address, tfjsonpath.New("ids").AtSliceIndex(j), compare.ValuesSame()),
						statecheck.CompareValuePairs("llm_provider."+res, tfjsonpath.New("id"), address, tfjsonpath.New("providers").AtSliceIndex(j).AtMapKey("id"), compare.ValuesSame()))
				}
			}
			noSecrets := noSecretsInDataSources{secretValues(tc.base, second)}
			checks = append(checks, noSecrets)
			for _, a := range secretAttributes {
				checks = append(checks, stateCheckFunc(func(req statecheck.CheckStateRequest) error {
					for _, r := range req.State.Values.RootModule.Resources {
						if r.Mode != "data" {
							continue
						}
						providers, _ := r.AttributeValues["providers"].([]any)
						for _, p := range providers {
							if _, ok := p.(map[string]any)[a]; ok {
								return fmt.Errorf("%s lists a record with the secret attribute %q", r.Address, a)
							}
						}
					}
					return nil
				}))
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{Config: first},
					{
						Config:            cfg,
						ConfigStateChecks: checks,
						ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{noSecrets, plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// TestAccLLMProvidersDataSource_empty lists a platform holding none of our records: the lists
// are empty, not null (keywordsai still lists its managed provider).
func TestAccLLMProvidersDataSource_empty(t *testing.T) {
	lists := listCases()
	for _, name := range platformNames() {
		t.Run(string(name), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			n := len(lists[name].managed)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: m.providerConfig(name) + "data \"llm_providers\" \"all\" {}\n",
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(testDataAll, tfjsonpath.New("ids"), knownvalue.ListSizeExact(n)),
						statecheck.ExpectKnownValue(testDataAll, tfjsonpath.New("providers"), knownvalue.ListSizeExact(n)),
					},
				}},
			})
		})
	}
}

// TestAccLLMProvidersDataSource_invalid refuses filters the platform cannot have, before any request.
func TestAccLLMProvidersDataSource_invalid(t *testing.T) {
	m := newTestMock(t)
	var steps []resource.TestStep
	for _, inv := range []struct {
		platform platform.Name
		body     string
		error    []string
	}{
		{keywordsai.Name, `model_provider = "openai"`, []string{"Attribute Not Supported On Keywordsai", "has no model_provider field"}},
		{refactor.Name, `model_provider = "groq"`, []string{"Model Provider Not Supported On Refactor", `does not accept model_provider "groq"`}},
		{refactor.Name, `name = "openai"`, []string{"Attribute Not Supported On Refactor", "has no names"}},
		{barndoor.Name, `workspace_id = "ws"`, []string{"Attribute Not Supported On Barndoor", "has no workspaces"}},
		{barndoor.Name, `model_provider = "gpt"`, []string{"model_provider", "value must be one of"}},
	} {
		steps = append(steps, resource.TestStep{
			Config:      m.providerConfig(inv.platform) + "data \"llm_providers\" \"x\" {\n  " + strings.TrimSpace(inv.body) + "\n}\n",
			ExpectError: wrapped(inv.error...),
		})
	}
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
	if reqs := m.srv.Requests(); len(reqs) != 0 {
		t.Fatalf("invalid filters reached the platform: %+v", reqs)
	}
}
