package provider

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
)

// noBug is a regular expression piece that matches any text without "bug" in it. RE2 has no
// negative lookahead, so it is written out as the automaton for the word: it is how a test
// asserts that Terraform's "This is a bug in the provider" text is absent from an error.
const noBug = `(?:[^b]|b(?:b|ub)*(?:[^bu]|u[^bg]))*`

// skewError matches a whole error output that holds the parts in order, where any space may be a
// line break, and that never says "bug" (Terraform's "bug in the provider").
func skewError(parts ...string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^` + noBug)
	for _, p := range parts {
		b.WriteString(strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`))
		b.WriteString(noBug)
	}
	// The output may end in the middle of a would-be "bug".
	b.WriteString(`(?:b(?:b|ub)*u?)?$`)
	return regexp.MustCompile(b.String())
}

func TestSkewErrorRegexp(t *testing.T) {
	re := skewError("did not store x", "sent 30")
	for text, want := range map[string]bool{
		"Error: Platform Did Not\nApply Attribute\n\nThe barndoor platform did not store x: it was sent 30 and more": true,
		"did not  store\nx, sent 30, ub bu bub":                   true,
		"did not store x, sent 30. This is a bug in the provider": false,
		"This is a bug in the provider. did not store x, sent 30": false,
		"did not store x, sent 31":                                false,
		"sent 30 did not store x":                                 false,
		"did not store x, sent 30, debugging ends with b":         false,
		"did not store x, sent 30, ends with bu":                  true,
	} {
		if got := re.MatchString(text); got != want {
			t.Errorf("match(%q) = %v, want %v", text, got, want)
		}
	}
}

const barndoorProviders = "/api/llm-gateway/admin/providers"

// barndoorSkewConfig is a barndoor record with the given extra attributes.
func barndoorSkewConfig(m *testMock, set map[string]string) string {
	base := map[string]string{"name": `"bd-skew"`, "model_provider": `"openai"`, "api_key": `"bd-skew-key"`}
	return m.providerConfig(barndoor.Name) + renderResource(with(base, set))
}

// dropFields makes the mock's barndoor an older version that does not know the fields.
func dropFields(t *testing.T, m *testMock, fields ...string) func() {
	return func() {
		m.srv.ClearRequests()
		if err := m.srv.SetDroppedFields(string(barndoor.Name), fields); err != nil {
			t.Fatal(err)
		}
	}
}

// expectSent asserts that every journaled write with the method carried the wire field with the value.
func expectSent(t *testing.T, m *testMock, method, field string, want any) {
	t.Helper()
	bodies := journalBodies(t, m, method)
	if len(bodies) == 0 {
		t.Errorf("no %s reached the platform", method)
	}
	for _, b := range bodies {
		if got, ok := b[field]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s body %v: %s = %v, want %v", method, b, field, got, want)
		}
	}
}

// expectPriorNull fails unless the state the plan starts from holds null for the attribute.
type expectPriorNull struct{ attr string }

func (e expectPriorNull) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan.PriorState == nil || req.Plan.PriorState.Values == nil {
		resp.Error = fmt.Errorf("the plan has no prior state")
		return
	}
	for _, r := range req.Plan.PriorState.Values.RootModule.Resources {
		if r.Address == testResource {
			if v, ok := r.AttributeValues[e.attr]; !ok || v != nil {
				resp.Error = fmt.Errorf("prior state %s = %v, want null", e.attr, v)
			}
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the prior state", testResource)
}

// TestAccLLMProviderResource_skewCreate: a platform version that silently drops a field on create
// fails the apply with a clear error, keeps the record in state (tainted, as the platform holds
// it, not as planned) and replaces it once the platform knows the field.
func TestAccLLMProviderResource_skewCreate(t *testing.T) {
	m := newTestMock(t)
	cfg := barndoorSkewConfig(m, map[string]string{"request_timeout_secs": "30"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{
				PreConfig: dropFields(t, m, "request_timeout_secs"),
				Config:    cfg,
				ExpectError: skewError("Platform Did Not Apply Attribute", "The barndoor platform did not store request_timeout_secs",
					"it was sent 30 and the answer has no request_timeout_secs",
					"may be running a version that does not support request_timeout_secs", "marked tainted"),
			},
			{
				// The record exists and state tracks it: the plan replaces it (tainted); state holds
				// what the platform holds, not the planned 30.
				PreConfig: func() {
					expectSent(t, m, http.MethodPost, "request_timeout_secs", float64(30))
					if n := len(m.getAny(t, barndoorProviders).([]any)); n != 1 {
						t.Errorf("the platform holds %d providers, want the 1 created", n)
					}
				},
				Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionDestroyBeforeCreate),
						expectPriorNull{attr: "request_timeout_secs"},
					},
				},
			},
			{
				// On a platform version that knows the field, the apply replaces the record and converges.
				PreConfig: func() { m.srv.ClearDroppedFields() },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectState("request_timeout_secs", knownvalue.Int64Exact(30)),
				},
			},
		},
	})
}

