package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// ValidateConfig checks what needs no platform: a version without its write-only value is caught by
// the schema validators; here a write-only value left without a version is reported clearly.
func (r *llmProviderResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg llmProviderResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !cfg.ExtraKwargs.IsNull() && !cfg.ExtraKwargs.IsUnknown() && !cfg.BaseURL.IsNull() {
		if obj, err := parseJSONObject(cfg.ExtraKwargs.ValueString()); err == nil {
			if _, ok := obj["base_url"]; ok {
				resp.Diagnostics.AddAttributeError(path.Root("extra_kwargs"), "Conflicting Base URL",
					"extra_kwargs holds \"base_url\" while the base_url attribute is set. Set the base URL in one place: the base_url attribute.")
			}
		}
	}
	if !cfg.Credentials.IsNull() && !cfg.Credentials.IsUnknown() && !cfg.APIKey.IsNull() {
		if _, ok := cfg.Credentials.Elements()["api_key"]; ok {
			resp.Diagnostics.AddAttributeError(path.Root("credentials"), "Conflicting API Key",
				"credentials holds \"api_key\" while the api_key attribute is set. Set the API key in one place: api_key (or api_key_wo).")
		}
	}
}

// ModifyPlan applies what depends on the configured platform: n/a attributes, required
// attributes, accepted model providers and the fields that force replacement.
func (r *llmProviderResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	spec := r.data.Spec
	var cfg, plan llmProviderResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	configured := configuredAttributes(cfg)
	for _, attrName := range sortedKeys(configured) {
		if !configured[attrName] {
			continue
		}
		if !spec.Supports(attributeFields[attrName]) {
			resp.Diagnostics.AddAttributeError(path.Root(attrName), "Attribute Not Supported On "+platformTitle(spec),
				fmt.Sprintf("%q is not an attribute of the %s platform, which has no such field. Remove it. "+
					"The %s platform supports: %s.", attrName, spec.Name, spec.Name, spec.SupportedList()))
		}
	}
	creating := req.State.Raw.IsNull()
	for _, f := range spec.SupportedFields() {
		fs := spec.Fields[f]
		if !fs.Required || !creating {
			continue
		}
		if !configured[string(f)] && !configured[string(f)+"_wo"] {
			msg := fmt.Sprintf("The %s platform requires %q (its %s field).", spec.Name, f, fs.Wire)
			if slices.Contains(platform.SecretFields, f) {
				msg += fmt.Sprintf(" Set %q or %q with %q.", f, string(f)+"_wo", string(f)+"_wo_version")
			}
			resp.Diagnostics.AddAttributeError(path.Root(string(f)), "Missing Required Attribute", msg)
		}
	}
	if !cfg.ModelProvider.IsNull() && !cfg.ModelProvider.IsUnknown() && spec.Supports(platform.FieldModelProvider) &&
		!spec.AcceptsModelProvider(cfg.ModelProvider.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("model_provider"), "Model Provider Not Supported On "+platformTitle(spec),
			fmt.Sprintf("The %s platform does not accept model_provider %q. Allowed values: %s.", spec.Name, cfg.ModelProvider.ValueString(), strings.Join(spec.ModelProviders, ", ")))
	}
	if resp.Diagnostics.HasError() || creating {
		return
	}

	var state llmProviderResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Some platforms detach a record from its connection only together with a direct credential.
	if spec.Fields[platform.FieldConnectionID].DetachNeedsCredential && !state.ConnectionID.IsNull() && cfg.ConnectionID.IsNull() &&
		!configured["api_key"] && !configured["api_key_wo"] && !configured["credentials"] && !configured["credentials_wo"] {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Direct Credential Required To Detach",
			fmt.Sprintf("Removing connection_id detaches the record from its shared credential, and %s then needs a direct credential in the same request. "+
				"Set api_key, api_key_wo, credentials or credentials_wo, or keep connection_id.", spec.Name))
		return
	}
	// A required secret the platform cannot clear cannot be removed either: removing it from the
	// configuration would change nothing on the platform while state forgot it.
	for _, f := range platform.SecretFields {
		fs, ok := spec.Fields[f]
		if !ok || !fs.Required || fs.Clearable {
			continue
		}
		wo := string(f) + "_wo"
		if !configured[string(f)] && !configured[wo] && (!attributeValues(state)[string(f)].IsNull() || !attributeValues(state)[wo+"_version"].IsNull()) {
			resp.Diagnostics.AddAttributeError(path.Root(string(f)), "Required Secret Cannot Be Removed",
				fmt.Sprintf("The %s platform requires %q and cannot clear it, so it cannot be removed from the configuration. "+
					"Set %q, or %q with %q, to the value it should have.", spec.Name, f, f, wo, wo+"_version"))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	planValues, priorValues := attributeValues(plan), attributeValues(state)
	for _, f := range spec.SupportedFields() {
		if spec.Fields[f].Replace && !planValues[string(f)].Equal(priorValues[string(f)]) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(string(f)))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// attributeValues gives the configurable attributes by name, for generic comparisons.
func attributeValues(m llmProviderResourceModel) map[string]attr.Value {
	return map[string]attr.Value{
		"provider_id": m.ProviderID, "name": m.Name, "model_provider": m.ModelProvider, "base_url": m.BaseURL,
		"enabled": m.Enabled, "api_key": m.APIKey, "api_key_wo": m.APIKeyWO, "api_key_wo_version": m.APIKeyWOVersion,
		"secret": m.Secret, "secret_wo": m.SecretWO, "secret_wo_version": m.SecretWOVersion,
		"credentials": m.Credentials, "credentials_wo": m.CredentialsWO, "credentials_wo_version": m.CredentialsWOVersion,
		"workspace_id": m.WorkspaceID, "auth_type": m.AuthType, "connection_id": m.ConnectionID, "catalog_id": m.CatalogID,
		"settings": m.Settings, "extra_kwargs": m.ExtraKwargs, "request_timeout_secs": m.RequestTimeoutSecs,
		"stream_idle_timeout_secs": m.StreamIdleTimeoutSecs, "enforce_health_check": m.EnforceHealthCheck,
	}
}

// configuredAttributes reports which configurable attributes the configuration sets (unknown counts as set).
func configuredAttributes(cfg llmProviderResourceModel) map[string]bool {
	out := map[string]bool{}
	for name, v := range attributeValues(cfg) {
		out[name] = !v.IsNull()
	}
	return out
}
