package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

const testResource = "llm_provider.test"

// resourceCase describes one platform for the scenarios every platform must pass.
type resourceCase struct {
	platform platform.Name
	// base is a valid configuration: attribute name to HCL expression.
	base map[string]string
	// update changes one attribute in place; updateWire are the wire keys the one update body must hold.
	updateAttr, updateValue string
	updateWire              []string
	// replaceAttr changes to replaceValue and forces a new record.
	replaceAttr, replaceValue string
	// secretAttr is the secret that rotates through <secretAttr>_wo_version; secretWire is its wire key.
	secretAttr, secretWire string
	// outOfBand changes driftAttr on the platform; gone deletes the record.
	outOfBand func(t *testing.T, m *testMock, id string)
	driftAttr string
	gone      func(t *testing.T, m *testMock, id string)
	// computed attributes that must be known and non-null after create.
	computed []string
	// secrets are the attributes import cannot recover: secrets, and what the platform never returns.
	secrets []string
	// invalid configurations: attribute overrides and the error they must give at plan time.
	invalid []invalidCase
}

// invalidCase is a configuration refused at plan time; error is the phrases the error must hold,
// in order: what failed and what is allowed.
type invalidCase struct {
	name  string
	set   map[string]string
	drop  []string
	error []string
}

func renderResource(attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("resource \"llm_provider\" \"test\" {\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s = %s\n", k, attrs[k])
	}
	b.WriteString("}\n")
	return b.String()
}

func with(base map[string]string, set map[string]string, drop ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		if !slices.Contains(drop, k) {
			out[k] = v
		}
	}
	for k, v := range set {
		out[k] = v
	}
	return out
}

