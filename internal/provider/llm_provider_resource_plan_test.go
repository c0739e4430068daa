package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// TestCheckCredentialKeys: a credentials key refactor does not document for the model provider
// is a warning naming the key and the documented ones, never the value; documented keys, model
// providers without documented keys and platforms without the list pass.
func TestCheckCredentialKeys(t *testing.T) {
	t.Parallel()
	mapType := tftypes.Map{ElementType: tftypes.String}
	creds := func(kv ...string) tftypes.Value {
		m := map[string]tftypes.Value{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = tftypes.NewValue(tftypes.String, kv[i+1])
		}
		return tftypes.NewValue(mapType, m)
	}
	cfg := func(modelProvider string, attr string, v tftypes.Value) map[string]tftypes.Value {
		return map[string]tftypes.Value{"model_provider": tftypes.NewValue(tftypes.String, modelProvider), attr: v}
	}
	for _, tc := range []struct {
		name     string
		spec     platform.Name
		cfg      map[string]tftypes.Value
		warnings []string
	}{
		{"documented keys", refactor.Name, cfg("azure_openai", "credentials", creds("endpoint", "https://x", "deployment_id", "d")), nil},
		{"a typo", refactor.Name, cfg("azure_openai", "credentials", creds("deployment", "secret-value")),
			[]string{"credentials.deployment", `model_provider "azure_openai"`, "endpoint, deployment_id"}},
		{"write-only too", refactor.Name, cfg("openai", "credentials_wo", creds("org", "secret-value")),
			[]string{"credentials_wo.org", "organization"}},
		{"no documented keys at all", refactor.Name, cfg("anthropic", "credentials", creds("region", "secret-value")),
			[]string{"credentials.region", "keys are: none"}},
		{"undocumented model provider takes any", refactor.Name, cfg("xai", "credentials", creds("anything", "v")), nil},
		{"unknown map", refactor.Name, cfg("openai", "credentials", tftypes.NewValue(mapType, tftypes.UnknownValue)), nil},
		{"platform without the list", barndoor.Name, cfg("openai", "credentials", creds("anything", "v")), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			checkCredentialKeys(mustSpec(t, tc.spec), tc.cfg, &diags)
			if diags.HasError() || len(diags.Warnings()) != min(len(tc.warnings), 1) {
				t.Fatalf("diagnostics %v, want %d warning(s)", diags, min(len(tc.warnings), 1))
			}
			for _, d := range diags.Warnings() {
				text := d.Summary() + " " + d.Detail()
				for _, want := range tc.warnings {
					if !strings.Contains(text, want) {
						t.Errorf("warning %q does not say %q", text, want)
					}
				}
				if strings.Contains(text, "secret-value") {
					t.Errorf("warning %q shows a credential's value", text)
				}
			}
		})
	}
}

// TestModifyPlanWarnsOfAnUndocumentedCredentialKey: the plan of a refactor record with a
// mistyped credentials key carries the warning, from ModifyPlan itself, and no error.
func TestModifyPlanWarnsOfAnUndocumentedCredentialKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &llmProviderResource{data: &providerData{Spec: mustSpec(t, refactor.Name)}}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	typ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	values["model_provider"] = tftypes.NewValue(tftypes.String, "azure_openai")
	values["api_key"] = tftypes.NewValue(tftypes.String, "secret-value")
	values["credentials"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String},
		map[string]tftypes.Value{"deployment": tftypes.NewValue(tftypes.String, "secret-value")})
	raw := tftypes.NewValue(typ, values)
	req := fwresource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: raw},
		Plan:   tfsdk.Plan{Schema: schemaResp.Schema, Raw: raw},
		State:  tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, nil)},
	}
	resp := fwresource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("errors: %v", resp.Diagnostics)
	}
	warnings := resp.Diagnostics.Warnings()
	if len(warnings) != 1 || warnings[0].Summary() != "Undocumented Credential Key" || !strings.Contains(warnings[0].Detail(), "credentials.deployment") {
		t.Fatalf("warnings %v, want one Undocumented Credential Key naming credentials.deployment", warnings)
	}
	if strings.Contains(warnings[0].Detail(), "secret-value") {
		t.Fatalf("the warning shows a credential's value: %s", warnings[0].Detail())
	}
}
