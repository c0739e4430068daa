package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// The plan-time checks read the raw Terraform values rather than the whole model: they run for
// every record on every plan, and decoding the model through reflection cost more than the
// checks themselves.

// ValidateConfig checks what needs no platform: a version without its write-only value is caught by
// the schema validators; here the same value set in two places is reported clearly.
func (r *llmProviderResource) ValidateConfig(_ context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	cfg := rawAttributes(req.Config.Raw)
	if extra, ok := knownString(cfg["extra_kwargs"]); ok && !cfg["base_url"].IsNull() {
		if obj, err := parseJSONObject(extra); err == nil {
			if _, ok := obj["base_url"]; ok {
				resp.Diagnostics.AddAttributeError(path.Root("extra_kwargs"), "Conflicting Base URL",
					"extra_kwargs holds \"base_url\" while the base_url attribute is set. Set the base URL in one place: the base_url attribute.")
			}
		}
	}
	if credentials := cfg["credentials"]; credentials.IsKnown() && !credentials.IsNull() && !cfg["api_key"].IsNull() {
		var elements map[string]tftypes.Value
		if credentials.As(&elements) == nil {
			if _, ok := elements["api_key"]; ok {
				resp.Diagnostics.AddAttributeError(path.Root("credentials"), "Conflicting API Key",
					"credentials holds \"api_key\" while the api_key attribute is set. Set the API key in one place: api_key (or api_key_wo).")
			}
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
	cfg, plan := rawAttributes(req.Config.Raw), rawAttributes(req.Plan.Raw)
	configured := map[string]bool{}
	for name := range attributeFields {
		// Unknown counts as set: it will be set.
		configured[name] = !cfg[name].IsNull()
	}
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
		secret := slices.Contains(platform.SecretFields, f)
		// A required secret may be left out of an existing record's configuration where the
		// platform keeps it; the check below refuses its removal where that would lose it.
		if !fs.Required || (!creating && secret) || configured[string(f)] || configured[string(f)+"_wo"] || configured[string(fs.RequiredUnless)] {
			continue
		}
		msg := fmt.Sprintf("The %s platform requires %q (its %s field).", spec.Name, f, fs.Wire)
		if !creating {
			msg += " It cannot be removed from the configuration of an existing record: set it to the value the record should have."
		}
		if secret {
			msg += fmt.Sprintf(" Set %q or %q with %q.", f, string(f)+"_wo", string(f)+"_wo_version")
		}
		if fs.RequiredUnless != "" {
			msg += fmt.Sprintf(" Or set %q instead.", fs.RequiredUnless)
		}
		resp.Diagnostics.AddAttributeError(path.Root(string(f)), "Missing Required Attribute", msg)
	}
	if modelProvider, ok := knownString(cfg["model_provider"]); ok && spec.Supports(platform.FieldModelProvider) && !spec.AcceptsModelProvider(modelProvider) {
		resp.Diagnostics.AddAttributeError(path.Root("model_provider"), "Model Provider Not Supported On "+platformTitle(spec),
			fmt.Sprintf("The %s platform does not accept model_provider %q. Allowed values: %s.", spec.Name, modelProvider, strings.Join(spec.ModelProviders, ", ")))
	}
	checkCredentialKeys(spec, cfg, &resp.Diagnostics)
	// A field required while another holds a value (barndoor's billing_reason while billing_mode is
	// not_metered) is refused here rather than by the platform mid-apply. The other field is read
	// from the plan, which holds the platform's value when the configuration leaves it unset.
	for _, f := range spec.SupportedFields() {
		when := spec.Fields[f].RequiredWhen
		if when == nil || configured[string(f)] {
			continue
		}
		if v, ok := knownString(plan[string(when.Field)]); ok && v == when.Value {
			resp.Diagnostics.AddAttributeError(path.Root(string(f)), "Missing Required Attribute",
				fmt.Sprintf("%s is %q, and the %s platform then requires %q (its %s field). Set %s, or change %s.",
					when.Field, when.Value, spec.Name, f, spec.Fields[f].Wire, f, when.Field))
		}
	}
	if resp.Diagnostics.HasError() || creating {
		return
	}

	state := rawAttributes(req.State.Raw)
	// Some platforms detach a record from its connection only together with a direct credential.
	if spec.Fields[platform.FieldConnectionID].DetachNeedsCredential && !state["connection_id"].IsNull() && cfg["connection_id"].IsNull() &&
		!configured["api_key"] && !configured["api_key_wo"] && !configured["credentials"] && !configured["credentials_wo"] {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Direct Credential Required To Detach",
			fmt.Sprintf("Removing connection_id detaches the record from its shared credential, and %s then needs a direct credential in the same request. "+
				"Set api_key, api_key_wo, credentials or credentials_wo, or keep connection_id.", spec.Name))
		return
	}
	// Where the platform replaces a field and the key as one object, a change of the field sends the
	// key again; without one in the configuration the platform would be left with none.
	if !configured["api_key"] && !configured["api_key_wo"] {
		for _, f := range r.data.APIVersion.KeySentWith {
			if !plan[string(f)].Equal(state[string(f)]) {
				resp.Diagnostics.AddAttributeError(path.Root(string(f)), "API Key Required For This Change",
					fmt.Sprintf("On the %s platform's API version %s, a change of %s is sent together with the API key, which the platform "+
						"replaces with it; with no key in the configuration the record would lose its key. Set api_key, or api_key_wo with "+
						"api_key_wo_version, in the same configuration, or leave %s as it is.", spec.Name, r.data.APIVersion.Name, f, f))
			}
		}
	}
	// A required secret the platform cannot clear cannot be removed either: removing it from the
	// configuration would change nothing on the platform while state forgot it.
	for _, f := range platform.SecretFields {
		fs, ok := spec.Fields[f]
		if !ok || !fs.Required || fs.Clearable || configured[string(fs.RequiredUnless)] {
			continue
		}
		wo := string(f) + "_wo"
		if !configured[string(f)] && !configured[wo] && (!state[string(f)].IsNull() || !state[wo+"_version"].IsNull()) {
			resp.Diagnostics.AddAttributeError(path.Root(string(f)), "Required Secret Cannot Be Removed",
				fmt.Sprintf("The %s platform requires %q and cannot clear it, so it cannot be removed from the configuration. "+
					"Set %q, or %q with %q, to the value it should have.", spec.Name, f, f, wo, wo+"_version"))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// enabled defaults to true, the platforms' documented default: removing it from the
	// configuration enables the record again rather than leaving it as it was.
	if spec.Supports(platform.FieldEnabled) && cfg["enabled"].IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("enabled"), true)...)
	}
	for _, f := range spec.SupportedFields() {
		if fs := spec.Fields[f]; fs.CreateOnly && !plan[string(f)].Equal(state[string(f)]) {
			resp.Diagnostics.AddAttributeWarning(path.Root(string(f)), "Attribute Sent Only On Create",
				fmt.Sprintf("The %s platform takes %s (its %s field) only when it creates a record and never returns it, so this change is kept in "+
					"state and sends nothing; the record keeps what it was created with. To apply it to the platform, replace the record "+
					"(terraform apply -replace) or change it there.", spec.Name, f, fs.Wire))
		}
		if spec.Fields[f].Replace && !plan[string(f)].Equal(state[string(f)]) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(string(f)))
		}
	}
}