func resourceCases() []resourceCase {
	return []resourceCase{
		{
			platform: refactor.Name,
			base: map[string]string{
				"model_provider": `"openai"`, "enabled": "true", "api_key": `"sk-refactor-initial-key"`,
				"credentials": `{ organization = "org-refactor-initial" }`,
			},
			updateAttr: "enabled", updateValue: "false", updateWire: []string{"enabled"},
			replaceAttr: "model_provider", replaceValue: `"anthropic"`,
			secretAttr: "api_key", secretWire: "credentials",
			outOfBand: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodPut, "/api/v1/llm-provider/"+id, map[string]any{"enabled": false})
			},
			driftAttr: "enabled",
			gone: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodDelete, "/api/v1/llm-provider/"+id, nil)
			},
			computed: []string{"id", "enabled"},
			secrets:  []string{"api_key", "credentials"},
			invalid: []invalidCase{
				{name: "n/a name", set: map[string]string{"name": `"x"`}, error: []string{"Attribute Not Supported On Refactor", `"name" is not an attribute of the refactor platform`, "The refactor platform supports: " + refactor.Spec.SupportedList()}},
				{name: "model provider refactor lacks", set: map[string]string{"model_provider": `"groq"`}, error: []string{`does not accept model_provider "groq"`, "Allowed values: " + strings.Join(refactor.Spec.ModelProviders, ", ")}},
				{name: "bad enum", set: map[string]string{"model_provider": `"gpt"`}, error: []string{"model_provider value must be one of:", `"openai"`, `got: "gpt"`}},
				{name: "api_key with api_key_wo", set: map[string]string{"api_key_wo": `"sk-x"`, "api_key_wo_version": `"1"`}, error: []string{"Invalid Attribute Combination", `"api_key_wo" cannot be specified when "api_key" is specified`}},
				{name: "n/a range attribute", set: map[string]string{"request_timeout_secs": "5000"}, error: []string{"request_timeout_secs value must be between 1 and 3600", "got: 5000"}},
			},
		},
		{
			platform: flashback.Name,
			base: map[string]string{
				"name": `"fb-primary"`, "model_provider": `"openai"`, "base_url": `"https://api.openai.com/v1"`,
				"workspace_id": `"ws-alpha"`, "api_key": `"fb-key-initial"`, "secret": `"fb-secret-initial"`,
			},
			updateAttr: "name", updateValue: `"fb-renamed"`, updateWire: []string{"name"},
			replaceAttr: "workspace_id", replaceValue: `"ws-beta"`,
			secretAttr: "secret", secretWire: "secret",
			outOfBand: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodPut, "/ai/llm/"+id, map[string]any{"endpoint": "https://drifted.example.com"})
			},
			driftAttr: "base_url",
			gone: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodDelete, "/ai/llm/"+id, nil)
			},
			computed: []string{"id", "org_id", "created_at"},
			secrets:  []string{"api_key", "secret"},
			invalid: []invalidCase{
				{name: "n/a enabled", set: map[string]string{"enabled": "false"}, error: []string{"Attribute Not Supported On Flashback", `"enabled" is not an attribute of the flashback platform`, "The flashback platform supports: " + flashback.Spec.SupportedList()}},
				{name: "missing secret", drop: []string{"secret"}, error: []string{`The flashback platform requires "secret"`, `Set "secret" or "secret_wo" with "secret_wo_version"`}},
				{name: "bad url", set: map[string]string{"base_url": `"not a url"`}, error: []string{"base_url must be an absolute http:// or https:// URL", `got "not a url"`}},
				{name: "secret with secret_wo", set: map[string]string{"secret_wo": `"s"`, "secret_wo_version": `"1"`}, error: []string{"Invalid Attribute Combination", `"secret_wo" cannot be specified when "secret" is specified`}},
				{name: "wo without version", set: map[string]string{"api_key_wo": `"k"`}, drop: []string{"api_key"}, error: []string{`"api_key_wo_version" must be specified when "api_key_wo" is specified`}},
			},
		},
		{
			platform: barndoor.Name,
			base: map[string]string{
				"name": `"bd-primary"`, "model_provider": `"openai"`, "api_key": `"bd-key-initial"`,
				"settings": `jsonencode({ temperature_default = 0.2 })`, "request_timeout_secs": "1800",
			},
			updateAttr: "enforce_health_check", updateValue: "false", updateWire: []string{"enforce_health_check"},
			replaceAttr: "model_provider", replaceValue: `"anthropic"`,
			secretAttr: "api_key", secretWire: "api_key",
			outOfBand: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodPut, "/api/llm-gateway/admin/providers/"+id, map[string]any{"name": "bd-renamed-out-of-band"})
			},
			driftAttr: "name",
			gone: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodDelete, "/api/llm-gateway/admin/providers/"+id, nil)
			},
			computed: []string{"id", "org_id", "auth_type", "base_url", "enabled", "enforce_health_check", "created_at"},
			secrets:  []string{"api_key"},
			invalid: []invalidCase{
				{name: "n/a workspace", set: map[string]string{"workspace_id": `"ws"`}, error: []string{"Attribute Not Supported On Barndoor", `"workspace_id" is not an attribute of the barndoor platform`, "The barndoor platform supports: " + barndoor.Spec.SupportedList()}},
				{name: "timeout out of range", set: map[string]string{"request_timeout_secs": "3601"}, error: []string{"request_timeout_secs value must be between 1 and 3600", "got: 3601"}},
				{name: "stream timeout out of range", set: map[string]string{"stream_idle_timeout_secs": "0"}, error: []string{"stream_idle_timeout_secs value must be between 1 and 1800", "got: 0"}},
				{name: "bad uuid", set: map[string]string{"connection_id": `"not-a-uuid"`}, error: []string{"connection_id", "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a", "got: not-a-uuid"}},
				{name: "settings not an object", set: map[string]string{"settings": `"[1,2]"`}, error: []string{"settings must be a JSON object such as", "it is JSON but not an object"}},
			},
		},
		{
			platform: keywordsai.Name,
			base: map[string]string{
				"provider_id": `"kw-primary"`, "name": `"KW Primary"`, "api_key": `"kw-key-initial"`,
				"base_url": `"https://kw.example.com/openai"`, "extra_kwargs": `jsonencode({ timeout = 60 })`,
			},
			updateAttr: "name", updateValue: `"KW Renamed"`, updateWire: []string{"provider_name"},
			replaceAttr: "provider_id", replaceValue: `"kw-secondary"`,
			secretAttr: "api_key", secretWire: keywordsaiKeyWire(),
			outOfBand: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodPatch, "/api/providers/"+id+"/", map[string]any{"provider_name": "KW Out Of Band"})
			},
			driftAttr: "name",
			gone: func(t *testing.T, m *testMock, id string) {
				m.call(t, http.MethodDelete, "/api/providers/"+id+"/", nil)
			},
			computed: []string{"id", "created_at"},
			secrets:  keywordsaiUnreadable(),
			invalid: []invalidCase{
				{name: "n/a model provider", set: map[string]string{"model_provider": `"openai"`}, error: []string{"Attribute Not Supported On Keywordsai", `"model_provider" is not an attribute of the keywordsai platform`, "The keywordsai platform supports: " + keywordsai.Spec.SupportedList()}},
				{name: "missing provider_id", drop: []string{"provider_id"}, error: []string{`The keywordsai platform requires "provider_id"`}},
				{name: "extra_kwargs not an object", set: map[string]string{"extra_kwargs": `"nope"`}, error: []string{"extra_kwargs must be a JSON object such as", "it does not parse as JSON"}},
				{name: "base_url twice", set: map[string]string{"extra_kwargs": `jsonencode({ base_url = "https://x.example.com" })`}, error: []string{"Conflicting Base URL", `extra_kwargs holds "base_url" while the base_url attribute is set`, "Set the base URL in one place: the base_url attribute."}},
				{name: "bad url", set: map[string]string{"base_url": `"ftp://x"`}, error: []string{"base_url must be an absolute http:// or https:// URL", `got "ftp://x"`}},
			},
		},
	}
}

// stateID reads the resource id from state into *id.
func stateID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[testResource]
		if !ok {
			return fmt.Errorf("%s not in state", testResource)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// expectOneUpdate asserts the journal holds exactly one write, an update whose body has exactly keys.
func expectOneUpdate(m *testMock, keys ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		writes := m.writes()
		if len(writes) != 1 {
			return fmt.Errorf("want exactly one write request, got %d: %+v", len(writes), writes)
		}
		w := writes[0]
		if w.Method != http.MethodPut && w.Method != http.MethodPatch {
			return fmt.Errorf("want an update (PUT/PATCH), got %s %s", w.Method, w.Path)
		}
		var obj map[string]any
		if err := json.Unmarshal(w.Body, &obj); err != nil {
			return fmt.Errorf("update body is not an object: %s", w.Body)
		}
		got := sortedKeys(obj)
		want := slices.Clone(keys)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("update body keys = %v, want exactly %v (body %s)", got, want, w.Body)
		}
		return nil
	}
}

// hclValue is the state check for a literal HCL value: a bool, a quoted string or an integer.
func hclValue(t *testing.T, v string) knownvalue.Check {
	t.Helper()
	switch {
	case v == "true" || v == "false":
		return knownvalue.Bool(v == "true")
	case strings.HasPrefix(v, `"`):
		return knownvalue.StringExact(strings.Trim(v, `"`))
	}
	var n int64
	if _, err := fmt.Sscan(v, &n); err == nil {
		return knownvalue.Int64Exact(n)
	}
	// Anything else would only be checked as set, which a wrong value passes too.
	t.Fatalf("hclValue cannot read %q as a literal: give the test case a string, number or bool", v)
	return nil
}

