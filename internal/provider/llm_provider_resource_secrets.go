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

// rotatedSecrets decides which secrets to send: a secret kept in state when its value changed, a
// write-only secret when its version changed (or it replaced the kept one). A secret removed from
// the configuration is sent as a clear only where the platform can clear it.
func rotatedSecrets(spec platform.Spec, state, plan llmProviderResourceModel, planned platform.Record) []platform.Field {
	var rotated []platform.Field
	type secret struct {
		field             platform.Field
		kept, keptBefore  attr.Value
		version, verPrior types.String
		empty             bool
	}
	for _, s := range []secret{
		{platform.FieldAPIKey, plan.APIKey, state.APIKey, plan.APIKeyWOVersion, state.APIKeyWOVersion, planned.APIKey == ""},
		{platform.FieldSecret, plan.Secret, state.Secret, plan.SecretWOVersion, state.SecretWOVersion, planned.Secret == ""},
		{platform.FieldCredentials, plan.Credentials, state.Credentials, plan.CredentialsWOVersion, state.CredentialsWOVersion, len(planned.Credentials) == 0},
	} {
		if !spec.Supports(s.field) {
			continue
		}
		changed := !s.kept.Equal(s.keptBefore) || !s.version.Equal(s.verPrior)
		if changed && (!s.empty || spec.Fields[s.field].Clearable) {
			rotated = append(rotated, s.field)
		}
	}
	// Where detaching from a connection needs the direct credential, it goes in the same request.
	if spec.Fields[platform.FieldConnectionID].DetachNeedsCredential && !state.ConnectionID.IsNull() && plan.ConnectionID.IsNull() {
		if planned.APIKey != "" && !slices.Contains(rotated, platform.FieldAPIKey) {
			rotated = append(rotated, platform.FieldAPIKey)
		}
		if len(planned.Credentials) > 0 && !slices.Contains(rotated, platform.FieldCredentials) {
			rotated = append(rotated, platform.FieldCredentials)
		}
	}
	return rotated
}
