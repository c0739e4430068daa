package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

type llmProviderResourceModel struct {
	ID                    types.String   `tfsdk:"id"`
	ProviderID            types.String   `tfsdk:"provider_id"`
	Name                  types.String   `tfsdk:"name"`
	ModelProvider         types.String   `tfsdk:"model_provider"`
	BaseURL               types.String   `tfsdk:"base_url"`
	Enabled               types.Bool     `tfsdk:"enabled"`
	APIKey                types.String   `tfsdk:"api_key"`
	APIKeyWO              types.String   `tfsdk:"api_key_wo"`
	APIKeyWOVersion       types.String   `tfsdk:"api_key_wo_version"`
	Secret                types.String   `tfsdk:"secret"`
	SecretWO              types.String   `tfsdk:"secret_wo"`
	SecretWOVersion       types.String   `tfsdk:"secret_wo_version"`
	Credentials           types.Map      `tfsdk:"credentials"`
	CredentialsWO         types.Map      `tfsdk:"credentials_wo"`
	CredentialsWOVersion  types.String   `tfsdk:"credentials_wo_version"`
	WorkspaceID           types.String   `tfsdk:"workspace_id"`
	AuthType              types.String   `tfsdk:"auth_type"`
	ConnectionID          types.String   `tfsdk:"connection_id"`
	CatalogID             types.String   `tfsdk:"catalog_id"`
	Settings              types.String   `tfsdk:"settings"`
	ExtraKwargs           types.String   `tfsdk:"extra_kwargs"`
	RequestTimeoutSecs    types.Int64    `tfsdk:"request_timeout_secs"`
	StreamIdleTimeoutSecs types.Int64    `tfsdk:"stream_idle_timeout_secs"`
	OrgID                 types.String   `tfsdk:"org_id"`
	CatalogSlug           types.String   `tfsdk:"catalog_slug"`
	CreatedAt             types.String   `tfsdk:"created_at"`
	UpdatedAt             types.String   `tfsdk:"updated_at"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
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

// attributeFields maps each configurable attribute to the canonical field it stands for, so n/a
// checks treat `api_key_wo` and `api_key_wo_version` like `api_key`.
var attributeFields = map[string]platform.Field{
	"provider_id": platform.FieldProviderID, "name": platform.FieldName, "model_provider": platform.FieldModelProvider,
	"base_url": platform.FieldBaseURL, "enabled": platform.FieldEnabled,
	"api_key": platform.FieldAPIKey, "api_key_wo": platform.FieldAPIKey, "api_key_wo_version": platform.FieldAPIKey,
	"secret": platform.FieldSecret, "secret_wo": platform.FieldSecret, "secret_wo_version": platform.FieldSecret,
	"credentials": platform.FieldCredentials, "credentials_wo": platform.FieldCredentials, "credentials_wo_version": platform.FieldCredentials,
	"workspace_id": platform.FieldWorkspaceID, "auth_type": platform.FieldAuthType, "connection_id": platform.FieldConnectionID,
	"catalog_id": platform.FieldCatalogID, "settings": platform.FieldSettings, "extra_kwargs": platform.FieldExtraKwargs,
	"request_timeout_secs": platform.FieldRequestTimeoutSecs, "stream_idle_timeout_secs": platform.FieldStreamIdleTimeoutSecs,
}

// platformsDoc says, for the attribute's description, which platforms use a field and how.
func platformsDoc(f platform.Field) string {
	var parts []string
	for _, name := range platform.Names {
		spec := platform.Specs[name]
		fs, ok := spec.Fields[f]
		if !ok {
			continue
		}
		s := fmt.Sprintf("%s (`%s`", name, fs.Wire)
		if fs.Required {
			s += ", required"
		}
		if fs.Replace {
			s += ", changing it forces replacement"
		}
		parts = append(parts, s+")")
	}
	return "Used by " + strings.Join(parts, "; ") + ". Setting it on another platform is a plan-time error."
}

func (r *llmProviderResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	secretDoc := func(f platform.Field, what string) string {
		return fmt.Sprintf("%s, kept in state (sensitive). Sent on create and whenever it changes; never read back from the platform, "+
			"so an out-of-band change cannot be seen. Conflicts with `%s_wo`. %s", what, f, platformsDoc(f))
	}
	woDoc := func(f platform.Field, what string) string {
		return fmt.Sprintf("%s, write-only: never stored in plan or state (Terraform >= 1.11 or OpenTofu >= 1.11). Sent on create and "+
			"whenever `%s_wo_version` changes, never otherwise. Requires `%s_wo_version`; conflicts with `%s`. %s", what, f, f, f, platformsDoc(f))
	}
	versionDoc := func(f platform.Field) string {
		return fmt.Sprintf("Any string (a number, a date, a hash) that you change to send `%s_wo` again, e.g. to rotate it. Requires `%s_wo`.", f, f)
	}
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One platform record that configures one model provider (an upstream vendor such as OpenAI): its API key, " +
			"base URL, enabled flag and settings. The same schema serves all four platforms; attributes a platform does not have are " +
			"refused at plan time. Updates send only the fields that changed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The platform's id of the record: refactor the provider slug (e.g. `amazon-bedrock`), flashback `aiLlmId`, " +
					"barndoor the provider UUID, keywordsai the `provider_id`. Used to import.",
				Computed: true, PlanModifiers: useState,
			},
			"provider_id": schema.StringAttribute{
				MarkdownDescription: "The user-chosen id of the record, unique in the organization. " + platformsDoc(platform.FieldProviderID),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Human-readable name. Unique within the workspace on flashback, case-insensitively unique in the organization on barndoor. " + platformsDoc(platform.FieldName),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"model_provider": schema.StringAttribute{
				MarkdownDescription: "The upstream model vendor, as a canonical slug: " + backtickList(platform.CanonicalModelProviders) + ". " +
					"refactor accepts only " + backtickList(platform.Specs[platform.Refactor].ModelProviders) + " (mapped to its own slugs); " +
					"flashback maps openai, anthropic, google_ai and vertex, bedrock to OPENAI, ANTHROPIC, GOOGLE, AWS and everything else to OTHER, " +
					"and can change it in place. " + platformsDoc(platform.FieldModelProvider),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(platform.CanonicalModelProviders...)},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The model provider's API base URL (absolute http or https). On barndoor the platform fills a default per model " +
					"provider when unset, and for OpenAI-compatible families it must not end in `/v1`. " + platformsDoc(platform.FieldBaseURL),
				Optional: true, Computed: true, PlanModifiers: useState,
				Validators: []validator.String{httpURLValidator{}},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the platform routes traffic to this model provider. Defaults to the platform's default (true). " +
					"On barndoor, whose create call has no such field, `false` is applied by an update right after the create. " + platformsDoc(platform.FieldEnabled),
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: secretDoc(platform.FieldAPIKey, "The model provider's API key"),
				Optional:            true, Sensitive: true,
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("api_key_wo")), stringvalidator.LengthAtLeast(1)},
			},
			"api_key_wo": schema.StringAttribute{
				MarkdownDescription: woDoc(platform.FieldAPIKey, "The model provider's API key"),
				Optional:            true, Sensitive: true, WriteOnly: true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("api_key_wo_version")), stringvalidator.LengthAtLeast(1)},
			},
			"api_key_wo_version": schema.StringAttribute{
				MarkdownDescription: versionDoc(platform.FieldAPIKey),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("api_key_wo"))},
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: secretDoc(platform.FieldSecret, "The model provider's secret key (flashback requires a secret on create)"),
				Optional:            true, Sensitive: true,
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("secret_wo")), stringvalidator.LengthAtLeast(1)},
			},
			"secret_wo": schema.StringAttribute{
				MarkdownDescription: woDoc(platform.FieldSecret, "The model provider's secret key"),
				Optional:            true, Sensitive: true, WriteOnly: true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("secret_wo_version")), stringvalidator.LengthAtLeast(1)},
			},
			"secret_wo_version": schema.StringAttribute{
				MarkdownDescription: versionDoc(platform.FieldSecret),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("secret_wo"))},
			},
			"credentials": schema.MapAttribute{
				MarkdownDescription: secretDoc(platform.FieldCredentials, "Further credential values by name (for example `organization`, `endpoint`, `region`; "+
					"on refactor every key except `api_key`, which has its own attribute)"),
				ElementType: types.StringType, Optional: true, Sensitive: true,
				Validators: []validator.Map{mapvalidator.ConflictsWith(path.MatchRoot("credentials_wo"))},
			},
			"credentials_wo": schema.MapAttribute{
				MarkdownDescription: woDoc(platform.FieldCredentials, "Further credential values by name"),
				ElementType:         types.StringType, Optional: true, Sensitive: true, WriteOnly: true,
				Validators: []validator.Map{mapvalidator.AlsoRequires(path.MatchRoot("credentials_wo_version"))},
			},
			"credentials_wo_version": schema.StringAttribute{
				MarkdownDescription: versionDoc(platform.FieldCredentials),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("credentials_wo"))},
			},
			"workspace_id": schema.StringAttribute{
				MarkdownDescription: "The workspace that owns the record. " + platformsDoc(platform.FieldWorkspaceID),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"auth_type": schema.StringAttribute{
				MarkdownDescription: "How the platform authenticates to the model provider. When unset the platform picks a default per model provider " +
					"(e.g. anthropic `x_api_key`, bedrock `aws_role`, others `bearer_api_key`), or takes it from the connection. Not validated here: " +
					"the platform's vocabulary changes between versions. " + platformsDoc(platform.FieldAuthType),
				Optional: true, Computed: true, PlanModifiers: useState,
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "UUID of a shared credential (connection). Changing it rebinds in place; removing it sends an explicit `null`, which " +
					"detaches the record and needs `api_key`, `api_key_wo`, `credentials` or `credentials_wo` in the same configuration. " + platformsDoc(platform.FieldConnectionID),
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(uuidRegexp, "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a")},
			},
			"catalog_id": schema.StringAttribute{
				MarkdownDescription: "UUID of a built-in catalog template, set on create only. " + platformsDoc(platform.FieldCatalogID),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(uuidRegexp, "must be a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a")},
			},
			"settings": schema.StringAttribute{
				MarkdownDescription: "Provider settings as a JSON object string, e.g. `jsonencode({ region = \"us-east-1\" })`. The platform adds keys of its own " +
					"(such as `model_api_family`); they are compared as a subset and never cause a diff. " + platformsDoc(platform.FieldSettings),
				Optional:   true,
				Validators: []validator.String{jsonObjectValidator{}},
			},
			"extra_kwargs": schema.StringAttribute{
				MarkdownDescription: "Additional provider configuration as a JSON object string (e.g. `timeout`, `temperature`); sensitive because it may hold " +
					"secrets. `base_url` is merged into it on the wire and must not be repeated here. The platform never returns it, so out-of-band changes " +
					"cannot be seen. " + platformsDoc(platform.FieldExtraKwargs),
				Optional: true, Sensitive: true,
				Validators: []validator.String{jsonObjectValidator{}},
			},
			"request_timeout_secs": schema.Int64Attribute{
				MarkdownDescription: "Total-request timeout override in seconds, 1 to 3600. Unset inherits the platform default; removing it sends an explicit `null`. " + platformsDoc(platform.FieldRequestTimeoutSecs),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 3600)},
			},
			"stream_idle_timeout_secs": schema.Int64Attribute{
				MarkdownDescription: "Longest idle gap between streamed chunks in seconds, 1 to 1800. Unset inherits the platform default; removing it sends an explicit `null`. " + platformsDoc(platform.FieldStreamIdleTimeoutSecs),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 1800)},
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization that owns the record (flashback `orgId`, barndoor `org_id`); null elsewhere.",
				Computed:            true, PlanModifiers: useState,
			},
			"catalog_slug": schema.StringAttribute{
				MarkdownDescription: "The catalog slug the platform derives from `catalog_id` (barndoor); null elsewhere.",
				Computed:            true, PlanModifiers: useState,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the record was created (RFC 3339), as the platform reports it (flashback, barndoor, keywordsai).",
				Computed:            true, PlanModifiers: useState,
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the record was last updated (RFC 3339), as the platform reports it (barndoor, keywordsai); null when the platform has none.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func backtickList(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "`" + v + "`"
	}
	return strings.Join(out, ", ")
}