func clearJournal(m *testMock) func() { return func() { m.srv.ClearRequests() } }

// TestAccLLMProviderResource_basic covers create with computed fields, the empty plan after apply,
// an in-place update of one attribute sent as one minimal request, and import.
func TestAccLLMProviderResource_basic(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			cfg := m.providerConfig(tc.platform) + renderResource(tc.base)
			updated := m.providerConfig(tc.platform) + renderResource(with(tc.base, map[string]string{tc.updateAttr: tc.updateValue}))
			var checks []statecheck.StateCheck
			for _, a := range tc.computed {
				checks = append(checks, statecheck.ExpectKnownValue(testResource, tfjsonpath.New(a), knownvalue.NotNull()))
			}
			var id string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy: resource.ComposeTestCheckFunc(destroyedAll(t, m, tc.platform), func(*terraform.State) error {
					if !deleted(m, id) {
						return fmt.Errorf("no successful DELETE of %s reached the platform", id)
					}
					return nil
				}),
				Steps: []resource.TestStep{
					{
						PreConfig:         clearJournal(m),
						Config:            cfg,
						ConfigStateChecks: checks,
						Check: resource.ComposeTestCheckFunc(stateID(&id), func(*terraform.State) error {
							creates := 0
							for _, w := range m.writes() {
								if w.Method == http.MethodPost {
									creates++
								}
							}
							if creates != 1 {
								return fmt.Errorf("want one create request, got %d", creates)
							}
							return nil
						}),
					},
					{
						PreConfig: clearJournal(m),
						Config:    updated,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate)},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(testResource, tfjsonpath.New(tc.updateAttr), hclValue(t, tc.updateValue)),
						},
						Check: expectOneUpdate(m, tc.updateWire...),
					},
					{
						ResourceName:            testResource,
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: append(slices.Clone(tc.secrets), "timeouts"),
					},
				},
			})
		})
	}
}

// TestAccLLMProviderResource_replace checks that a field the platform cannot update forces a new record.
func TestAccLLMProviderResource_replace(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			var oldID, newID string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{Config: m.providerConfig(tc.platform) + renderResource(tc.base), Check: stateID(&oldID)},
					{
						PreConfig: clearJournal(m),
						Config:    m.providerConfig(tc.platform) + renderResource(with(tc.base, map[string]string{tc.replaceAttr: tc.replaceValue})),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionDestroyBeforeCreate)},
						},
						// The platform saw the old record deleted, then the new one created.
						Check: resource.ComposeTestCheckFunc(stateID(&newID), func(*terraform.State) error {
							var order []string
							for _, w := range m.writes() {
								order = append(order, w.Method)
							}
							if !slices.Equal(order, []string{http.MethodDelete, http.MethodPost}) || !deleted(m, oldID) || oldID == newID {
								return fmt.Errorf("replace sent %v (old %s, new %s), want the DELETE of the old record, then one POST", order, oldID, newID)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// expectNoValueInPlan fails when the plan JSON holds any of the values.
type expectNoValueInPlan struct{ values []string }

func (e expectNoValueInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	// The configuration section echoes literal expressions; what Terraform stores is the values.
	data, err := json.Marshal([]any{req.Plan.PlannedValues, req.Plan.ResourceChanges, req.Plan.PriorState, req.Plan.OutputChanges})
	if err != nil {
		resp.Error = err
		return
	}
	for _, v := range e.values {
		if strings.Contains(string(data), v) {
			resp.Error = fmt.Errorf("the plan JSON holds the write-only value %q", v)
		}
	}
}

// TestAccLLMProviderResource_writeOnlyRotation rotates a write-only secret through its version:
// the update body holds only the secret, and the value is absent from plan and state.
func TestAccLLMProviderResource_writeOnlyRotation(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			first, second := "wo-first-"+string(tc.platform)+"-value", "wo-second-"+string(tc.platform)+"-value"
			config := func(value, version string) string {
				return m.providerConfig(tc.platform) + renderResource(with(tc.base, map[string]string{
					tc.secretAttr + "_wo": fmt.Sprintf("%q", value), tc.secretAttr + "_wo_version": fmt.Sprintf("%q", version),
				}, tc.secretAttr))
			}
			woState := []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New(tc.secretAttr+"_wo"), knownvalue.Null()),
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New(tc.secretAttr), knownvalue.Null()),
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{
						PreConfig:         clearJournal(m),
						Config:            config(first, "1"),
						ConfigStateChecks: woState,
						ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectNoValueInPlan{[]string{first}}}},
						Check: func(*terraform.State) error {
							for _, w := range m.writes() {
								if w.Method == http.MethodPost && strings.Contains(string(w.Body), first) {
									return nil
								}
							}
							return fmt.Errorf("the create request did not carry the write-only secret")
						},
					},
					{
						// The same value with the same version: nothing to send.
						Config:           config(first, "1"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						PreConfig:         clearJournal(m),
						Config:            config(second, "2"),
						ConfigStateChecks: woState,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
							expectNoValueInPlan{[]string{first, second}},
						}},
						Check: resource.ComposeTestCheckFunc(expectOneUpdate(m, tc.secretWire), func(*terraform.State) error {
							if w := m.writes(); len(w) == 1 && !strings.Contains(string(w[0].Body), second) {
								return fmt.Errorf("the update did not carry the rotated secret: %s", w[0].Body)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// TestAccLLMProviderResource_drift changes and then deletes the record out of band: the next plan
// shows the change, then plans a create.
func TestAccLLMProviderResource_drift(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			cfg := m.providerConfig(tc.platform) + renderResource(tc.base)
			var id string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{Config: cfg, Check: stateID(&id)},
					{
						PreConfig:          func() { tc.outOfBand(t, m, id) },
						Config:             cfg,
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
						}},
					},
					{
						// Applying converges back to the configuration.
						Config: cfg,
					},
					{
						PreConfig:          func() { tc.gone(t, m, id) },
						Config:             cfg,
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionCreate),
						}},
					},
				},
			})
		})
	}
}

