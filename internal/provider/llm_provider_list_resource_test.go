package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// queryChecks are the version checks for tests of terraform query (Terraform 1.14 and later;
// OpenTofu has no query command).
var queryChecks = []tfversion.TerraformVersionCheck{
	skipOnOpenTofu{"list resources (it has no query command)"}, tfversion.SkipBelow(tfversion.Version1_14_0),
}

// listFilterCase is one filtered list block and the seeded records (by index) it must return.
type listFilterCase struct {
	config string
	want   []int
}

// listFilterCases are, per platform, the filters the platform supports and what each matches
// among the records seedRecords creates.
var listFilterCases = map[platform.Name][]listFilterCase{
	refactor.Name:   {{`model_provider = "anthropic"`, []int{1}}},
	flashback.Name:  {{`workspace_id = "ws-alpha"`, []int{0, 1}}, {`model_provider = "openai"`, []int{0, 2}}, {`name = "fb-c"`, []int{2}}},
	barndoor.Name:   {{`model_provider = "openai"`, []int{0, 2}}, {`name = "BD-B"`, []int{1}}},
	keywordsai.Name: {{`name = "KW kw-b"`, []int{1}}},
}

func listBlock(name, config string, includeResource bool) string {
	return fmt.Sprintf("list \"llm_provider\" %q {\n  provider         = llm\n  include_resource = %t\n  config {\n    %s\n  }\n}\n", name, includeResource, config)
}

// TestAccLLMProviderListResource_query runs terraform query against records that exist on each
// platform: an unfiltered list returns every record with its identity and, with
// include_resource, the attributes that describe it (and no secret); records the platform manages
// itself are left out (they cannot be imported); each filter returns exactly its matches; the
// platform received one list call per list block and nothing else.
func TestAccLLMProviderListResource_query(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			recs := seedRecords(t, m, tc.platform)
			spec := mustSpec(t, tc.platform)
			query := listBlock("all", "", true)
			var checks []querycheck.QueryResultCheck
			checks = append(checks, querycheck.ExpectLength("llm_provider.all", len(recs)))
			for _, rec := range recs {
				ws := ""
				if spec.Supports(platform.FieldWorkspaceID) {
					ws = unquote(rec.attrs["workspace_id"])
				}
				checks = append(checks, querycheck.ExpectIdentity("llm_provider.all", expectedIdentity(t, tc.platform, knownvalue.StringExact(rec.id), ws)))
				var values []querycheck.KnownValueCheck
				for attr, v := range rec.attrs {
					values = append(values, querycheck.KnownValueCheck{Path: tfjsonpath.New(attr), KnownValue: hclKnownValue(v)})
				}
				values = append(values, querycheck.KnownValueCheck{Path: tfjsonpath.New("api_key"), KnownValue: knownvalue.Null()})
				checks = append(checks, querycheck.ExpectResourceKnownValues("llm_provider.all",
					queryfilter.ByResourceIdentity(expectedIdentity(t, tc.platform, knownvalue.StringExact(rec.id), ws)), values))
			}
			for i, f := range listFilterCases[tc.platform] {
				name := fmt.Sprintf("filter_%d", i)
				query += listBlock(name, f.config, false)
				checks = append(checks, querycheck.ExpectLength("llm_provider."+name, len(f.want)))
				for _, w := range f.want {
					checks = append(checks, querycheck.ExpectIdentity("llm_provider."+name, expectedIdentity(t, tc.platform, knownvalue.StringExact(recs[w].id), wsOf(spec, recs[w]))))
				}
			}
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   queryChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{Config: m.providerConfig(tc.platform)},
					{PreConfig: clearJournal(m), Query: true, Config: query, QueryResultChecks: checks},
				},
			})
			// One list call per list block (the data source's paging aside, each mock list is one page).
			blocks := 1 + len(listFilterCases[tc.platform])
			gets, writes := 0, len(m.writes())
			for _, e := range m.srv.Requests() {
				if e.Method == http.MethodGet {
					gets++
				}
			}
			if gets != blocks || writes != 0 {
				t.Errorf("terraform query sent %d list calls and %d writes, want %d list calls (one per list block) and no writes: %+v", gets, writes, blocks, m.srv.Requests())
			}
		})
	}
}

func wsOf(spec platform.Spec, rec seededRecord) string {
	if spec.Supports(platform.FieldWorkspaceID) {
		return unquote(rec.attrs["workspace_id"])
	}
	return ""
}

func unquote(hclString string) string {
	if len(hclString) >= 2 && hclString[0] == '"' {
		return hclString[1 : len(hclString)-1]
	}
	return hclString
}

// hclKnownValue is the knownvalue check for a literal HCL value of the seeds: a string or a bool.
func hclKnownValue(v string) knownvalue.Check {
	switch v {
	case "true", "false":
		return knownvalue.Bool(v == "true")
	}
	return knownvalue.StringExact(unquote(v))
}

// TestAccLLMProviderListResource_invalidFilter refuses a filter the platform cannot apply with
// the reason, before any request reaches the platform.
func TestAccLLMProviderListResource_invalidFilter(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   queryChecks,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: m.providerConfig(refactor.Name)},
			{
				PreConfig:   clearJournal(m),
				Query:       true,
				Config:      listBlock("named", `name = "openai"`, false),
				ExpectError: regexp.MustCompile(`(?s)Attribute Not Supported On Refactor.*no\s+names`),
			},
			{
				Query:       true,
				Config:      listBlock("grouped", `model_provider = "groq"`, false),
				ExpectError: regexp.MustCompile(`(?s)Model Provider Not Supported On Refactor.*Allowed\s+values`),
			},
		},
	})
	if reqs := m.srv.Requests(); len(reqs) != 0 {
		t.Errorf("an invalid list filter reached the platform: %+v", reqs)
	}
}

// TestLLMProviderListResource_schemaValid checks the list resource's schema and that the
// provider registers it under the resource's name, which terraform query requires.
func TestLLMProviderListResource_schemaValid(t *testing.T) {
	t.Parallel()
	l := NewLLMProviderListResource()
	var resp list.ListResourceSchemaResponse
	l.ListResourceConfigSchema(context.Background(), list.ListResourceSchemaRequest{}, &resp)
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("list schema is invalid: %v", diags)
	}
	for _, name := range []string{"model_provider", "name", "workspace_id"} {
		a, ok := resp.Schema.Attributes[name]
		if !ok || !a.IsOptional() || a.GetMarkdownDescription() == "" {
			t.Errorf("filter %s must be an optional, documented attribute", name)
		}
	}
	if got := len((&terraformProvider{}).ListResources(context.Background())); got != 1 {
		t.Errorf("the provider registers %d list resources, want 1", got)
	}
}