func (r *llmProviderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is always a bug in the provider. Please report it to the provider developers.", req.ProviderData))
		return
	}
	r.data = data
}

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
	// Barndoor detaches a record from its connection only together with a direct credential.
	if spec.Name == platform.Barndoor && !state.ConnectionID.IsNull() && cfg.ConnectionID.IsNull() &&
		!configured["api_key"] && !configured["api_key_wo"] && !configured["credentials"] && !configured["credentials_wo"] {
		resp.Diagnostics.AddAttributeError(path.Root("connection_id"), "Direct Credential Required To Detach",
			"Removing connection_id detaches the record from its shared credential, and barndoor then needs a direct credential in the same request. "+
				"Set api_key, api_key_wo, credentials or credentials_wo, or keep connection_id.")
		return
	}
	planValues := attributeValues(plan)
	stateValues := attributeValues(state)
	for _, f := range spec.SupportedFields() {
		if spec.Fields[f].Replace && !planValues[string(f)].Equal(stateValues[string(f)]) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(string(f)))
		}
	}
}

func platformTitle(spec platform.Spec) string {
	return strings.ToUpper(string(spec.Name[:1])) + string(spec.Name[1:])
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
		"stream_idle_timeout_secs": m.StreamIdleTimeoutSecs,
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

// writeOnlyValues are the write-only secrets, read from the configuration during apply.
type writeOnlyValues struct {
	APIKey      string
	Secret      string
	Credentials map[string]string
}

func readWriteOnly(ctx context.Context, cfg llmProviderResourceModel) (writeOnlyValues, diag.Diagnostics) {
	var diags diag.Diagnostics
	wo := writeOnlyValues{APIKey: cfg.APIKeyWO.ValueString(), Secret: cfg.SecretWO.ValueString()}
	if !cfg.CredentialsWO.IsNull() && !cfg.CredentialsWO.IsUnknown() {
		diags.Append(cfg.CredentialsWO.ElementsAs(ctx, &wo.Credentials, false)...)
	}
	return wo, diags
}

// toRecord builds the canonical record from a plan or state, with write-only secrets from the configuration.
func (m llmProviderResourceModel) toRecord(ctx context.Context, wo writeOnlyValues) (platform.Record, diag.Diagnostics) {
	var diags diag.Diagnostics
	rec := platform.Record{
		ID: m.ID.ValueString(), ProviderID: m.ProviderID.ValueString(), Name: m.Name.ValueString(),
		ModelProvider: m.ModelProvider.ValueString(), BaseURL: m.BaseURL.ValueString(),
		APIKey: firstNonEmpty(m.APIKey.ValueString(), wo.APIKey), Secret: firstNonEmpty(m.Secret.ValueString(), wo.Secret),
		WorkspaceID: m.WorkspaceID.ValueString(), AuthType: m.AuthType.ValueString(), ConnectionID: m.ConnectionID.ValueString(),
		CatalogID: m.CatalogID.ValueString(),
	}
	if !m.Enabled.IsNull() && !m.Enabled.IsUnknown() {
		rec.Enabled = m.Enabled.ValueBoolPointer()
	}
	if !m.RequestTimeoutSecs.IsNull() {
		rec.RequestTimeoutSecs = m.RequestTimeoutSecs.ValueInt64Pointer()
	}
	if !m.StreamIdleTimeoutSecs.IsNull() {
		rec.StreamIdleTimeoutSecs = m.StreamIdleTimeoutSecs.ValueInt64Pointer()
	}
	if !m.Credentials.IsNull() && !m.Credentials.IsUnknown() {
		diags.Append(m.Credentials.ElementsAs(ctx, &rec.Credentials, false)...)
	} else if wo.Credentials != nil {
		rec.Credentials = wo.Credentials
	}
	for _, pair := range []struct {
		value types.String
		into  *map[string]any
		name  string
	}{{m.Settings, &rec.Settings, "settings"}, {m.ExtraKwargs, &rec.ExtraKwargs, "extra_kwargs"}} {
		if pair.value.IsNull() || pair.value.IsUnknown() {
			continue
		}
		obj, err := parseJSONObject(pair.value.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root(pair.name), "Invalid JSON Object", fmt.Sprintf("%s must be a JSON object: %s.", pair.name, err))
			continue
		}
		*pair.into = obj
	}
	return rec, diags
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func (m llmProviderResourceModel) ref() platform.Ref {
	return platform.Ref{ID: m.ID.ValueString(), WorkspaceID: m.WorkspaceID.ValueString()}
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// applyRecord copies what the platform returned into the model. Secrets and the fields a
// platform never returns keep their current value; every returned field overwrites, so
// out-of-band changes show as a diff.
func (m *llmProviderResourceModel) applyRecord(spec platform.Spec, rec platform.Record, serverKeys []string) {
	m.ID = types.StringValue(rec.ID)
	if spec.Supports(platform.FieldProviderID) {
		m.ProviderID = stringOrNull(rec.ProviderID)
	}
	if spec.Supports(platform.FieldName) {
		m.Name = stringOrNull(rec.Name)
	}
	if spec.Supports(platform.FieldModelProvider) && rec.ModelProvider != "" {
		current := m.ModelProvider.ValueString()
		if m.ModelProvider.IsNull() || m.ModelProvider.IsUnknown() || !platform.SameModelProvider(spec.Name, current, rec.ModelProvider) {
			m.ModelProvider = types.StringValue(rec.ModelProvider)
		}
	}
	switch {
	case !spec.Supports(platform.FieldBaseURL):
		m.BaseURL = types.StringNull()
	case spec.Name == platform.KeywordsAI && rec.ExtraKwargs == nil:
		// keywordsai never returns extra_kwargs, where base_url lives: keep what was configured.
		if m.BaseURL.IsUnknown() {
			m.BaseURL = types.StringNull()
		}
	default:
		m.BaseURL = stringOrNull(rec.BaseURL)
	}
	if spec.Supports(platform.FieldEnabled) && rec.Enabled != nil {
		m.Enabled = types.BoolValue(*rec.Enabled)
	} else if m.Enabled.IsUnknown() || !spec.Supports(platform.FieldEnabled) {
		m.Enabled = types.BoolNull()
	}
	if spec.Supports(platform.FieldWorkspaceID) {
		m.WorkspaceID = stringOrNull(rec.WorkspaceID)
	}
	if spec.Supports(platform.FieldAuthType) {
		m.AuthType = stringOrNull(rec.AuthType)
	} else {
		m.AuthType = types.StringNull()
	}
	if spec.Supports(platform.FieldConnectionID) {
		m.ConnectionID = stringOrNull(rec.ConnectionID)
	}
	if spec.Supports(platform.FieldCatalogID) {
		m.CatalogID = stringOrNull(rec.CatalogID)
	}
	if spec.Supports(platform.FieldSettings) {
		m.Settings = settingsFromPlatform(m.Settings, rec.Settings, serverKeys)
	}
	if spec.Supports(platform.FieldExtraKwargs) && rec.ExtraKwargs != nil {
		m.ExtraKwargs = settingsFromPlatform(m.ExtraKwargs, withoutKey(rec.ExtraKwargs, "base_url"), nil)
	}
	if spec.Supports(platform.FieldRequestTimeoutSecs) {
		m.RequestTimeoutSecs = int64OrNull(rec.RequestTimeoutSecs)
		m.StreamIdleTimeoutSecs = int64OrNull(rec.StreamIdleTimeoutSecs)
	}
	m.OrgID = stringOrNull(rec.OrgID)
	m.CatalogSlug = stringOrNull(rec.CatalogSlug)
	m.CreatedAt = stringOrNull(rec.CreatedAt)
	m.UpdatedAt = stringOrNull(rec.UpdatedAt)
}

func int64OrNull(v *int64) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*v)
}

