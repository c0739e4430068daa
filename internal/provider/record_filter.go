package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// recordFilter holds the filters shared by the llm_providers data source and the llm_provider
// list resource, so both accept, refuse and match records the same way.
type recordFilter struct {
	ModelProvider types.String
	Name          types.String
	WorkspaceID   types.String
}

// check reports a filter the configured platform cannot apply, so a list that could never match
// fails with a reason instead of finding nothing.
func (f recordFilter) check(spec platform.Spec, diags *diag.Diagnostics) {
	checkLookupArgument(spec, "model_provider", f.ModelProvider, diags)
	checkLookupArgument(spec, "name", f.Name, diags)
	checkLookupArgument(spec, "workspace_id", f.WorkspaceID, diags)
}

// listOptions is what the platform filters itself: the workspace, in the one list call.
func (f recordFilter) listOptions() platform.ListOptions {
	return platform.ListOptions{WorkspaceID: f.WorkspaceID.ValueString()}
}

// matches applies the filters the platform does not: model provider and name.
func (f recordFilter) matches(spec platform.Spec, rec platform.Record) bool {
	if !f.ModelProvider.IsNull() && !spec.SameModelProvider(f.ModelProvider.ValueString(), rec.ModelProvider) {
		return false
	}
	return f.Name.IsNull() || spec.SameString(platform.FieldName, rec.Name, f.Name.ValueString())
}

// Descriptions of the filter arguments, shared by the data source and the list resource.
func modelProviderFilterDoc() string {
	return "Keep only the records for this model provider (a canonical slug). A value matches every record with " +
		"the same wire value (where `vertex` and `google_ai` are both `GOOGLE`, either matches both). Setting it on a platform " +
		"that has no model provider, or to a value the platform does not accept, is an error."
}

func nameFilterDoc() string {
	return "Keep only the records with this name: " + nameComparisonDoc() + ", where setting it is an error."
}

func workspaceFilterDoc() string {
	return "Where the platform has workspaces, list only this workspace's records (the platform filters them); without it every " +
		"accessible workspace is listed. Setting it on another platform is an error."
}
