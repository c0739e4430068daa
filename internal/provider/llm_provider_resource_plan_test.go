package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
