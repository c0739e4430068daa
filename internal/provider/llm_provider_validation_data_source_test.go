package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
)

const testValidation = "data.llm_provider_validation.test"

// validationConfig is a data source that checks the test resource once it is applied and fails
// the run, with the platform's message, when the platform finds it does not work.
const validationConfig = `
data "llm_provider_validation" "test" {
  id         = llm_provider.test.id
  depends_on = [llm_provider.test]

  lifecycle {
    postcondition {
      condition     = self.valid
      error_message = "flashback cannot use the record: ${self.message}"
    }
  }
}
`

// TestAccLLMProviderValidationDataSource_flashback: the check runs after the create, through
// flashback's POST /ai/llm/{id}/validate, and reports the verdict; a verdict of invalid fails the run
// with the platform's message through the postcondition, and a valid one passes again.
func TestAccLLMProviderValidationDataSource_flashback(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	cfg := m.providerConfig(flashback.Name) + renderResource(resourceCases()[1].base) + validationConfig
	var id string
	validated := func(*terraform.State) error {
		var creates, validations int
		for _, e := range m.writes() {
			switch {
			case e.Method == http.MethodPost && e.Path == "/ai/llm":
				creates++
			case e.Method == http.MethodPost && e.Path == "/ai/llm/"+id+"/validate":
				if creates == 0 {
					return fmt.Errorf("the validation was sent before the create: %v", m.writes())
				}
				validations++
			}
		}
		if creates != 1 || validations != 1 {
			return fmt.Errorf("journal %v: want one create, then one validation of %s", m.writes(), id)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyedAll(t, m, flashback.Name),
		Steps: []resource.TestStep{
			{
				PreConfig: clearJournal(m),
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testValidation, tfjsonpath.New("valid"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(testValidation, tfjsonpath.New("message"), knownvalue.StringExact("AI LLM configuration validated successfully")),
					statecheck.CompareValuePairs(testValidation, tfjsonpath.New("id"), testResource, tfjsonpath.New("id"), compare.ValuesSame()),
				},
				Check: resource.ComposeTestCheckFunc(func(s *terraform.State) error {
					id = s.RootModule().Resources[testResource].Primary.ID
					return nil
				}, validated),
			},
			{
				PreConfig: func() {
					if err := m.srv.Flashback().SetValidation(id, false, "the provider rejected the key"); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg,
				ExpectError: phrases("flashback cannot use the record: the provider rejected the key"),
			},
			{
				PreConfig: func() {
					if err := m.srv.Flashback().SetValidation(id, true, ""); err != nil {
						t.Fatal(err)
					}
				},
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(testValidation, tfjsonpath.New("valid"), knownvalue.Bool(true))},
			},
			{
				Config: m.providerConfig(flashback.Name) + `data "llm_provider_validation" "missing" { id = "9b2f0c1e-5d4a-4c7b-8e3f-2a6d1b0c9e8f" }` + "\n",
				ExpectError: phrases("No LLM Provider Found", `No LLM provider with id "9b2f0c1e-5d4a-4c7b-8e3f-2a6d1b0c9e8f" exists on the flashback platform`,
					"nothing to check"),
			},
		},
	})
}

// TestAccLLMProviderValidationDataSource_unsupported: on a platform with no validation call the
// data source is an error that names the platforms that have one, and nothing is sent.
func TestAccLLMProviderValidationDataSource_unsupported(t *testing.T) {
	t.Parallel()
	m := newTestMock(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      m.providerConfig(barndoor.Name) + `data "llm_provider_validation" "test" { id = "3c90c3cc-0d44-4b50-8888-8dd25736052a" }` + "\n",
			ExpectError: phrases("Validation Not Supported On Barndoor", "The barndoor platform has no call that checks a record", "Only flashback can check a record"),
		}},
	})
	if w := m.writes(); len(w) > 0 {
		t.Fatalf("the refused data source still sent %v", w)
	}
}
