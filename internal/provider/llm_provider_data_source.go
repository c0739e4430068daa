package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

var (
	_ datasource.DataSource                     = (*llmProviderDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*llmProviderDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*llmProviderDataSource)(nil)
)

// NewLLMProviderDataSource returns the llm_provider data source.
func NewLLMProviderDataSource() datasource.DataSource { return &llmProviderDataSource{} }

type llmProviderDataSource struct {
	data *providerData
}

// llmProviderRecordModel is one platform record as the data sources show it: the id and the
// table's attributes in recordAttributeList, by name. The llm_provider data source uses it as its
// whole state and the llm_providers data source as the element of its providers list, so both
// always agree.
type llmProviderRecordModel struct {
	ID     types.String
	values map[string]attr.Value
}

// recordObjectType is the type of one record in either data source.
var recordObjectType = func() types.ObjectType {
	attrTypes := map[string]attr.Type{"id": types.StringType}
	for _, a := range recordAttributeList {
		attrTypes[a.Name] = a.attrType()
	}
	return types.ObjectType{AttrTypes: attrTypes}
}()

// object is the record as a value of recordObjectType.
func (m llmProviderRecordModel) object() types.Object {
	attrs := make(map[string]attr.Value, len(recordAttributeList)+1)
	attrs["id"] = m.ID
	for _, a := range recordAttributeList {
		v, ok := m.values[a.Name]
		if !ok {
			v = a.null()
		}
		attrs[a.Name] = v
	}
	return types.ObjectValueMust(recordObjectType.AttrTypes, attrs)
}

// recordAttributes is the schema of one record, shared by both data sources, derived from the
// field table (recordAttributeList). lookup names the attributes that are also arguments
// (optional and computed); all others are computed only.
func recordAttributes(lookup map[string]string) map[string]schema.Attribute {
	str := func(name, doc string) schema.StringAttribute {
		a := schema.StringAttribute{MarkdownDescription: doc, Computed: true}
		if arg, ok := lookup[name]; ok {
			a.MarkdownDescription = arg + " " + doc
			a.Optional = true
			a.Validators = []validator.String{stringvalidator.LengthAtLeast(1)}
		}
		return a
	}
	out := map[string]schema.Attribute{
		"id": str("id", idDoc()+" It is the id `terraform import` takes for `llm_provider`."),
	}
	for _, a := range recordAttributeList {
		doc := a.Def.ReadDoc
		if doc == "" {
			doc = a.Def.Doc
		}
		if a.Def.Output {
			doc += " " + computedDoc(a.Name)
		} else {
			doc += " " + filledOn(a.Def.Field)
		}
		switch a.Def.Kind {
		case platform.KindBool:
			out[a.Name] = schema.BoolAttribute{MarkdownDescription: doc, Computed: true}
		case platform.KindInt64:
			out[a.Name] = schema.Int64Attribute{MarkdownDescription: doc, Computed: true}
		default:
			out[a.Name] = str(a.Name, doc)
		}
	}
	return out
}

// recordModel maps a platform record to the data source model, field by field from the table.
// Attributes the platform does not have are null, so the same configuration reads the same way
// on every platform.
func recordModel(spec platform.Spec, rec platform.Record) llmProviderRecordModel {
	m := llmProviderRecordModel{ID: types.StringValue(rec.ID), values: make(map[string]attr.Value, len(recordAttributeList))}
	for _, a := range recordAttributeList {
		v := a.null()
		if _, computed := spec.Computed[a.Def.Field]; spec.Supports(a.Def.Field) || computed {
			v = a.fromJSON(rec.Value(a.Def.Field))
		}
		m.values[a.Name] = v
	}
	return m
}