func withoutKey(m map[string]any, key string) map[string]any {
	out := platform.MergedObject(m, nil)
	delete(out, key)
	return out
}

// settingsFromPlatform turns the platform's settings object into the attribute value. Keys the
// platform added itself (serverKeys, and any key the current value does not have when it is
// known) are dropped, and the current string is kept when it means the same object, so neither
// server enrichment nor JSON formatting ever shows as a diff.
func settingsFromPlatform(current types.String, server map[string]any, serverKeys []string) types.String {
	visible := map[string]any{}
	var currentObj map[string]any
	if !current.IsNull() && !current.IsUnknown() {
		currentObj, _ = parseJSONObject(current.ValueString())
	}
	for k, v := range server {
		if slices.Contains(serverKeys, k) {
			if _, mine := currentObj[k]; !mine {
				continue
			}
		}
		visible[k] = v
	}
	if currentObj != nil && jsonEqual(currentObj, visible) {
		return current
	}
	if len(visible) == 0 && (current.IsNull() || current.IsUnknown()) {
		return types.StringNull()
	}
	data, _ := json.Marshal(visible)
	return types.StringValue(string(data))
}

func jsonEqual(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// derivedSettingsKeys are the settings keys barndoor is documented to add itself; they are
// ignored on import, before this resource has seen what it sent.
var derivedSettingsKeys = []string{"model_api_family", "api_version", "external_id"}

// serverAddedKeys lists the keys the platform returned that were not sent.
func serverAddedKeys(sent, returned map[string]any) []string {
	keys := slices.Clone(derivedSettingsKeys)
	for k := range returned {
		if _, ok := sent[k]; !ok && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func loadServerKeys(ctx context.Context, private privateGetter) []string {
	keys := slices.Clone(derivedSettingsKeys)
	if private == nil {
		return keys
	}
	data, _ := private.GetKey(ctx, privateSettingsServerKeys)
	var stored []string
	if len(data) > 0 && json.Unmarshal(data, &stored) == nil {
		for _, k := range stored {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func saveServerKeys(ctx context.Context, private privateSetter, keys []string) diag.Diagnostics {
	data, _ := json.Marshal(keys)
	return private.SetKey(ctx, privateSettingsServerKeys, data)
}

func (r *llmProviderResource) requireConfigured(diags *diag.Diagnostics) bool {
	if r.data == nil {
		diags.AddError("Provider Not Configured",
			"The llm provider block was not configured (its platform, endpoint or token is unknown). Set them to values known at plan time.")
		return false
	}
	return true
}

// maskSecrets keeps every secret of the record out of log lines written with ctx.
func maskSecrets(ctx context.Context, rec platform.Record) context.Context {
	secrets := slices.DeleteFunc(platform.SecretsOf(rec), func(s string) bool { return s == "" })
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

func (r *llmProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	var plan, cfg llmProviderResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
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
	serverKeys := serverAddedKeys(rec.Settings, created.Settings)
	plan.applyRecord(r.data.Spec, created, serverKeys)
	resp.Diagnostics.Append(saveServerKeys(ctx, resp.Private, serverKeys)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
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
			existing, found, err := client.FindExisting(ctx, rec)
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
				return convergeAdopted(ctx, client, existing, rec)
			}
		}
		created, err := client.Create(ctx, rec)
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

// convergeAdopted finishes what the interrupted create could not: a value the platform applies
// only after its create call (barndoor's enabled = false) is sent in one update.
func convergeAdopted(ctx context.Context, client platform.Client, existing, wanted platform.Record) (platform.Record, error) {
	if wanted.Enabled == nil || existing.Enabled == nil || *wanted.Enabled == *existing.Enabled {
		return existing, nil
	}
	patch := platform.Patch{Fields: []platform.Field{platform.FieldEnabled}, Values: wanted}
	updated, err := client.Update(ctx, platform.Ref{ID: existing.ID, WorkspaceID: existing.WorkspaceID}, patch)
	if err != nil {
		return existing, err
	}
	if updated.Enabled == nil {
		updated.Enabled = wanted.Enabled
	}
	return updated, nil
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
	var state llmProviderResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Read", r.data.Spec, err)
		return
	}
	state.applyRecord(r.data.Spec, rec, loadServerKeys(ctx, req.Private))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// rotatedSecrets decides which secrets to send: a secret kept in state when its value changed, a
// write-only secret when its version changed (or it replaced the kept one). A secret removed from
// the configuration is sent as a clear only where the platform can clear it.
func rotatedSecrets(spec platform.Spec, state, plan llmProviderResourceModel, planned platform.Record) []platform.Field {
	var rotated []platform.Field
	type secret struct {
		field             platform.Field
		kept, keptBefore  attr.Value
		version, verPrior types.String
		empty             bool
	}
	for _, s := range []secret{
		{platform.FieldAPIKey, plan.APIKey, state.APIKey, plan.APIKeyWOVersion, state.APIKeyWOVersion, planned.APIKey == ""},
		{platform.FieldSecret, plan.Secret, state.Secret, plan.SecretWOVersion, state.SecretWOVersion, planned.Secret == ""},
		{platform.FieldCredentials, plan.Credentials, state.Credentials, plan.CredentialsWOVersion, state.CredentialsWOVersion, len(planned.Credentials) == 0},
	} {
		if !spec.Supports(s.field) {
			continue
		}
		changed := !s.kept.Equal(s.keptBefore) || !s.version.Equal(s.verPrior)
		clearable := spec.Name == platform.Flashback || spec.Name == platform.Refactor
		if changed && (!s.empty || clearable) {
			rotated = append(rotated, s.field)
		}
	}
	// Detaching from a barndoor connection needs the direct credential in the same request.
	if spec.Name == platform.Barndoor && !state.ConnectionID.IsNull() && plan.ConnectionID.IsNull() {
		if planned.APIKey != "" && !slices.Contains(rotated, platform.FieldAPIKey) {
			rotated = append(rotated, platform.FieldAPIKey)
		}
		if len(planned.Credentials) > 0 && !slices.Contains(rotated, platform.FieldCredentials) {
			rotated = append(rotated, platform.FieldCredentials)
		}
	}
	return rotated
}

func (r *llmProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	var plan, state, cfg llmProviderResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
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
	serverKeys := loadServerKeys(ctx, req.Private)
	if patch.Empty() {
		// Only Terraform-side attributes (timeouts, a version without a value change) changed.
		plan.UpdatedAt = state.UpdatedAt
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	tflog.Debug(ctx, "updating llm_provider", map[string]any{"id": state.ID.ValueString(), "fields": fmt.Sprint(patch.Fields)})
	updated, err := r.data.Client.Update(ctx, state.ref(), patch)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Update", r.data.Spec, err)
		return
	}
	// The plan is what was asked for; the response fills what the platform computes. Flashback
	// answers an update with the id alone, so only fields the response carries are taken.
	result := plan
	if updated.ID != "" && (updated.Name != "" || updated.ProviderID != "" || updated.Enabled != nil) {
		if patch.Has(platform.FieldSettings) {
			serverKeys = serverAddedKeys(planned.Settings, updated.Settings)
			resp.Diagnostics.Append(saveServerKeys(ctx, resp.Private, serverKeys)...)
		}
		result.applyRecord(r.data.Spec, updated, serverKeys)
		keepPlanned(&result, plan)
	}
	fillUnknown(&result, state)
	resp.Diagnostics.Append(resp.State.Set(ctx, result)...)
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
}

// fillUnknown replaces values still unknown after an update with the prior state.
func fillUnknown(result *llmProviderResourceModel, state llmProviderResourceModel) {
	if result.UpdatedAt.IsUnknown() {
		result.UpdatedAt = state.UpdatedAt
	}
	if result.BaseURL.IsUnknown() {
		result.BaseURL = state.BaseURL
	}
	if result.Enabled.IsUnknown() {
		result.Enabled = state.Enabled
	}
	if result.AuthType.IsUnknown() {
		result.AuthType = state.AuthType
	}
}

func (r *llmProviderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if !r.requireConfigured(&resp.Diagnostics) {
		return
	}
	var state llmProviderResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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

// ImportState takes the platform's id of the record (see the id attribute). Secrets cannot be
// imported: set them in the configuration with a new _wo_version (or api_key) after import.
func (r *llmProviderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if id == "" {
		resp.Diagnostics.AddError("Invalid Import ID", "The import ID is empty. Use the platform's id of the record (see the id attribute).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
