package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var _ resource.ResourceWithIdentity = (*llmProviderResource)(nil)

// llmProviderIdentityModel is the resource identity (Terraform 1.12 and later): what finds a record
// on its platform without the rest of the configuration.
type llmProviderIdentityModel struct {
	ID          types.String `tfsdk:"id"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
}

func (r *llmProviderResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "The platform's id of the record, as in the id attribute.",
			},
			"workspace_id": identityschema.StringAttribute{
				OptionalForImport: true,
				Description: "The workspace that owns the record, where the platform has workspaces (null elsewhere). " +
					"On import it narrows the lookup to that workspace; without it every accessible workspace is searched.",
			},
		},
	}
}

// identityOf is the identity of a record as the resource model holds it. The workspace is kept
// only where the platform has workspaces, so the identity never names one a platform lacks.
func identityOf(spec platform.Spec, m llmProviderResourceModel) llmProviderIdentityModel {
	id := llmProviderIdentityModel{ID: m.ID, WorkspaceID: types.StringNull()}
	if workspace := m.String(string(platform.FieldWorkspaceID)); spec.Supports(platform.FieldWorkspaceID) && !workspace.IsUnknown() {
		id.WorkspaceID = workspace
	}
	return id
}

// setIdentity writes the identity of the model to the response; the identity is nil when
// Terraform does not support identities (before 1.12), and there is then nothing to write. It
// builds the value directly rather than through the framework's reflection, and leaves an
// identity that is already right alone: Read runs once per record on every plan.
func setIdentity(spec platform.Spec, identity *tfsdk.ResourceIdentity, m llmProviderResourceModel) {
	if identity == nil || m.ID.IsNull() || m.ID.IsUnknown() {
		return
	}
	want := identityOf(spec, m)
	var typ tftypes.Type = identityType
	if t := identity.Raw.Type(); t != nil {
		typ = t
	}
	workspace := tftypes.NewValue(tftypes.String, nil)
	if !want.WorkspaceID.IsNull() {
		workspace = tftypes.NewValue(tftypes.String, want.WorkspaceID.ValueString())
	}
	raw := tftypes.NewValue(typ, map[string]tftypes.Value{
		"id":           tftypes.NewValue(tftypes.String, want.ID.ValueString()),
		"workspace_id": workspace,
	})
	if !identity.Raw.Equal(raw) {
		identity.Raw = raw
	}
}

// identityType is the Terraform type of the identity schema.
var identityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String, "workspace_id": tftypes.String}}

// importByIdentity starts the state from an import block's identity: the id, and the workspace
// that narrows the lookup where the platform has workspaces. Read fills the rest.
func (r *llmProviderResource) importByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var identity llmProviderIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := strings.TrimSpace(identity.ID.ValueString())
	if id == "" {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid Import Identity",
			"The identity's id is empty. Set it to the platform's id of the record (see the id attribute).")
		return
	}
	workspace := strings.TrimSpace(identity.WorkspaceID.ValueString())
	if workspace != "" && r.data != nil && !r.data.Spec.Supports(platform.FieldWorkspaceID) {
		resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Invalid Import Identity",
			fmt.Sprintf("The %s platform has no workspaces, so the identity's workspace_id %q cannot name one. Remove workspace_id from the import block's identity.",
				r.data.Spec.Name, workspace))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if workspace != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("workspace_id"), workspace)...)
	}
}
