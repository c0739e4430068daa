package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// seededRecord is a record created on the mock out of band, as one that exists before Terraform
// manages it, with the resource block attributes (HCL) that describe it without secrets.
type seededRecord struct {
	id    string
	attrs map[string]string
}

// seedRecords creates three records on the platform: two share a model provider (or a
// workspace), so filters have something to tell apart.
func seedRecords(t *testing.T, m *testMock, p platform.Name) []seededRecord {
	t.Helper()
	var out []seededRecord
	switch p {
	case refactor.Name:
		for _, r := range []struct {
			slug    string
			enabled bool
		}{{"openai", true}, {"anthropic", false}, {"xai", true}} {
			m.call(t, http.MethodPost, "/api/v1/llm-providers", map[string]any{
				"provider": r.slug, "enabled": r.enabled, "credentials": map[string]any{"api_key": "sk-existing-" + r.slug},
			})
			out = append(out, seededRecord{id: r.slug, attrs: map[string]string{"model_provider": fmt.Sprintf("%q", r.slug), "enabled": fmt.Sprint(r.enabled)}})
		}
	case flashback.Name:
		for _, r := range []struct{ name, aiType, canonical, workspace string }{
			{"fb-a", "OPENAI", "openai", "ws-alpha"}, {"fb-b", "ANTHROPIC", "anthropic", "ws-alpha"}, {"fb-c", "OPENAI", "openai", "ws-beta"},
		} {
			res := m.call(t, http.MethodPost, "/ai/llm", map[string]any{
				"name": r.name, "aiType": r.aiType, "endpoint": "https://" + r.name + ".example.com/v1",
				"key": "k-existing", "secret": "s-existing", "workspaceId": r.workspace,
			})
			id, _ := res["aiLlmId"].(string)
			out = append(out, seededRecord{id: id, attrs: map[string]string{
				"name": fmt.Sprintf("%q", r.name), "model_provider": fmt.Sprintf("%q", r.canonical),
				"base_url": fmt.Sprintf("%q", "https://"+r.name+".example.com/v1"), "workspace_id": fmt.Sprintf("%q", r.workspace),
			}})
		}
	case barndoor.Name:
		for _, r := range []struct{ name, mp string }{{"bd-a", "openai"}, {"bd-b", "anthropic"}, {"bd-c", "openai"}} {
			id := seedBarndoor(t, m, r.name, r.mp)
			out = append(out, seededRecord{id: id, attrs: map[string]string{"name": fmt.Sprintf("%q", r.name), "model_provider": fmt.Sprintf("%q", r.mp)}})
		}
	case keywordsai.Name:
		for _, name := range []string{"kw-a", "kw-b", "kw-c"} {
			m.call(t, http.MethodPost, "/api/providers/", map[string]any{"provider_id": name, "provider_name": "KW " + name, "api_key": "k-existing"})
			out = append(out, seededRecord{id: name, attrs: map[string]string{"provider_id": fmt.Sprintf("%q", name), "name": fmt.Sprintf("%q", "KW "+name)}})
		}
	default:
		t.Fatalf("no seed for platform %s", p)
	}
	for _, r := range out {
		if r.id == "" {
			t.Fatalf("seeding %s returned no id", p)
		}
	}
	return out
}

// terraformFlavour reports "opentofu" or "terraform" for the CLI the tests run, by its version
// output, once.
var terraformFlavour = sync.OnceValue(func() string {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin, _ = exec.LookPath("terraform")
	}
	if bin == "" {
		return "terraform"
	}
	out, _ := exec.Command(bin, "version").Output()
	if strings.Contains(string(out), "OpenTofu") {
		return "opentofu"
	}
	return "terraform"
})

// skipOnOpenTofu skips a test of a feature OpenTofu does not have, which its version numbers
// (1.12 and up) cannot show: tfversion checks compare them as if they were Terraform's.
type skipOnOpenTofu struct{ feature string }

func (s skipOnOpenTofu) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if terraformFlavour() == "opentofu" {
		resp.Skip = fmt.Sprintf("OpenTofu %s does not support %s: skipping test.", req.TerraformVersion, s.feature)
	}
}