// configureDataSource takes the providerData that the provider's Configure hands over.
func configureDataSource(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *providerData {
	return providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// providerDataOf takes the providerData the provider's Configure hands to resources, list
// resources and data sources; nil before the provider is configured.
func providerDataOf(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is always a bug in the provider. Please report it to the provider developers.", data))
		return nil
	}
	return pd
}

func dataSourceConfigured(data *providerData, diags *diag.Diagnostics) bool {
	if data == nil {
		diags.AddError("Provider Not Configured",
			"The llm provider block was not configured (its platform, endpoint or token is unknown). Set them to values known at plan time.")
		return false
	}
	return true
}

// checkLookupArgument reports an argument the configured platform has no field for, so a lookup
// that could never match fails with a reason instead of finding nothing.
func checkLookupArgument(spec platform.Spec, attrName string, value types.String, diags *diag.Diagnostics) {
	if value.IsNull() || value.IsUnknown() {
		return
	}
	switch attrName {
	case "name":
		if !spec.Supports(platform.FieldName) {
			diags.AddAttributeError(path.Root("name"), "Attribute Not Supported On "+platformTitle(spec),
				fmt.Sprintf("The %s platform has no names: its records are identified by %s. "+
					"Look the record up with id instead (for example id = %q).", spec.Name, strings.Trim(spec.IDDoc, "`"), spec.IDExample))
		}
	case "workspace_id":
		if !spec.Supports(platform.FieldWorkspaceID) {
			diags.AddAttributeError(path.Root("workspace_id"), "Attribute Not Supported On "+platformTitle(spec),
				fmt.Sprintf("The %s platform has no workspaces. Remove workspace_id.", spec.Name))
		}
	case "model_provider":
		if !spec.Supports(platform.FieldModelProvider) {
			diags.AddAttributeError(path.Root("model_provider"), "Attribute Not Supported On "+platformTitle(spec),
				fmt.Sprintf("The %s platform has no model_provider field. Remove the model_provider filter.", spec.Name))
		} else if !spec.AcceptsModelProvider(value.ValueString()) {
			diags.AddAttributeError(path.Root("model_provider"), "Model Provider Not Supported On "+platformTitle(spec),
				fmt.Sprintf("The %s platform does not accept model_provider %q, so no record can have it. Allowed values: %s.",
					spec.Name, value.ValueString(), strings.Join(spec.ModelProviders, ", ")))
		}
	}
}

func (d *llmProviderDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provider"
}

func (d *llmProviderDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one LLM provider record of the configured platform, by `id` or by `name`, with every attribute of the " +
			"`llm_provider` resource except the secrets (`api_key`, `secret`, `credentials`, `extra_kwargs`), which are never read back. " +
			"Attributes the platform does not have are null. Use `llm_providers` to list every record.",
		Attributes: recordAttributes(map[string]string{
			"id": "The id to look the record up by. Exactly one of `id` and `name` must be set.",
			"name": "The name to look the record up by: " + nameComparisonDoc() + ". Exactly one of `id` and `name` must be set. More than one record " +
				"with the name is an error that lists their ids.",
			"workspace_id": "Where the platform has workspaces, the workspace to look in; without it every accessible workspace is searched. Setting it on " +
				"another platform is an error.",
		}),
	}
}

func (d *llmProviderDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *llmProviderDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configureDataSource(req, resp); data != nil {
		d.data = data
	}
}

func (d *llmProviderDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !dataSourceConfigured(d.data, &resp.Diagnostics) {
		return
	}
	spec := d.data.Spec
	var cfg struct{ ID, Name, WorkspaceID types.String }
	for name, dst := range map[string]*types.String{"id": &cfg.ID, "name": &cfg.Name, "workspace_id": &cfg.WorkspaceID} {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), dst)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	checkLookupArgument(spec, "name", cfg.Name, &resp.Diagnostics)
	checkLookupArgument(spec, "workspace_id", cfg.WorkspaceID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	workspace := cfg.WorkspaceID.ValueString()
	inWorkspace := ""
	if workspace != "" {
		inWorkspace = fmt.Sprintf(" in workspace %q", workspace)
	}
	var rec platform.Record
	if id := cfg.ID.ValueString(); !cfg.ID.IsNull() {
		got, err := d.data.Client.Get(ctx, platform.Ref{ID: id, WorkspaceID: workspace})
		if platform.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "No LLM Provider Found",
				fmt.Sprintf("No LLM provider with id %q exists on the %s platform%s. Check the id (%s); the llm_providers data source "+
					"lists every record with its id.\n\nAPI error: %s", id, spec.Name, inWorkspace, "ids there are "+spec.IDDoc, err))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "Read", spec, err)
			return
		}
		rec = got
	} else {
		name := cfg.Name.ValueString()
		records, err := d.data.Client.List(ctx, platform.ListOptions{WorkspaceID: workspace})
		if err != nil {
			addAPIError(&resp.Diagnostics, "List", spec, err)
			return
		}
		var matches []platform.Record
		for _, r := range records {
			if spec.SameString(platform.FieldName, r.Name, name) {
				matches = append(matches, r)
			}
		}
		how := "exactly"
		if spec.Fields[platform.FieldName].FoldCase {
			how = "case-insensitively"
		}
		switch len(matches) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "No LLM Provider Found",
				fmt.Sprintf("No LLM provider named %q (compared %s) exists on the %s platform%s; %d records were searched. "+
					"Check the name; the llm_providers data source lists every record with its name.", name, how, spec.Name, inWorkspace, len(records)))
			return
		case 1:
			rec = matches[0]
		default:
			ids := make([]string, len(matches))
			for i, r := range matches {
				ids[i] = r.ID
				if r.WorkspaceID != "" {
					ids[i] += fmt.Sprintf(" (workspace %s)", r.WorkspaceID)
				}
			}
			advice := "Look the record up by id instead."
			if spec.Supports(platform.FieldWorkspaceID) && workspace == "" {
				advice = "Set workspace_id to narrow the lookup, or look the record up by id instead."
			}
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several LLM Providers Found",
				fmt.Sprintf("%d LLM providers named %q (compared %s) exist on the %s platform%s: %s. %s",
					len(matches), name, how, spec.Name, inWorkspace, strings.Join(ids, ", "), advice))
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, recordModel(spec, rec).object())...)
}