// TestAccLLMProviderResource_skewUpdate: an update the platform silently drops fails with a clear
// error; the next plan shows the change again and the next apply fails the same clear way.
func TestAccLLMProviderResource_skewUpdate(t *testing.T) {
	m := newTestMock(t)
	wantErr := skewError("Platform Did Not Apply Attribute", "The barndoor platform did not store request_timeout_secs",
		"it was sent 30 and the answer has no request_timeout_secs",
		"may be running a version that does not support request_timeout_secs", "the next plan shows the change again")
	updated := barndoorSkewConfig(m, map[string]string{"request_timeout_secs": "30"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			{Config: barndoorSkewConfig(m, map[string]string{"request_timeout_secs": "1800"})},
			{
				PreConfig:   dropFields(t, m, "request_timeout_secs"),
				Config:      updated,
				ExpectError: wantErr,
			},
			{
				PreConfig: func() {
					if got := journalBodies(t, m, http.MethodPut); len(got) != 1 || !reflect.DeepEqual(got[0], map[string]any{"request_timeout_secs": float64(30)}) {
						t.Errorf("update bodies = %v, want one {request_timeout_secs: 30}", got)
					}
				},
				// Not silent: the change is planned again.
				Config: updated, PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("request_timeout_secs"), knownvalue.Int64Exact(30)),
						expectPriorNull{attr: "request_timeout_secs"},
					},
				},
			},
			{PreConfig: clearJournal(m), Config: updated, ExpectError: wantErr},
			{
				PreConfig: func() {
					expectSent(t, m, http.MethodPut, "request_timeout_secs", float64(30))
					m.srv.ClearDroppedFields()
				},
				Config:            updated,
				ConfigStateChecks: []statecheck.StateCheck{expectState("request_timeout_secs", knownvalue.Int64Exact(30))},
			},
		},
	})
}

// TestAccLLMProviderResource_skewContradicts: a platform version that ignores a field it still
// returns answers with its own value; the apply names both values.
func TestAccLLMProviderResource_skewContradicts(t *testing.T) {
	m := newTestMock(t)
	ignore := func() {
		m.srv.ClearRequests()
		if err := m.srv.SetIgnoredFields(string(barndoor.Name), []string{"enforce_health_check"}); err != nil {
			t.Fatal(err)
		}
	}
	wantErr := skewError("Platform Did Not Apply Attribute", "The barndoor platform did not store enforce_health_check",
		"it was sent false and the answer has true", "may be running a version that does not support enforce_health_check")
	cfg := barndoorSkewConfig(m, map[string]string{"enforce_health_check": "false"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{
			// On create.
			{PreConfig: ignore, Config: cfg, ExpectError: wantErr},
			{
				PreConfig: func() { expectSent(t, m, http.MethodPost, "enforce_health_check", false) },
				Config:    cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
			// On update, from a record made while the platform knew the field.
			{
				PreConfig: func() { m.srv.ClearDroppedFields() },
				Config:    barndoorSkewConfig(m, map[string]string{"enforce_health_check": "true"}),
			},
			{PreConfig: ignore, Config: cfg, ExpectError: wantErr},
			{
				PreConfig: func() { expectSent(t, m, http.MethodPut, "enforce_health_check", false) },
				Config:    cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(testResource, tfjsonpath.New("enforce_health_check"), knownvalue.Bool(false)),
					},
				},
			},
		},
	})
}

// expectState checks one attribute of llm_provider.test in state.
func expectState(attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(testResource, tfjsonpath.New(attr), want)
}