// TestAccLLMProviderResource_importBlock imports an existing record with an import block and
// expects an empty plan apart from the import itself.
func TestAccLLMProviderResource_importBlock(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			cfg := m.providerConfig(tc.platform) + renderResource(tc.base)
			// What a user writes after importing: everything the platform can return. The secrets are
			// set afterwards (see the docs), which plans one in-place update that sends them.
			imported := m.providerConfig(tc.platform) + renderResource(with(tc.base, nil, tc.secrets...))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{Config: cfg},
					{
						Config:          imported,
						ResourceName:    testResource,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithID,
						ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionNoop),
						}},
					},
				},
			})
		})
	}
}

// TestAccLLMProviderResource_invalid fails each invalid configuration at plan time with the
// attribute named, before any request reaches the platform.
func TestAccLLMProviderResource_invalid(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			var steps []resource.TestStep
			for _, inv := range tc.invalid {
				steps = append(steps, resource.TestStep{
					Config:      m.providerConfig(tc.platform) + renderResource(with(tc.base, inv.set, inv.drop...)),
					PlanOnly:    true,
					ExpectError: phrases(inv.error...),
				})
			}
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testAccProtoV6ProviderFactories, Steps: steps})
			if reqs := m.srv.Requests(); len(reqs) != 0 {
				t.Fatalf("invalid configurations reached the platform: %+v", reqs)
			}
		})
	}
}

// journalBodies returns the journaled bodies of writes with the method, decoded.
func journalBodies(t *testing.T, m *testMock, method string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, w := range m.writes() {
		if w.Method == method {
			var obj map[string]any
			if err := json.Unmarshal(w.Body, &obj); err != nil {
				t.Fatalf("journaled %s body is not an object: %s", method, w.Body)
			}
			out = append(out, obj)
		}
	}
	return out
}

func expectBodies(t *testing.T, m *testMock, method string, want ...map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := journalBodies(t, m, method)
		wantJSON, _ := json.Marshal(want)
		gotJSON, _ := json.Marshal(got)
		if string(wantJSON) != string(gotJSON) {
			return fmt.Errorf("%s bodies = %s, want exactly %s", method, gotJSON, wantJSON)
		}
		return nil
	}
}

// TestAccLLMProviderResource_barndoorCreateDisabled: barndoor's create has no enabled field, so a
// disabled record is created, then disabled by one update holding only enabled.
func TestAccLLMProviderResource_barndoorCreateDisabled(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[2].base
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{{
			PreConfig: clearJournal(m),
			Config:    m.providerConfig(barndoor.Name) + renderResource(with(base, map[string]string{"enabled": "false"})),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testResource, tfjsonpath.New("enabled"), knownvalue.Bool(false)),
			},
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					posts := journalBodies(t, m, http.MethodPost)
					if len(posts) != 1 {
						return fmt.Errorf("want one create, got %d", len(posts))
					}
					if _, ok := posts[0]["enabled"]; ok {
						return fmt.Errorf("the create body holds enabled, which barndoor's create refuses: %v", posts[0])
					}
					return nil
				},
				expectBodies(t, m, http.MethodPut, map[string]any{"enabled": false}),
			),
		}},
	})
}

