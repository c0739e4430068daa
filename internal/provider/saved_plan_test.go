package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
)

// savedPlanCheck asserts what the docs say a saved plan holds ("Saved plans and terraform show
// -json" in the provider page): a write-only value written as a literal is in the plan's copy of
// the configuration, a non-ephemeral variable's value is in its variables, and neither is in the
// planned values.
type savedPlanCheck struct{ literal, variable string }

func (c savedPlanCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	configuration, _ := json.Marshal(req.Plan.Config)
	variables, _ := json.Marshal(req.Plan.Variables)
	planned, _ := json.Marshal(req.Plan.PlannedValues)
	changes, _ := json.Marshal(req.Plan.ResourceChanges)
	switch {
	case !strings.Contains(string(configuration), c.literal):
		resp.Error = fmt.Errorf("the literal write-only value is not in the saved plan's configuration; the docs say it is")
	case !strings.Contains(string(variables), c.variable):
		resp.Error = fmt.Errorf("the variable's value is not in the saved plan's variables; the docs say it is")
	case strings.Contains(string(planned)+string(changes), c.literal), strings.Contains(string(planned)+string(changes), c.variable):
		resp.Error = fmt.Errorf("a write-only value reached the planned values or the resource changes")
	}
}

// TestAccLLMProviderResource_savedPlanHoldsLiterals checks, on the CLI the suite runs on, the
// warning the docs give about saved plans and terraform show -json.
func TestAccLLMProviderResource_savedPlanHoldsLiterals(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	const literal, fromVariable = "sk-literal-in-config-0001", "sk-from-variable-0002"
	cfg := m.providerConfig(barndoor.Name) + `
variable "key" {
  type      = string
  sensitive = true
}
resource "llm_provider" "literal" {
  name               = "literal"
  model_provider     = "openai"
  api_key_wo         = "` + literal + `"
  api_key_wo_version = "1"
}
resource "llm_provider" "from_variable" {
  name               = "from-variable"
  model_provider     = "openai"
  api_key_wo         = var.key
  api_key_wo_version = "1"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, barndoor.Name),
		Steps: []resource.TestStep{{
			Config:          cfg,
			ConfigVariables: config.Variables{"key": config.StringVariable(fromVariable)},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{savedPlanCheck{literal: literal, variable: fromVariable}},
			},
		}},
	})
}