// identityChecks are the version checks for tests of resource identity (Terraform 1.12 and later).
// OpenTofu 1.12 has them too (measured: import by identity and identity in state both work).
var identityChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// expectedIdentity is the identity the state must hold: the id, and the workspace only where
// the platform has workspaces.
func expectedIdentity(t *testing.T, p platform.Name, id knownvalue.Check, workspace string) map[string]knownvalue.Check {
	t.Helper()
	var ws knownvalue.Check = knownvalue.Null()
	if mustSpec(t, p).Supports(platform.FieldWorkspaceID) {
		ws = knownvalue.StringExact(workspace)
	}
	return map[string]knownvalue.Check{"id": id, "workspace_id": ws}
}

// TestAccLLMProviderResource_identity creates a record, expects its identity in state (the id,
// and the workspace where the platform has workspaces), then imports it by that identity with an
// import block: the plan is the import alone, no request changes anything, and the state agrees.
func TestAccLLMProviderResource_identity(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			cfg := m.providerConfig(tc.platform) + renderResource(tc.base)
			imported := m.providerConfig(tc.platform) + renderResource(with(tc.base, nil, tc.secrets...))
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   identityChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             destroyedAll(t, m, tc.platform),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectIdentity(testResource, expectedIdentity(t, tc.platform, knownvalue.NotNull(), "ws-alpha")),
							statecheck.ExpectIdentityValueMatchesState(testResource, tfjsonpath.New("id")),
						},
					},
					{
						PreConfig:       clearJournal(m),
						Config:          imported,
						ResourceName:    testResource,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithResourceIdentity,
						ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionNoop),
						}},
						Check: func(*terraform.State) error {
							if w := m.writes(); len(w) != 0 {
								return fmt.Errorf("importing by identity sent write requests: %+v", w)
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// importIdentityConfig is a configuration that imports a seeded record with an import block
// whose identity holds the given attributes (HCL).
func importIdentityConfig(m *testMock, p platform.Name, rec seededRecord, identity string) string {
	return m.providerConfig(p) + renderResource(rec.attrs) + fmt.Sprintf("import {\n  to       = %s\n  identity = { %s }\n}\n", testResource, identity)
}

// TestAccLLMProviderResource_importIdentityBlock imports records that exist on the platform with
// import blocks written as a user writes them: the identity's id alone on every platform (where
// the platform reads through its list, that lists every workspace), and with workspace_id where
// the platform has workspaces, which narrows the one list call to that workspace. The plan is the
// import alone, nothing is written, and the identity in state is complete either way. A
// workspace_id on a platform without workspaces fails with what to do.
func TestAccLLMProviderResource_importIdentityBlock(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(string(tc.platform), func(t *testing.T) {
			t.Parallel()
			m := newTestMock(t)
			recs := seedRecords(t, m, tc.platform)
			spec := mustSpec(t, tc.platform)
			rec := recs[0]
			ws := strings.Trim(rec.attrs["workspace_id"], `"`)
			noWrites := func(*terraform.State) error {
				if w := m.writes(); len(w) != 0 {
					return fmt.Errorf("importing by identity sent write requests: %+v", w)
				}
				return nil
			}
			importStep := func(identity string, journal resource.TestCheckFunc) resource.TestStep {
				return resource.TestStep{
					PreConfig: clearJournal(m),
					Config:    importIdentityConfig(m, tc.platform, rec, identity),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(testResource, plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectIdentity(testResource, expectedIdentity(t, tc.platform, knownvalue.StringExact(rec.id), ws)),
					},
					Check: resource.ComposeTestCheckFunc(noWrites, journal),
				}
			}
			steps := []resource.TestStep{importStep(fmt.Sprintf("id = %q", rec.id), func(*terraform.State) error { return nil })}
			if spec.Supports(platform.FieldWorkspaceID) {
				// The import reads within the workspace only: every list call carries it.
				narrowed := func(*terraform.State) error {
					lists := 0
					for _, e := range m.srv.Requests() {
						if e.Method == http.MethodGet {
							lists++
							if !strings.Contains(e.Query, ws) {
								return fmt.Errorf("a read during the import was not narrowed to workspace %s: GET %s?%s", ws, e.Path, e.Query)
							}
						}
					}
					if lists == 0 {
						return fmt.Errorf("the import read nothing from the platform")
					}
					return nil
				}
				steps = append(steps, forgetStep(m, tc.platform), importStep(fmt.Sprintf("id = %q, workspace_id = %q", rec.id, ws), narrowed))
			} else {
				steps = append(steps, forgetStep(m, tc.platform), resource.TestStep{
					Config:      importIdentityConfig(m, tc.platform, rec, fmt.Sprintf("id = %q, workspace_id = %q", rec.id, "ws-none")),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid Import Identity.*has\s+no\s+workspaces`),
				})
			}
			resource.UnitTest(t, resource.TestCase{
				TerraformVersionChecks:   identityChecks,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    steps,
			})
		})
	}
}

// forgetStep removes the resource from state and leaves the record on the platform, so the next
// step can import it again.
func forgetStep(m *testMock, p platform.Name) resource.TestStep {
	return resource.TestStep{
		Config: m.providerConfig(p) + "removed {\n  from = " + testResource + "\n  lifecycle {\n    destroy = false\n  }\n}\n",
	}
}

// TestIdentityOf keeps the workspace in the identity only where the platform has workspaces, so
// an identity never names a workspace a platform lacks, and never holds an unknown value.
func TestIdentityOf(t *testing.T) {
	t.Parallel()
	model := withValues(types.StringValue("rec-1"), map[string]attr.Value{"workspace_id": types.StringValue("ws-1")})
	for _, tc := range resourceCases() {
		spec := mustSpec(t, tc.platform)
		got := identityOf(spec, model)
		wantWS := types.StringNull()
		if spec.Supports(platform.FieldWorkspaceID) {
			wantWS = types.StringValue("ws-1")
		}
		if !got.ID.Equal(types.StringValue("rec-1")) || !got.WorkspaceID.Equal(wantWS) {
			t.Errorf("%s: identityOf = {%s, %s}, want {rec-1, %s}", tc.platform, got.ID, got.WorkspaceID, wantWS)
		}
		unknown := identityOf(spec, withValues(types.StringValue("rec-1"), map[string]attr.Value{"workspace_id": types.StringUnknown()}))
		if !unknown.WorkspaceID.IsNull() {
			t.Errorf("%s: an unknown workspace must give a null identity workspace, got %s", tc.platform, unknown.WorkspaceID)
		}
	}
}

// TestSetIdentity writes the identity as the framework would from the identity model: of the
// identity schema's type, filled from a null identity (Terraform before 1.12 sends none), and
// left alone when it is already right.
func TestSetIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var schemaResp fwresource.IdentitySchemaResponse
	(&llmProviderResource{}).IdentitySchema(ctx, fwresource.IdentitySchemaRequest{}, &schemaResp)
	if want := schemaResp.IdentitySchema.Type().TerraformType(ctx); !identityType.Equal(want) {
		t.Fatalf("identityType = %s, the identity schema's type is %s", identityType, want)
	}
	model := withValues(types.StringValue("rec-1"), map[string]attr.Value{"workspace_id": types.StringValue("ws-1")})
	for _, tc := range resourceCases() {
		spec := mustSpec(t, tc.platform)
		identity := &tfsdk.ResourceIdentity{Schema: schemaResp.IdentitySchema, Raw: tftypes.NewValue(identityType, nil)}
		setIdentity(spec, identity, model)
		var got llmProviderIdentityModel
		if diags := identity.Get(ctx, &got); diags.HasError() {
			t.Fatalf("%s: %v", tc.platform, diags)
		}
		if want := identityOf(spec, model); !got.ID.Equal(want.ID) || !got.WorkspaceID.Equal(want.WorkspaceID) {
			t.Errorf("%s: identity = {%s, %s}, want {%s, %s}", tc.platform, got.ID, got.WorkspaceID, want.ID, want.WorkspaceID)
		}
		before := identity.Raw
		setIdentity(spec, identity, model)
		if !identity.Raw.Equal(before) {
			t.Errorf("%s: a second setIdentity changed the identity to %s", tc.platform, identity.Raw)
		}
		setIdentity(spec, nil, model) // Terraform without identities: nothing to write, no panic.
	}
}
