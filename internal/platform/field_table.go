package platform

import "strings"

// Fields is the table of canonical fields, in documentation order: what each holds, how the
// resource and the data sources describe it, and what a configured value must be. The record,
// the patch planner, the schema, the models and the documentation derive from it; a platform
// says in its Spec which of these fields it has and under which wire names.
var Fields = []FieldDef{
	stringField(FieldProviderID, func(r *Record) *string { return &r.ProviderID }).
		described("The user-chosen id of the record, unique in the organization.", "The user-chosen id of the record.").
		checked(Check{MinLen: 1, MaxLen: 128}),
	stringField(FieldName, func(r *Record) *string { return &r.Name }).
		described("Human-readable name.", "The record's human-readable name, as the platform stores it.").
		checked(Check{MinLen: 1}),
	stringField(FieldModelProvider, func(r *Record) *string { return &r.ModelProvider }).
		described("The upstream model vendor, as a canonical slug: "+backticked(CanonicalModelProviders)+".",
			"The upstream model vendor as a canonical slug (see the `llm_provider` resource). Where one wire value stands for "+
				"several canonical slugs, it is the first of them in the canonical order.").
		checked(Check{OneOf: CanonicalModelProviders}),
	withDefault(stringField(FieldBaseURL, func(r *Record) *string { return &r.BaseURL })).
		described("The model provider's API base URL (absolute http or https). When it is unset, the value the platform "+
			"reports (if any) is kept in state.", "The model provider's API base URL; null where the platform does not return it.").
		checked(Check{Format: FormatHTTPURL}),
	withDefault(boolField(FieldEnabled, func(r *Record) **bool { return &r.Enabled })).
		described("Whether the platform routes traffic to this model provider. Defaults to the platform's default (true).",
			"Whether the platform routes traffic to this model provider."),
	secret(stringField(FieldAPIKey, func(r *Record) *string { return &r.APIKey })).
		described("The model provider's API key", "").
		checked(Check{MinLen: 1}),
	secret(stringField(FieldSecret, func(r *Record) *string { return &r.Secret })).
		described("The model provider's secret key", "").
		checked(Check{MinLen: 1}),
	secret(stringMapField(FieldCredentials, func(r *Record) *map[string]string { return &r.Credentials })).
		described("Further credential values by name (for example `organization`, `endpoint`, `region`)", ""),
	withDefault(stringField(FieldAPIKeyID, func(r *Record) *string { return &r.APIKeyID })).
		described("UUID of an API key stored on the platform, which the record uses instead of a `secret` of its own. When unset, it is "+
			"not sent, and removing the attribute later leaves the stored key the record has.",
			"UUID of the stored API key the record uses; null when it has none.").
		checked(Check{Format: FormatUUID}),
	stringField(FieldWorkspaceID, func(r *Record) *string { return &r.WorkspaceID }).
		described("The workspace that owns the record.", "").
		checked(Check{MinLen: 1}),
	withDefault(stringField(FieldAuthType, func(r *Record) *string { return &r.AuthType })).
		described("How the platform authenticates to the model provider. When unset the platform picks a default per model provider "+
			"(e.g. anthropic `x_api_key`, bedrock `aws_role`, others `bearer_api_key`), or takes it from the connection. Not validated here: "+
			"the platform's vocabulary changes between versions.", "How the platform authenticates to the model provider."),
	stringField(FieldConnectionID, func(r *Record) *string { return &r.ConnectionID }).
		described("UUID of a shared credential (connection). Changing it rebinds in place; removing it sends an explicit `null`, which "+
			"detaches the record and needs `api_key`, `api_key_wo`, `credentials` or `credentials_wo` in the same configuration.",
			"UUID of the shared credential (connection) the record uses; null when it has a direct credential.").
		checked(Check{Format: FormatUUID}),
	stringField(FieldCatalogID, func(r *Record) *string { return &r.CatalogID }).
		described("UUID of a built-in catalog template, set on create only.", "UUID of the built-in catalog template the record was created from.").
		checked(Check{Format: FormatUUID}),
	objectField(FieldSettings, func(r *Record) *map[string]any { return &r.Settings }).
		described("Provider settings as a JSON object string, e.g. `jsonencode({ region = \"us-east-1\" })`. The platform adds keys of its own "+
			"(such as `model_api_family`); they are compared as a subset and never cause a diff.",
			"The provider settings as a JSON object string, as the platform returns them, including the keys the platform adds itself "+
				"(such as `model_api_family`); use `jsondecode` to read it."),
	sensitive(objectField(FieldExtraKwargs, func(r *Record) *map[string]any { return &r.ExtraKwargs })).
		described("Additional provider configuration as a JSON object string (e.g. `timeout`, `temperature`); sensitive because it may hold "+
			"secrets. `base_url` is merged into it on the wire and must not be repeated here. Some platform versions return it (without its secret keys, "+
			"or with them) and some never do: where it is returned, each configured key is compared with the value returned for it, so a key "+
			"the platform adds or withholds is never a diff and a changed value is; where it is not, out-of-band changes cannot be seen.", ""),
	int64Field(FieldRequestTimeoutSecs, func(r *Record) **int64 { return &r.RequestTimeoutSecs }).
		described("Total-request timeout override in seconds, 1 to 3600. Unset inherits the platform default; removing it sends an explicit `null`.",
			"Total-request timeout override in seconds; null when the record inherits the platform default.").
		checked(Check{Min: 1, Max: 3600}),
	int64Field(FieldStreamIdleTimeoutSecs, func(r *Record) **int64 { return &r.StreamIdleTimeoutSecs }).
		described("Longest idle gap between streamed chunks in seconds, 1 to 1800. Unset inherits the platform default; removing it sends an explicit `null`.",
			"Longest idle gap between streamed chunks in seconds; null when the record inherits the platform default.").
		checked(Check{Min: 1, Max: 1800}),
	withDefault(boolField(FieldEnforceHealthCheck, func(r *Record) **bool { return &r.EnforceHealthCheck })).
		described("Whether the platform checks the model provider's health and stops routing to it while it is unhealthy. "+
			"When unset, it is not sent: a new record gets the platform's default, and removing the attribute later leaves the value the platform holds.",
			"Whether the platform checks the model provider's health and stops routing to it while it is unhealthy; "+
				"null where the platform does not return it."),
	withDefault(stringField(FieldModelSyncMode, func(r *Record) *string { return &r.ModelSyncMode })).
		described("How the gateway keeps the provider's model routes in step with the model provider's models: `off`, "+
			"`additive` (new models get routes) or `full` (routes follow the models both ways). When unset, it is not sent: a new record "+
			"gets the platform's default, and removing the attribute later leaves the value the platform holds.",
			"How the gateway keeps the model routes in step with the model provider's models.").
		checked(Check{OneOf: ModelSyncModes}),
	withDefault(stringField(FieldBillingMode, func(r *Record) *string { return &r.BillingMode })).
		described("Whether the gateway records the cost of the provider's traffic: `per_token` (it does) or `not_metered` (it does not, "+
			"which needs `billing_reason`). When unset, it is not sent: a new record gets the platform's default, and removing the attribute "+
			"later leaves the value the platform holds.", "Whether the gateway records the cost of the record's traffic.").
		checked(Check{OneOf: BillingModes}),
	stringField(FieldBillingReason, func(r *Record) *string { return &r.BillingReason }).
		described("Why the provider is not metered: `subscription`, `local`, `external` or `other`. Required while `billing_mode` is "+
			"`not_metered` (checked at plan time); removing it sends an explicit `null`, which clears it.", "Why the record is not metered; null while it is.").
		checked(Check{OneOf: BillingReasons}),
	stringField(FieldBillingNote, func(r *Record) *string { return &r.BillingNote }).
		described("A note on the provider's billing, at most 200 characters; removing it sends an explicit `null`, which clears it.",
			"The note on the record's billing, or null.").
		checked(Check{MinLen: 1, MaxLen: 200}),
	stringListField(FieldModels, func(r *Record) *[]string { return &r.Models }).
		described("The model provider's models the gateway makes a model route for when it creates the record (each route's alias is the "+
			"model's name), at least one, each once. Sent only on create: the platform neither returns it nor takes it in an update, so a "+
			"change later is kept in state with a plan-time warning and sends nothing; use `model_sync_mode` to keep the routes in step.", "").
		checked(Check{MinLen: 1}),

	output(stringField(FieldOrgID, func(r *Record) *string { return &r.OrgID })).
		described("The organization that owns the record.", ""),
	output(stringField(FieldCatalogSlug, func(r *Record) *string { return &r.CatalogSlug })).
		described("The catalog slug the platform derives from `catalog_id`.", ""),
	output(stringField(FieldCreatedAt, func(r *Record) *string { return &r.CreatedAt })).
		described("When the record was created (RFC 3339), as the platform reports it.", "When the record was created, as the platform reports it."),
	// It changed on every update and showed "(known after apply)" in every resource plan.
	dataSourceOnly(stringField(FieldUpdatedAt, func(r *Record) *string { return &r.UpdatedAt })).
		described("", "When the record was last updated, as the platform reports it."),
	// A record the platform manages itself cannot be created, changed or deleted, so no resource
	// ever holds one; the list resource leaves such records out.
	dataSourceOnly(boolField(FieldManaged, func(r *Record) **bool { return &r.Managed })).
		described("", "Whether the platform itself owns the record: a managed record cannot be changed or deleted, and should not be imported."),
	// Both change without any change of the configuration (a health check, binding a connection):
	// in the resource, each would be unknown in every update's plan, or an inconsistent result
	// when an update changes it.
	dataSourceOnly(stringField(FieldHealthStatus, func(r *Record) *string { return &r.HealthStatus })).
		described("", "The platform's last health check of the model provider (e.g. `unverified`, `healthy`); only the data sources show it, "+
			"since it changes without any configuration change."),
	dataSourceOnly(stringField(FieldSecretPath, func(r *Record) *string { return &r.SecretPath })).
		described("", "Where the platform keeps the record's secret: its own slot, or its connection's once bound to one."),
}

// ModelSyncModes, BillingModes and BillingReasons are the values barndoor's model_sync_mode,
// billing_mode and billing_reason take (ModelSyncMode.ts, BillingMode.ts and BillingReason.ts in
// barndoor-ts-sdk).
var (
	ModelSyncModes = []string{"off", "additive", "full"}
	BillingModes   = []string{"per_token", "not_metered"}
	BillingReasons = []string{"subscription", "local", "external", "other"}
)

func backticked(vs []string) string {
	return "`" + strings.Join(vs, "`, `") + "`"
}
