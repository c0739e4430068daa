package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
)

var (
	_ datasource.DataSource              = (*llmProviderValidationDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*llmProviderValidationDataSource)(nil)
)

// NewLLMProviderValidationDataSource returns the llm_provider_validation data source.
func NewLLMProviderValidationDataSource() datasource.DataSource {
	return &llmProviderValidationDataSource{}
}

// llmProviderValidationDataSource asks the platform whether a record works against its model
// provider. A data source rather than a resource attribute: the verdict can change without any
// change of the record (a key revoked at the model provider), so it is read afresh on every plan,
// and a postcondition on it fails the run with the platform's message.
type llmProviderValidationDataSource struct {
	data *providerData
}

type llmProviderValidationModel struct {
	ID      types.String `tfsdk:"id"`
	Valid   types.Bool   `tfsdk:"valid"`
	Message types.String `tfsdk:"message"`
}

func (d *llmProviderValidationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provider_validation"
}

func (d *llmProviderValidationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Asks the platform to check one LLM provider record against its model provider (the key is accepted, the " +
			"endpoint answers) and reports the verdict. " + validatingPlatformsDoc() + " The check runs on every plan and apply that reads the " +
			"data source; a `postcondition` on `valid` fails the run with the platform's message. With `depends_on` on the `llm_provider` " +
			"resource, the check waits until the record's changes (a created record, a rotated key) have been applied.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The id of the record to check, such as `llm_provider.example.id`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"valid": schema.BoolAttribute{
				MarkdownDescription: "Whether the platform found that the record works against its model provider.",
				Computed:            true,
			},
			"message": schema.StringAttribute{
				MarkdownDescription: "The platform's message with its verdict, such as why the model provider refused the record.",
				Computed:            true,
			},
		},
	}
}

// validatingPlatformsDoc names the platforms that have a validation call.
func validatingPlatformsDoc() string {
	var names []string
	for _, spec := range platforms.Specs() {
		if spec.Validates {
			names = append(names, string(spec.Name))
		}
	}
	return "Only " + strings.Join(names, ", ") + " can check a record; on another platform reading it is an error."
}

func (d *llmProviderValidationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configureDataSource(req, resp); data != nil {
		d.data = data
	}
}

func (d *llmProviderValidationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !dataSourceConfigured(d.data, &resp.Diagnostics) {
		return
	}
	spec := d.data.Spec
	var cfg llmProviderValidationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !spec.Validates {
		resp.Diagnostics.AddError("Validation Not Supported On "+platformTitle(spec),
			fmt.Sprintf("The %s platform has no call that checks a record against its model provider. %s Remove the "+
				"llm_provider_validation data source from this configuration.", spec.Name, validatingPlatformsDoc()))
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	id := cfg.ID.ValueString()
	verdict, err := d.data.Client.Validate(ctx, platform.Ref{ID: id})
	if platform.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "No LLM Provider Found",
			fmt.Sprintf("No LLM provider with id %q exists on the %s platform, so there is nothing to check. Check the id (ids there are %s).\n\nAPI error: %s",
				id, spec.Name, spec.IDDoc, err))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Validate", spec, err)
		return
	}
	cfg.Valid, cfg.Message = types.BoolValue(verdict.Valid), types.StringValue(verdict.Message)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