// TestAccLLMProviderResource_barndoorDetachConnection: removing connection_id sends an explicit null
// together with the direct credential, in one update; without a credential the plan fails.
func TestAccLLMProviderResource_barndoorDetachConnection(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	conn := m.call(t, http.MethodPost, "/api/llm-gateway/admin/connections", map[string]any{
		"name": "shared-openai", "model_provider": "openai", "base_url": "https://api.openai.com", "api_key": "conn-key-secret-1",
	})
	connID, _ := conn["id"].(string)
	if connID == "" {
		t.Fatalf("connection create answered %v", conn)
	}
	base := map[string]string{"name": `"bd-attached"`, "model_provider": `"openai"`}
	attached := with(base, map[string]string{"connection_id": fmt.Sprintf("%q", connID)})
	detached := with(base, map[string]string{"api_key_wo": `"bd-direct-key-1"`, "api_key_wo_version": `"1"`})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{
				Config: m.providerConfig(barndoor.Name) + renderResource(attached),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("connection_id"), knownvalue.StringExact(connID)),
				},
			},
			{
				Config:      m.providerConfig(barndoor.Name) + renderResource(base),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Direct Credential Required To Detach`),
			},
			{
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(barndoor.Name) + renderResource(detached),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("connection_id"), knownvalue.Null()),
				},
				Check: expectBodies(t, m, http.MethodPut, map[string]any{"api_key": "bd-direct-key-1", "connection_id": nil}),
			},
		},
	})
}

// TestAccLLMProviderResource_barndoorClearTimeouts: removing the timeouts sends explicit nulls.
func TestAccLLMProviderResource_barndoorClearTimeouts(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := with(resourceCases()[2].base, map[string]string{"stream_idle_timeout_secs": "900"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{Config: m.providerConfig(barndoor.Name) + renderResource(base)},
			{
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(barndoor.Name) + renderResource(with(base, nil, "request_timeout_secs", "stream_idle_timeout_secs")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("request_timeout_secs"), knownvalue.Null()),
				},
				Check: expectBodies(t, m, http.MethodPut, map[string]any{"request_timeout_secs": nil, "stream_idle_timeout_secs": nil}),
			},
		},
	})
}

// TestAccLLMProviderResource_barndoorSettingsSubset: the platform adds settings keys of its own;
// state keeps exactly the configured object and no plan ever tries to remove the added keys.
func TestAccLLMProviderResource_barndoorSettingsSubset(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[2].base
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{
				Config: m.providerConfig(barndoor.Name) + renderResource(base),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("settings"), knownvalue.StringExact(`{"temperature_default":0.2}`)),
				},
				Check: resource.ComposeTestCheckFunc(stateID(&id), func(*terraform.State) error {
					got := m.call(t, http.MethodGet, "/api/llm-gateway/admin/providers/"+id, nil)
					settings, _ := got["settings"].(map[string]any)
					if _, ok := settings["model_api_family"]; !ok || settings["temperature_default"] != 0.2 {
						return fmt.Errorf("the platform should hold the configured settings plus its own keys, got %v", settings)
					}
					return nil
				}),
			},
			{
				// A change of a configured key sends the configured object only.
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(barndoor.Name) + renderResource(with(base, map[string]string{"settings": `jsonencode({ temperature_default = 0.5 })`})),
				Check:     expectBodies(t, m, http.MethodPut, map[string]any{"settings": map[string]any{"temperature_default": 0.5}}),
			},
		},
	})
}

// TestAccLLMProviderResource_flashbackModelProviderInPlace: flashback changes aiType in place.
func TestAccLLMProviderResource_flashbackModelProviderInPlace(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[1].base
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, flashback.Name),
		Steps: []resource.TestStep{
			{Config: m.providerConfig(flashback.Name) + renderResource(base)},
			{
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(flashback.Name) + renderResource(with(base, map[string]string{"model_provider": `"anthropic"`})),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
				}},
				Check: expectBodies(t, m, http.MethodPut, map[string]any{"aiType": "ANTHROPIC"}),
			},
			{
				// vertex means the same wire value as google_ai: after the update, refresh keeps vertex.
				Config: m.providerConfig(flashback.Name) + renderResource(with(base, map[string]string{"model_provider": `"vertex"`})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("model_provider"), knownvalue.StringExact("vertex")),
				},
			},
		},
	})
}

// keywordsaiV2 reports whether the suite runs on Respan's newer generation (see apiVersionLine).
func keywordsaiV2() bool { return apiVersionLine(keywordsai.Name) != "" }

// keywordsaiKeyWire is where keywordsai's API key travels: top-level api_key on the first
// generation, inside extra_kwargs on v2.
func keywordsaiKeyWire() string {
	if keywordsaiV2() {
		return "extra_kwargs"
	}
	return "api_key"
}

// keywordsaiUnreadable are the attributes an import of a keywordsai record cannot recover: the
// key, and on the first generation extra_kwargs (never answered) with the base_url inside it.
func keywordsaiUnreadable() []string {
	if keywordsaiV2() {
		return []string{"api_key"}
	}
	return []string{"api_key", "extra_kwargs", "base_url"}
}

// TestAccLLMProviderResource_keywordsaiBaseURL: base_url travels inside extra_kwargs, merged with it
// (and on v2 with the key, which the platform replaces together with the object).
func TestAccLLMProviderResource_keywordsaiBaseURL(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[3].base
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, keywordsai.Name),
		Steps: []resource.TestStep{
			{
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(keywordsai.Name) + renderResource(base),
				Check: func(*terraform.State) error {
					posts := journalBodies(t, m, http.MethodPost)
					if len(posts) != 1 {
						return fmt.Errorf("want one create, got %d", len(posts))
					}
					kw, _ := posts[0]["extra_kwargs"].(map[string]any)
					if kw["base_url"] != "https://kw.example.com/openai" || kw["timeout"] != float64(60) {
						return fmt.Errorf("create extra_kwargs = %v, want base_url merged with timeout", kw)
					}
					return nil
				},
			},
			{
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(keywordsai.Name) + renderResource(with(base, map[string]string{"base_url": `"https://kw2.example.com/openai"`})),
				Check: expectBodies(t, m, http.MethodPatch, map[string]any{"extra_kwargs": func() map[string]any {
					extra := map[string]any{"base_url": "https://kw2.example.com/openai", "timeout": 60}
					if keywordsaiV2() {
						extra["api_key"] = "kw-key-initial"
					}
					return extra
				}()}),
			},
		},
	})
}

func TestLLMProviderResource_schemaValid(t *testing.T) {
	t.Parallel()
	r := NewLLMProviderResource()
	var resp fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema diagnostics: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(context.Background()); diags.HasError() {
		t.Fatalf("schema is invalid: %v", diags)
	}
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no description", name)
		}
		if _, mapped := attributeFields[name]; !mapped && !a.IsComputed() {
			t.Errorf("configurable attribute %s is not mapped to a canonical field, so n/a checks cannot see it", name)
		}
	}
	for _, name := range []string{"api_key_wo", "secret_wo", "credentials_wo"} {
		if !resp.Schema.Attributes[name].IsWriteOnly() || !resp.Schema.Attributes[name].IsSensitive() {
			t.Errorf("%s must be write-only and sensitive", name)
		}
	}
}

func TestObjectFromPlatform(t *testing.T) {
	t.Parallel()
	server := map[string]any{"temperature": 0.2, "model_api_family": "openai_chat"}
	serverKeys := []string{"model_api_family"}
	for _, tc := range []struct {
		name    string
		current types.String
		server  map[string]any
		want    types.String
	}{
		{"server keys ignored, current text kept", types.StringValue(`{ "temperature": 0.2 }`), server, types.StringValue(`{ "temperature": 0.2 }`)},
		{"a changed user key shows", types.StringValue(`{"temperature":0.5}`), server, types.StringValue(`{"temperature":0.2}`)},
		{"a removed user key shows", types.StringValue(`{"temperature":0.2,"top_p":1}`), server, types.StringValue(`{"temperature":0.2}`)},
		{"a server key the user set is compared", types.StringValue(`{"model_api_family":"x","temperature":0.2}`), server, types.StringValue(`{"model_api_family":"openai_chat","temperature":0.2}`)},
		{"import: only derived keys", types.StringNull(), server, types.StringValue(`{"temperature":0.2}`)},
		{"nothing but server keys on import is null", types.StringNull(), map[string]any{"model_api_family": "openai_chat"}, types.StringNull()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := objectFromPlatform(tc.current, tc.server, serverKeys, false); !got.Equal(tc.want) {
				t.Fatalf("objectFromPlatform = %s, want %s", got, tc.want)
			}
		})
	}
	// extra_kwargs: only the configured keys count; a key the platform withholds or adds is no diff.
	current := types.StringValue(`{"timeout":60,"api_key":"sk-x"}`)
	for _, tc := range []struct {
		name   string
		server map[string]any
		want   types.String
	}{
		{"withheld secret key", map[string]any{"timeout": json.Number("60")}, current},
		{"added key", map[string]any{"timeout": json.Number("60"), "api_key": "sk-x", "region": "eu"}, current},
		{"changed key", map[string]any{"timeout": json.Number("90")}, types.StringValue(`{"api_key":"sk-x","timeout":90}`)},
		{"big integer kept exact", map[string]any{"timeout": json.Number("60"), "api_key": "sk-x"}, current},
	} {
		t.Run("extra_kwargs "+tc.name, func(t *testing.T) {
			if got := objectFromPlatform(current, tc.server, nil, true); !got.Equal(tc.want) {
				t.Fatalf("objectFromPlatform = %s, want %s", got, tc.want)
			}
		})
	}
	big := types.StringValue(`{"seed":9007199254740993}`)
	if got := objectFromPlatform(big, map[string]any{"seed": json.Number("9007199254740992")}, nil, false); got.Equal(big) {
		t.Fatalf("2^53 read back for 2^53+1 must show as drift, got %s", got)
	}
	if got := objectFromPlatform(big, map[string]any{"seed": json.Number("9007199254740993")}, nil, false); !got.Equal(big) {
		t.Fatalf("the same big integer must be no diff, got %s", got)
	}
}

func TestRotatedSecrets(t *testing.T) {
	t.Parallel()
	model := func(apiKey, version types.String) llmProviderResourceModel {
		return withValues(types.StringNull(), map[string]attr.Value{"api_key": apiKey, "api_key_wo_version": version})
	}
	base := model(types.StringNull(), types.StringValue("1"))
	bump := model(types.StringNull(), types.StringValue("2"))
	kept := model(types.StringValue("sk-1"), types.StringNull())
	keptChanged := model(types.StringValue("sk-2"), types.StringNull())
	for _, tc := range []struct {
		name         string
		spec         platform.Name
		state, plan  llmProviderResourceModel
		wantRotation []platform.Field
	}{
		{"same version: nothing sent", barndoor.Name, base, base, nil},
		{"version bump sends the write-only key", barndoor.Name, base, bump, []platform.Field{platform.FieldAPIKey}},
		{"unchanged kept key is not sent", keywordsai.Name, kept, kept, nil},
		{"changed kept key is sent", keywordsai.Name, kept, keptChanged, []platform.Field{platform.FieldAPIKey}},
		// Whether a removed key reaches the wire is PlanUpdate's decision (a clear where the platform can).
		{"removed key is a change", barndoor.Name, kept, base, []platform.Field{platform.FieldAPIKey}},
		{"n/a secret never rotates", refactor.Name, base, base, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rotatedSecrets(mustSpec(t, tc.spec), tc.state, tc.plan)
			if !slices.Equal(got, tc.wantRotation) {
				t.Fatalf("rotatedSecrets = %v, want %v", got, tc.wantRotation)
			}
		})
	}
}

// TestLLMProviderResource_modelFieldsMatchSchema: the hand-written conversion covers exactly the
// schema's attributes and blocks, in both directions, and a value survives the round trip
// through the model.
func TestLLMProviderResource_modelFieldsMatchSchema(t *testing.T) {
	ctx := context.Background()
	var resp fwresource.SchemaResponse
	NewLLMProviderResource().Schema(ctx, fwresource.SchemaRequest{}, &resp)
	converted := map[string]bool{"id": true, "timeouts": true}
	for _, a := range resourceAttributes {
		converted[a.Name] = true
		if _, ok := resp.Schema.Attributes[a.Name]; !ok {
			t.Errorf("table attribute %q is not in the schema", a.Name)
		}
	}
	for name := range resp.Schema.Attributes {
		if !converted[name] {
			t.Errorf("schema attribute %q is not converted", name)
		}
	}
	for name := range resp.Schema.Blocks {
		if !converted[name] {
			t.Errorf("schema block %q is not converted", name)
		}
	}
	values := map[string]attr.Value{"settings": types.StringUnknown()}
	for _, a := range resourceAttributes {
		if _, ok := values[a.Name]; ok {
			continue
		}
		switch a.attrType() {
		case types.BoolType:
			values[a.Name] = types.BoolValue(false)
		case types.Int64Type:
			values[a.Name] = types.Int64Value(30)
		case stringMapType:
			values[a.Name] = types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue("v-" + a.Name)})
		case stringListType:
			values[a.Name] = types.ListValueMust(types.StringType, []attr.Value{types.StringValue("v-" + a.Name)})
		default:
			values[a.Name] = types.StringValue("v-" + a.Name)
		}
	}
	in := withValues(types.StringValue("p-1"), values)
	raw, diags := in.terraformValue(ctx, resp.Schema.Type().TerraformType(ctx))
	if diags.HasError() {
		t.Fatal(diags)
	}
	out, diags := modelFrom(ctx, raw)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !out.ID.Equal(in.ID) || !out.Timeouts.Equal(in.Timeouts) {
		t.Errorf("id %v, timeouts %v after the round trip", out.ID, out.Timeouts)
	}
	for _, a := range resourceAttributes {
		if got, want := out.value(a.Name), in.value(a.Name); !got.Equal(want) {
			t.Errorf("%s: %v after the round trip, want %v", a.Name, got, want)
		}
	}
}

// TestAccLLMProviderResource_barndoorModelSyncMode: model_sync_mode is sent on create, changed in
// place by a PUT of it alone, read back so the plans are empty, validated at plan time, and left
// to the platform's default (off) where unset.
func TestAccLLMProviderResource_barndoorModelSyncMode(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[2].base
	cfg := func(mode string) string {
		return m.providerConfig(barndoor.Name) + renderResource(with(base, map[string]string{"model_sync_mode": mode}))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{Config: cfg(`"sideways"`), ExpectError: phrases("model_sync_mode value must be one of:", `"off"`, `"additive"`, `"full"`, `got: "sideways"`)},
			{
				PreConfig: clearJournal(m),
				Config:    m.providerConfig(barndoor.Name) + renderResource(base),
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(testResource, "model_sync_mode", "off"), func(*terraform.State) error {
					if posts := journalBodies(t, m, http.MethodPost); len(posts) != 1 || posts[0]["model_sync_mode"] != nil {
						return fmt.Errorf("create bodies %v: an unset model_sync_mode must not be sent", posts)
					}
					return nil
				}),
			},
			{
				PreConfig:         clearJournal(m),
				Config:            cfg(`"full"`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(testResource, tfjsonpath.New("model_sync_mode"), knownvalue.StringExact("full"))},
				Check:             expectBodies(t, m, http.MethodPut, map[string]any{"model_sync_mode": "full"}),
			},
			{Config: cfg(`"full"`), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccLLMProviderResource_barndoorBilling: billing_mode, billing_reason and billing_note are
// validated at plan time (a not_metered record needs a reason, also when billing_mode is left to
// the value the platform holds), not sent while unset, changed in place by a PUT of what changed,
// cleared with explicit nulls, and read back so the plans are empty.
func TestAccLLMProviderResource_barndoorBilling(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[2].base
	cfg := func(attrs map[string]string) string {
		return m.providerConfig(barndoor.Name) + renderResource(with(base, attrs))
	}
	notMetered := map[string]string{"billing_mode": `"not_metered"`, "billing_reason": `"subscription"`, "billing_note": `"prepaid"`}
	emptyPlan := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{Config: cfg(map[string]string{"billing_mode": `"not_metered"`}),
				ExpectError: phrases("Missing Required Attribute", `billing_mode is "not_metered"`, `the barndoor platform then requires "billing_reason"`,
					"Set billing_reason, or change billing_mode.")},
			{Config: cfg(map[string]string{"billing_mode": `"free"`}), ExpectError: phrases("billing_mode value must be one of:", `"per_token"`, `"not_metered"`, `got: "free"`)},
			{Config: cfg(map[string]string{"billing_reason": `"cheap"`}),
				ExpectError: phrases("billing_reason value must be one of:", `"subscription"`, `"local"`, `"external"`, `"other"`, `got: "cheap"`)},
			{Config: cfg(map[string]string{"billing_note": `"` + strings.Repeat("n", 201) + `"`}),
				ExpectError: phrases("billing_note string length must be between 1 and 200")},
			{
				PreConfig: clearJournal(m),
				Config:    cfg(nil),
				Check: resource.ComposeTestCheckFunc(resource.TestCheckResourceAttr(testResource, "billing_mode", "per_token"),
					resource.TestCheckNoResourceAttr(testResource, "billing_reason"), func(*terraform.State) error {
						for _, post := range journalBodies(t, m, http.MethodPost) {
							for _, f := range []string{"billing_mode", "billing_reason", "billing_note"} {
								if _, ok := post[f]; ok {
									return fmt.Errorf("create body %v: an unset %s must not be sent", post, f)
								}
							}
						}
						return nil
					}),
			},
			{
				PreConfig: clearJournal(m),
				Config:    cfg(notMetered),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("billing_mode"), knownvalue.StringExact("not_metered")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("billing_reason"), knownvalue.StringExact("subscription")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("billing_note"), knownvalue.StringExact("prepaid")),
				},
				Check: expectBodies(t, m, http.MethodPut, map[string]any{"billing_mode": "not_metered", "billing_note": "prepaid", "billing_reason": "subscription"}),
			},
			{Config: cfg(notMetered), ConfigPlanChecks: emptyPlan},
			// billing_mode left out keeps the platform's not_metered, which still needs its reason.
			{Config: cfg(map[string]string{"billing_note": `"prepaid"`}), ExpectError: phrases("Missing Required Attribute", `billing_mode is "not_metered"`, `requires "billing_reason"`)},
			{
				PreConfig: clearJournal(m),
				Config:    cfg(map[string]string{"billing_mode": `"per_token"`}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("billing_mode"), knownvalue.StringExact("per_token")),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("billing_reason"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("billing_note"), knownvalue.Null()),
				},
				Check: expectBodies(t, m, http.MethodPut, map[string]any{"billing_mode": "per_token", "billing_note": nil, "billing_reason": nil}),
			},
			{Config: cfg(map[string]string{"billing_mode": `"per_token"`}), ConfigPlanChecks: emptyPlan},
		},
	})
}

// TestAccLLMProviderResource_flashbackStoredKey: api_key_id names a stored key (apiKeyUuid) that
// stands in for secret, which the record then need not have; it is read back (apiKeyId), and
// removing it later leaves the record's stored key, with no diff.
func TestAccLLMProviderResource_flashbackStoredKey(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	const keyID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	base := with(resourceCases()[1].base, nil, "secret")
	cfg := func(attrs map[string]string) string {
		return m.providerConfig(flashback.Name) + renderResource(with(base, attrs))
	}
	emptyPlan := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, flashback.Name),
		Steps: []resource.TestStep{
			{Config: cfg(nil), ExpectError: phrases("Missing Required Attribute", `The flashback platform requires "secret"`, `Or set "api_key_id" instead.`)},
			{Config: cfg(map[string]string{"api_key_id": `"key-1"`}), ExpectError: phrases("must be a UUID")},
			{
				PreConfig: clearJournal(m),
				Config:    cfg(map[string]string{"api_key_id": fmt.Sprintf("%q", keyID)}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("api_key_id"), knownvalue.StringExact(keyID)),
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("secret"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					posts := journalBodies(t, m, http.MethodPost)
					if len(posts) != 1 || posts[0]["apiKeyUuid"] != keyID {
						return fmt.Errorf("create bodies %v, want one with apiKeyUuid %s", posts, keyID)
					}
					if _, sent := posts[0]["secret"]; sent {
						return fmt.Errorf("create body %v: no secret was configured", posts[0])
					}
					return nil
				},
			},
			{Config: cfg(map[string]string{"api_key_id": fmt.Sprintf("%q", keyID)}), ConfigPlanChecks: emptyPlan},
			{
				PreConfig: clearJournal(m), Config: cfg(nil), ConfigPlanChecks: emptyPlan,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testResource, tfjsonpath.New("api_key_id"), knownvalue.StringExact(keyID)),
				},
				Check: func(*terraform.State) error {
					if w := m.writes(); len(w) != 0 {
						return fmt.Errorf("removing api_key_id sent %v", w)
					}
					return nil
				},
			},
		},
	})
}

// TestAccLLMProviderResource_barndoorModels: models is validated at plan time, sent on create
// (the gateway makes a route per model), kept in state though never returned, and a later change
// is kept in state with nothing sent, since the platform takes it only on create.
func TestAccLLMProviderResource_barndoorModels(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	base := resourceCases()[2].base
	cfg := func(models string) string {
		return m.providerConfig(barndoor.Name) + renderResource(with(base, map[string]string{"models": models}))
	}
	emptyPlan := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	models := func(want ...string) statecheck.StateCheck {
		values := make([]knownvalue.Check, len(want))
		for i, w := range want {
			values[i] = knownvalue.StringExact(w)
		}
		return statecheck.ExpectKnownValue(testResource, tfjsonpath.New("models"), knownvalue.ListExact(values))
	}
	var id string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{Config: cfg(`[]`), ExpectError: phrases("models list must contain at least 1 elements")},
			{Config: cfg(`["gpt-4o", "gpt-4o"]`), ExpectError: phrases("duplicate values")},
			{Config: cfg(`["gpt-4o", ""]`), ExpectError: phrases("string length must be at least 1")},
			{
				PreConfig:         clearJournal(m),
				Config:            cfg(`["gpt-4o", "gpt-4o-mini"]`),
				ConfigStateChecks: []statecheck.StateCheck{models("gpt-4o", "gpt-4o-mini")},
				Check: func(s *terraform.State) error {
					posts := journalBodies(t, m, http.MethodPost)
					if len(posts) != 1 || fmt.Sprint(posts[0]["models"]) != "[gpt-4o gpt-4o-mini]" {
						return fmt.Errorf("create bodies %v, want one with models [gpt-4o gpt-4o-mini]", posts)
					}
					id = s.RootModule().Resources[testResource].Primary.ID
					if routes := m.srv.Barndoor().ModelRoutes(id); !slices.Equal(routes, []string{"gpt-4o", "gpt-4o-mini"}) {
						return fmt.Errorf("model routes %v", routes)
					}
					return nil
				},
			},
			{Config: cfg(`["gpt-4o", "gpt-4o-mini"]`), ConfigPlanChecks: emptyPlan},
			{
				PreConfig:         clearJournal(m),
				Config:            cfg(`["gpt-4o"]`),
				ConfigStateChecks: []statecheck.StateCheck{models("gpt-4o")},
				Check: func(*terraform.State) error {
					if w := m.writes(); len(w) != 0 {
						return fmt.Errorf("a change of models sent %v", w)
					}
					if routes := m.srv.Barndoor().ModelRoutes(id); !slices.Equal(routes, []string{"gpt-4o", "gpt-4o-mini"}) {
						return fmt.Errorf("model routes %v changed", routes)
					}
					return nil
				},
			},
			{Config: cfg(`["gpt-4o"]`), ConfigPlanChecks: emptyPlan},
		},
	})
}
