package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

	created, err := createOrAdopt(ctx, r.data.Client, rec)
	if err != nil && created.ID == "" {
		addAPIError(&resp.Diagnostics, "Create", r.data.Spec, err)
		return
	}
	serverKeys := serverAddedKeys(r.data.Spec, rec.Settings, created.Settings)
	plan.applyRecord(r.data.Spec, created, serverKeys)
	resp.Diagnostics.Append(saveServerKeys(ctx, resp.Private, serverKeys)...)
	resp.Diagnostics.Append(setState(ctx, &resp.State, plan)...)
	setIdentity(r.data.Spec, resp.Identity, plan)
	if err != nil {
		// The record exists but a follow-up step failed: state keeps it, and Terraform taints it.
		addAPIError(&resp.Diagnostics, "Create", r.data.Spec, err)
	}
	tflog.Debug(ctx, "created llm_provider", map[string]any{"id": created.ID, "platform": string(r.data.Spec.Name)})
}

// maxCreateAttempts bounds how often an ambiguous create is looked up and tried again.
const maxCreateAttempts = 5

// createOrAdopt creates the record and never creates it twice: after a failure that may have
// reached the platform (timeout, dropped connection, 5xx) it looks the record up by its unique
// key and adopts it; only when it is absent is the create tried again.
func createOrAdopt(ctx context.Context, client platform.Client, rec platform.Record) (platform.Record, error) {
	var lastErr error
	for attempt := 1; attempt <= maxCreateAttempts; attempt++ {
		if attempt > 1 {
			existing, found, err := platform.FindExisting(ctx, client, rec)
			if err != nil {
				if ctx.Err() != nil {
					return platform.Record{}, errors.Join(ctx.Err(), lastErr)
				}
				lastErr = err
				if !waitBeforeRetry(ctx, attempt) {
					return platform.Record{}, errors.Join(ctx.Err(), lastErr)
				}
				continue
			}
			if found {
				tflog.Info(ctx, "adopted the record an ambiguous create left behind", map[string]any{"id": existing.ID})
				return platform.Converge(ctx, client, existing, rec)
			}
		}
		created, err := platform.CreateRecord(ctx, client, rec)
		if err == nil || !errors.Is(err, platform.ErrAmbiguous) || ctx.Err() != nil {
			return created, err
		}
		lastErr = err
		tflog.Warn(ctx, "create may or may not have reached the platform; looking the record up before trying again", map[string]any{"attempt": attempt, "error": err.Error()})
		if !waitBeforeRetry(ctx, attempt) {
			return platform.Record{}, errors.Join(ctx.Err(), lastErr)
		}
	}
	return platform.Record{}, lastErr
}

func waitBeforeRetry(ctx context.Context, attempt int) bool {
	select {
	case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		return true
	case <-ctx.Done():
		return false
	}
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
	state.applyRecord(r.data.Spec, rec, loadServerKeys(ctx, r.data.Spec, req.Private))
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

	patch := platform.Diff(prior, planned, rotatedSecrets(r.data.Spec, state, plan, planned)...)
	// auth_type left to the platform is unknown in the plan only when nothing pins it; never send it then.
	patch.Fields = slices.DeleteFunc(patch.Fields, func(f platform.Field) bool {
		return !r.data.Spec.Supports(f) || (f == platform.FieldAuthType && planned.AuthType == "")
	})
	serverKeys := loadServerKeys(ctx, r.data.Spec, req.Private)
	if patch.Empty() {
		// Only Terraform-side attributes (timeouts, a version without a value change) changed.
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
	// The plan is what was asked for; the response fills what the platform computes. Where an
	// update answers with the id alone, there is nothing to take from it.
	result := plan
	if !r.data.Spec.UpdateAnswersIDOnly {
		if patch.Has(platform.FieldSettings) {
			serverKeys = serverAddedKeys(r.data.Spec, planned.Settings, updated.Settings)
			resp.Diagnostics.Append(saveServerKeys(ctx, resp.Private, serverKeys)...)
		}
		if err := platform.CheckEcho(r.data.Spec, planned, patch.Fields, updated); err != nil {
			// The platform ignored part of the update. State must say what it holds, not the
			// plan (which the framework pre-fills), so the next plan shows the change again.
			held := state
			held.applyRecord(r.data.Spec, updated, serverKeys)
			resp.Diagnostics.Append(resp.State.Set(ctx, held)...)
			addAPIError(&resp.Diagnostics, "Update", r.data.Spec, err)
			return
		}
		result.applyRecord(r.data.Spec, updated, serverKeys)
		keepPlanned(&result, plan)
	}
	fillUnknown(&result, state)
	resp.Diagnostics.Append(setState(ctx, &resp.State, result)...)
	setIdentity(r.data.Spec, resp.Identity, result)
}

// keepPlanned restores the configured attributes after mapping a response, so the state after
// apply always equals the plan for what the user set (a lagging read-back must not make
// Terraform report an inconsistent result); drift shows on the next refresh instead.
func keepPlanned(result *llmProviderResourceModel, plan llmProviderResourceModel) {
	result.ProviderID, result.Name, result.ModelProvider = plan.ProviderID, plan.Name, plan.ModelProvider
	result.WorkspaceID, result.ConnectionID, result.CatalogID = plan.WorkspaceID, plan.ConnectionID, plan.CatalogID
	result.Settings, result.ExtraKwargs = plan.Settings, plan.ExtraKwargs
	result.RequestTimeoutSecs, result.StreamIdleTimeoutSecs = plan.RequestTimeoutSecs, plan.StreamIdleTimeoutSecs
	if !plan.BaseURL.IsUnknown() {
		result.BaseURL = plan.BaseURL
	}
	if !plan.Enabled.IsUnknown() {
		result.Enabled = plan.Enabled
	}
	if !plan.AuthType.IsUnknown() {
		result.AuthType = plan.AuthType
	}
	if !plan.EnforceHealthCheck.IsUnknown() {
		result.EnforceHealthCheck = plan.EnforceHealthCheck
	}
}

// fillUnknown replaces values still unknown after an update with the prior state.
func fillUnknown(result *llmProviderResourceModel, state llmProviderResourceModel) {
	if result.BaseURL.IsUnknown() {
		result.BaseURL = state.BaseURL
	}
	if result.Enabled.IsUnknown() {
		result.Enabled = state.Enabled
	}
	if result.AuthType.IsUnknown() {
		result.AuthType = state.AuthType
	}
	if result.EnforceHealthCheck.IsUnknown() {
		result.EnforceHealthCheck = state.EnforceHealthCheck
	}
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
