package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// writeOnlyValues are the write-only secrets, read from the configuration during apply.
type writeOnlyValues struct {
	APIKey      string
	Secret      string
	Credentials map[string]string
}

func readWriteOnly(ctx context.Context, cfg llmProviderResourceModel) (writeOnlyValues, diag.Diagnostics) {
	var diags diag.Diagnostics
	wo := writeOnlyValues{APIKey: cfg.APIKeyWO.ValueString(), Secret: cfg.SecretWO.ValueString()}
	if !cfg.CredentialsWO.IsNull() && !cfg.CredentialsWO.IsUnknown() {
		diags.Append(cfg.CredentialsWO.ElementsAs(ctx, &wo.Credentials, false)...)
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
	for _, s := range []struct {
		field            platform.Field
		kept, keptBefore attr.Value
		version, before  types.String
	}{
		{platform.FieldAPIKey, plan.APIKey, state.APIKey, plan.APIKeyWOVersion, state.APIKeyWOVersion},
		{platform.FieldSecret, plan.Secret, state.Secret, plan.SecretWOVersion, state.SecretWOVersion},
		{platform.FieldCredentials, plan.Credentials, state.Credentials, plan.CredentialsWOVersion, state.CredentialsWOVersion},
	} {
		if spec.Supports(s.field) && (!s.kept.Equal(s.keptBefore) || !s.version.Equal(s.before)) {
			rotated = append(rotated, s.field)
		}
	}
	return rotated
}
