package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

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
	"enforce_health_check": platform.FieldEnforceHealthCheck, "model_sync_mode": platform.FieldModelSyncMode,
	"billing_mode": platform.FieldBillingMode, "billing_reason": platform.FieldBillingReason, "billing_note": platform.FieldBillingNote,
}

// billingModes and billingReasons are barndoor's billing_mode and billing_reason enums
// (BillingMode.ts and BillingReason.ts in barndoor-ts-sdk).
var (
	billingModes   = []string{"per_token", "not_metered"}
	billingReasons = []string{"subscription", "local", "external", "other"}
)

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
				MarkdownDescription: idDoc() + " Used to import.",
				Computed:            true, PlanModifiers: useState,
			},
			"provider_id": schema.StringAttribute{
				MarkdownDescription: "The user-chosen id of the record, unique in the organization. " + platformsDoc(platform.FieldProviderID),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Human-readable name. " + nameDoc() + " " + platformsDoc(platform.FieldName),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"model_provider": schema.StringAttribute{
				MarkdownDescription: "The upstream model vendor, as a canonical slug: " + backtickList(platform.CanonicalModelProviders) + ". " +
					modelProviderDoc() + ". " + platformsDoc(platform.FieldModelProvider),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(platform.CanonicalModelProviders...)},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The model provider's API base URL (absolute http or https). When it is unset, the value the platform " +
					"reports (if any) is kept in state. " + platformsDoc(platform.FieldBaseURL),
				Optional: true, Computed: true, PlanModifiers: useState,
				Validators: []validator.String{httpURLValidator{}},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the platform routes traffic to this model provider. Defaults to the platform's default (true). " +
					platformsDoc(platform.FieldEnabled),
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
				MarkdownDescription: secretDoc(platform.FieldSecret, "The model provider's secret key"),
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
				MarkdownDescription: secretDoc(platform.FieldCredentials, "Further credential values by name (for example `organization`, `endpoint`, `region`)"),
				ElementType:         types.StringType, Optional: true, Sensitive: true,
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
			"model_sync_mode": schema.StringAttribute{
				MarkdownDescription: "How the gateway keeps the provider's model routes in step with the model provider's models: `off`, " +
					"`additive` (new models get routes) or `full` (routes follow the models both ways). When unset, it is not sent: a new record " +
					"gets the platform's default, and removing the attribute later leaves the value the platform holds. " + platformsDoc(platform.FieldModelSyncMode),
				Optional: true, Computed: true, PlanModifiers: useState,
				Validators: []validator.String{stringvalidator.OneOf("off", "additive", "full")},
			},
			"billing_mode": schema.StringAttribute{
				MarkdownDescription: "Whether the gateway records the cost of the provider's traffic: `per_token` (it does) or `not_metered` (it does not, " +
					"which needs `billing_reason`). When unset, it is not sent: a new record gets the platform's default, and removing the attribute " +
					"later leaves the value the platform holds. " + platformsDoc(platform.FieldBillingMode),
				Optional: true, Computed: true, PlanModifiers: useState,
				Validators: []validator.String{stringvalidator.OneOf(billingModes...)},
			},
			"billing_reason": schema.StringAttribute{
				MarkdownDescription: "Why the provider is not metered: `subscription`, `local`, `external` or `other`. Required while `billing_mode` is " +
					"`not_metered` (checked at plan time); removing it sends an explicit `null`, which clears it. " + platformsDoc(platform.FieldBillingReason),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(billingReasons...)},
			},
			"billing_note": schema.StringAttribute{
				MarkdownDescription: "A note on the provider's billing, at most 200 characters; removing it sends an explicit `null`, which clears it. " +
					platformsDoc(platform.FieldBillingNote),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 200)},
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
					"secrets. `base_url` is merged into it on the wire and must not be repeated here. Some platform versions return it (without its secret keys, " +
					"or with them) and some never do: where it is returned, each configured key is compared with the value returned for it, so a key " +
					"the platform adds or withholds is never a diff and a changed value is; where it is not, out-of-band changes cannot be seen. " +
					platformsDoc(platform.FieldExtraKwargs),
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
			"enforce_health_check": schema.BoolAttribute{
				MarkdownDescription: "Whether the platform checks the model provider's health and stops routing to it while it is unhealthy. " +
					"When unset, it is not sent: a new record gets the platform's default, and removing the attribute later leaves the value the platform holds. " + platformsDoc(platform.FieldEnforceHealthCheck),
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"org_id": schema.StringAttribute{
				MarkdownDescription: "The organization that owns the record. " + computedDoc("org_id"),
				Computed:            true, PlanModifiers: useState,
			},
			"catalog_slug": schema.StringAttribute{
				MarkdownDescription: "The catalog slug the platform derives from `catalog_id`. " + computedDoc("catalog_slug"),
				Computed:            true, PlanModifiers: useState,
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the record was created (RFC 3339), as the platform reports it. " + computedDoc("created_at"),
				Computed:            true, PlanModifiers: useState,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}
