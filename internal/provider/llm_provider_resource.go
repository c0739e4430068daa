package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var (
	_ resource.Resource                   = (*llmProviderResource)(nil)
	_ resource.ResourceWithConfigure      = (*llmProviderResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*llmProviderResource)(nil)
	_ resource.ResourceWithImportState    = (*llmProviderResource)(nil)
	_ resource.ResourceWithValidateConfig = (*llmProviderResource)(nil)
)

// NewLLMProviderResource returns the llm_provider resource.
func NewLLMProviderResource() resource.Resource { return &llmProviderResource{} }

type llmProviderResource struct {
	data *providerData
}

// Default operation timeouts when the timeouts block leaves one unset.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// privateSettingsServerKeys holds, in private state, the settings keys the platform added itself,
// so refresh ignores them and a plan never tries to remove them.
const privateSettingsServerKeys = "settings_server_keys"

func (r *llmProviderResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provider"
}

func (r *llmProviderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *llmProviderResource) requireConfigured(diags *diag.Diagnostics) bool {
	if r.data == nil {
		diags.AddError("Provider Not Configured",
			"The llm provider block was not configured (its platform, endpoint or token is unknown). Set them to values known at plan time.")
		return false
	}
	return true
}

func (r *llmProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	plan, diags := modelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	cfg, diags := modelFrom(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	wo, diags := readWriteOnly(ctx, cfg)
	resp.Diagnostics.Append(diags...)
	rec, diags := plan.toRecord(ctx, wo)
	resp.Diagnostics.Append(diags...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(maskSecrets(ctx, rec), timeout)
	defer cancel()

	created, err := platform.Create(ctx, r.data.Client, rec)
	if created.ID == "" {
		addAPIError(&resp.Diagnostics, "Create", r.data.Spec, err)
		return
	}
	settingsKeys := platformAddedKeys(rec.Settings, created)
	plan.fromPlatform(r.data.Spec, created, llmProviderResourceModel{}, settingsKeys)
	resp.Diagnostics.Append(saveSettingsKeys(ctx, resp.Private, settingsKeys)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	setIdentity(r.data.Spec, resp.Identity, plan)
	if err != nil {
		// The record exists but a follow-up step failed: state keeps it, and Terraform taints it.
		addAPIError(&resp.Diagnostics, "Create", r.data.Spec, err)
	}
	tflog.Debug(ctx, "created llm_provider", map[string]any{"id": created.ID, "platform": string(r.data.Spec.Name)})
}

func (r *llmProviderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	state, diags := modelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rec, err := r.data.Client.Get(ctx, state.ref())
	if platform.IsNotFound(err) {
		tflog.Warn(ctx, "llm_provider is gone from the platform; removing it from state", map[string]any{"id": state.ID.ValueString()})
		// The framework wants an identity after every read without errors, removal included, and
		// state from Terraform before 1.12 (or an older provider version) has none yet.
		setIdentity(r.data.Spec, resp.Identity, state)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Read", r.data.Spec, err)
		return
	}
	state.fromPlatform(r.data.Spec, rec, state, loadSettingsKeys(ctx, rec, req.Private))
	resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
	setIdentity(r.data.Spec, resp.Identity, state)
}

func (r *llmProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	plan, diags := modelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := modelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	cfg, diags := modelFrom(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	wo, diags := readWriteOnly(ctx, cfg)
	resp.Diagnostics.Append(diags...)
	planned, diags := plan.toRecord(ctx, wo)
	resp.Diagnostics.Append(diags...)
	prior, diags := state.toRecord(ctx, writeOnlyValues{})
	resp.Diagnostics.Append(diags...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(maskSecrets(ctx, planned), timeout)
	defer cancel()

	patch, err := platform.PlanUpdate(r.data.Client, prior, planned, rotatedSecrets(r.data.Spec, state, plan))
	if err != nil {
		addAPIError(&resp.Diagnostics, "Update", r.data.Spec, err)
		return
	}
	if patch.Empty() {
		// Only Terraform-side attributes (timeouts, a version without a value change) changed.
		plan.fromPlatform(r.data.Spec, platform.Record{}, state, nil)
		resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
		setIdentity(r.data.Spec, resp.Identity, plan)
		return
	}
	tflog.Debug(ctx, "updating llm_provider", map[string]any{"id": state.ID.ValueString(), "fields": fmt.Sprint(patch.Fields)})
	updated, err := r.data.Client.Update(ctx, state.ref(), patch)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Update", r.data.Spec, err)
		return
	}
	settingsKeys := loadSettingsKeys(ctx, updated, req.Private)
	if patch.Has(platform.FieldSettings) && updated.Returned[platform.FieldSettings] {
		settingsKeys = platformAddedKeys(planned.Settings, updated)
		resp.Diagnostics.Append(saveSettingsKeys(ctx, resp.Private, settingsKeys)...)
	}
	if err := platform.CheckEcho(r.data.Spec, planned, patch.Fields, updated); err != nil {
		// The platform ignored part of the update. State must say what it holds, not what was
		// planned, so the next plan shows the change again.
		state.fromPlatform(r.data.Spec, updated, state, settingsKeys)
		resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
		addAPIError(&resp.Diagnostics, "Update", r.data.Spec, err)
		return
	}
	plan.fromPlatform(r.data.Spec, updated, state, settingsKeys)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	setIdentity(r.data.Spec, resp.Identity, plan)
}

func (r *llmProviderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	state, diags := modelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := r.data.Client.Delete(ctx, state.ref()); err != nil {
		addAPIError(&resp.Diagnostics, "Delete", r.data.Spec, err)
	}
}

// ImportState takes the platform's id of the record (see the id attribute), or an import block's
// identity. Secrets cannot be imported: set them in the configuration with a new _wo_version (or
// api_key) after import.
func (r *llmProviderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		r.importByIdentity(ctx, req, resp)
		return
	}
	id := strings.TrimSpace(req.ID)
	if id == "" {
		resp.Diagnostics.AddError("Invalid Import ID", "The import ID is empty. Use the platform's id of the record (see the id attribute).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
