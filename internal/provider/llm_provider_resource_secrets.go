package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// writeOnlyValues are the write-only secrets in their JSON form by field, read from the
// configuration during apply.
type writeOnlyValues map[platform.Field]any

func readWriteOnly(_ context.Context, cfg llmProviderResourceModel) (writeOnlyValues, diag.Diagnostics) {
	var diags diag.Diagnostics
	wo := writeOnlyValues{}
	for _, a := range resourceAttributes {
		if a.Role != roleWriteOnly {
			continue
		}
		v, err := jsonForm(a.Def, cfg.value(a.Name))
		if err != nil {
			diags.AddAttributeError(path.Root(a.Name), "Unexpected Resource Value", fmt.Sprintf("%s cannot be read: %s.", a.Name, err))
		}
		if v != nil && v != "" {
			wo[a.Def.Field] = v
		}
	}
	return wo, diags
}

// maskSecrets keeps every secret of the record out of log lines written with ctx.
func maskSecrets(ctx context.Context, rec platform.Record) context.Context {
	secrets := slices.DeleteFunc(platform.SecretsOf(rec), func(s string) bool { return s == "" })
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// rotatedSecrets lists the secrets the configuration asks to send: a secret kept in state whose
// value changed, a write-only secret whose version changed (or that replaced the kept one).
// PlanUpdate decides what of that reaches the wire.
func rotatedSecrets(spec platform.Spec, state, plan llmProviderResourceModel) []platform.Field {
	var rotated []platform.Field
	for _, f := range platform.SecretFields {
		kept, version := string(f), string(f)+"_wo_version"
		if spec.Supports(f) && (!plan.value(kept).Equal(state.value(kept)) || !plan.value(version).Equal(state.value(version))) {
			rotated = append(rotated, f)
		}
	}
	return rotated
}
