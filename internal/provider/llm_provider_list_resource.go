package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var (
	_ list.ListResource              = (*llmProviderListResource)(nil)
	_ list.ListResourceWithConfigure = (*llmProviderListResource)(nil)
)

// NewLLMProviderListResource returns the llm_provider list resource, which terraform query
// (Terraform 1.14 and later) uses to find records to import.
func NewLLMProviderListResource() list.ListResource { return &llmProviderListResource{} }

type llmProviderListResource struct {
	data *providerData
}

type llmProviderListModel struct {
	ModelProvider types.String `tfsdk:"model_provider"`
	Name          types.String `tfsdk:"name"`
	WorkspaceID   types.String `tfsdk:"workspace_id"`
}

func (l *llmProviderListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provider"
}

func (l *llmProviderListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the `llm_provider` records of the configured platform for `terraform query`, optionally filtered, " +
			"each with its identity and, with `include_resource = true`, its attributes (never its secrets, which are not read back). " +
			"Records the platform manages itself are left out: they cannot be changed or deleted, so they cannot be imported. " +
			"One list call per query (within `workspace_id` when it is set).",
		Attributes: map[string]listschema.Attribute{
			"model_provider": listschema.StringAttribute{
				MarkdownDescription: modelProviderFilterDoc(),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(platform.CanonicalModelProviders...)},
			},
			"name": listschema.StringAttribute{
				MarkdownDescription: nameFilterDoc(),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"workspace_id": listschema.StringAttribute{
				MarkdownDescription: workspaceFilterDoc(),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (l *llmProviderListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (l *llmProviderListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	if !dataSourceConfigured(l.data, &diags) {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	spec := l.data.Spec
	var cfg llmProviderListModel
	diags.Append(req.Config.Get(ctx, &cfg)...)
	filter := recordFilter(cfg)
	if !diags.HasError() {
		filter.check(spec, &diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	listCtx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	records, err := l.data.Client.List(listCtx, filter.listOptions())
	cancel()
	if err != nil {
		addAPIError(&diags, "List", spec, err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		var sent int64
		for _, rec := range records {
			// A record the platform owns cannot be changed or deleted, so it is no record to adopt.
			if (rec.Managed != nil && *rec.Managed) || !filter.matches(spec, rec) {
				continue
			}
			if req.Limit > 0 && sent >= req.Limit {
				return
			}
			if !push(listResult(ctx, req, spec, rec)) {
				return
			}
			sent++
		}
		tflog.Debug(ctx, "listed llm_provider records", map[string]any{"listed": len(records), "returned": sent})
	}
}

// listResult is one record as terraform query shows it: its identity, a display name, and with
// include_resource its state, built by the same mapping Read uses after an import, so the
// configuration Terraform generates from it plans no change once imported.
func listResult(ctx context.Context, req list.ListRequest, spec platform.Spec, rec platform.Record) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName(spec, rec)
	model := importedModel(rec.ID)
	model.fromPlatform(spec, rec, llmProviderResourceModel{}, loadSettingsKeys(ctx, rec, nil))
	result.Diagnostics.Append(result.Identity.Set(ctx, identityOf(spec, model))...)
	if req.IncludeResource {
		raw, diags := model.terraformValue(ctx, req.ResourceSchema.Type().TerraformType(ctx))
		result.Diagnostics.Append(diags...)
		result.Resource.Raw = raw
	}
	return result
}

// importedModel is the resource model as an import leaves it before Read: every attribute null
// but the id.
func importedModel(id string) llmProviderResourceModel {
	return withValues(types.StringValue(id), nil)
}

// displayName is how terraform query names a record next to its identity: its name where the
// platform has names, otherwise its id.
func displayName(spec platform.Spec, rec platform.Record) string {
	if spec.Supports(platform.FieldName) && rec.Name != "" {
		return rec.Name
	}
	return rec.ID
}
