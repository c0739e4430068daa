package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var (
	_ datasource.DataSource              = (*llmProvidersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*llmProvidersDataSource)(nil)
)

// NewLLMProvidersDataSource returns the llm_providers data source.
func NewLLMProvidersDataSource() datasource.DataSource { return &llmProvidersDataSource{} }

type llmProvidersDataSource struct {
	data *providerData
}

type llmProvidersDataSourceModel struct {
	ModelProvider types.String   `tfsdk:"model_provider"`
	Name          types.String   `tfsdk:"name"`
	WorkspaceID   types.String   `tfsdk:"workspace_id"`
	IDs           []types.String `tfsdk:"ids"`
	Providers     types.List     `tfsdk:"providers"`
}

func (d *llmProvidersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_providers"
}

func (d *llmProvidersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the LLM provider records of the configured platform, optionally filtered, for inventories and for " +
			"finding the ids to import. Each record has every attribute of the `llm_provider` resource except the secrets, which are " +
			"never read back. Records come in the order the platform lists them, including those the platform manages itself " +
			"(`managed = true`) where it reports them.",
		Attributes: map[string]schema.Attribute{
			"model_provider": schema.StringAttribute{
				MarkdownDescription: modelProviderFilterDoc(),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(platform.CanonicalModelProviders...)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: nameFilterDoc(),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"workspace_id": schema.StringAttribute{
				MarkdownDescription: workspaceFilterDoc(),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The ids of the records in `providers`, in the same order: the ids `terraform import` takes for `llm_provider`.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"providers": schema.ListNestedAttribute{
				MarkdownDescription: "The records that pass the filters, in the order the platform lists them. Each has the attributes of " +
					"the `llm_provider` data source; attributes the platform does not have are null.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: recordAttributes(nil)},
			},
		},
	}
}

func (d *llmProvidersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configureDataSource(req, resp); data != nil {
		d.data = data
	}
}

func (d *llmProvidersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !dataSourceConfigured(d.data, &resp.Diagnostics) {
		return
	}
	spec := d.data.Spec
	var cfg llmProvidersDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := recordFilter{ModelProvider: cfg.ModelProvider, Name: cfg.Name, WorkspaceID: cfg.WorkspaceID}
	filter.check(spec, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	records, err := d.data.Client.List(ctx, filter.listOptions())
	if err != nil {
		addAPIError(&resp.Diagnostics, "List", spec, err)
		return
	}
	// Empty, not null, when nothing matches, so length() and for expressions work unguarded.
	cfg.IDs = []types.String{}
	providers := []attr.Value{}
	for _, rec := range records {
		if !filter.matches(spec, rec) {
			continue
		}
		model := recordModel(spec, rec)
		cfg.IDs = append(cfg.IDs, model.ID)
		providers = append(providers, model.object())
	}
	cfg.Providers = types.ListValueMust(recordObjectType, providers)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