// checkCredentialKeys warns of a credentials key the platform does not document for the
// configured model provider: a typo (deployment instead of deployment_id) would otherwise reach
// the platform, which may ignore it. A warning, since whether the platform refuses such a key is
// not documented. It names keys, never values.
func checkCredentialKeys(spec platform.Spec, cfg map[string]tftypes.Value, diags *diag.Diagnostics) {
	modelProvider, ok := knownString(cfg["model_provider"])
	documented, listed := spec.CredentialKeys[modelProvider]
	if !ok || !listed {
		return
	}
	for _, name := range []string{"credentials", "credentials_wo"} {
		var values map[string]tftypes.Value
		if v := cfg[name]; !v.IsKnown() || v.IsNull() || v.As(&values) != nil {
			continue
		}
		for _, key := range sortedKeys(values) {
			if slices.Contains(documented, key) {
				continue
			}
			allowed := "none"
			if len(documented) > 0 {
				allowed = strings.Join(documented, ", ")
			}
			diags.AddAttributeWarning(path.Root(name).AtMapKey(key), "Undocumented Credential Key",
				fmt.Sprintf("The %s platform documents no %s.%s for model_provider %q; its documented %s keys are: %s (api_key has its own attribute). "+
					"Check the key's spelling; the platform may ignore or refuse it.", spec.Name, name, key, modelProvider, name, allowed))
		}
	}
}

// rawAttributes splits an object value into its attributes; a null or unknown object has none.
func rawAttributes(v tftypes.Value) map[string]tftypes.Value {
	var attrs map[string]tftypes.Value
	if !v.IsKnown() || v.IsNull() || v.As(&attrs) != nil {
		return nil
	}
	return attrs
}

// knownString is a string attribute's value when it is known and not null.
func knownString(v tftypes.Value) (string, bool) {
	var s string
	if !v.IsKnown() || v.IsNull() || v.As(&s) != nil {
		return "", false
	}
	return s, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
