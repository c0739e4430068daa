// Package platform holds what every platform client shares: the canonical record of an LLM provider
// configuration and its field table, the Spec that declares a platform's attributes, the one REST
// client (RESTClient), the update planner (PlanUpdate), the create flow (Create), typed errors and
// the HTTP layer. A platform package under it keeps its Spec, its paths and its wire mapping, and
// its quirks as plain code.
// It imports nothing from Terraform so it can be tested with plain go test against the mock server.
package platform

import "context"

// Name identifies a platform whose API the Terraform provider calls.
type Name string

// Record is the canonical form of one platform record that configures one model provider.
// Field names follow the Terraform attributes (see Fields); each platform package maps them to
// its wire JSON. Empty strings and nil pointers mean "not set"; secrets are only ever written,
// never read back.
type Record struct {
	ID                    string
	ProviderID            string
	Name                  string
	ModelProvider         string
	BaseURL               string
	Enabled               *bool
	APIKey                string
	Secret                string
	Credentials           map[string]string
	WorkspaceID           string
	AuthType              string
	ConnectionID          string
	CatalogID             string
	Settings              map[string]any
	ExtraKwargs           map[string]any
	RequestTimeoutSecs    *int64
	StreamIdleTimeoutSecs *int64
	EnforceHealthCheck    *bool
	ModelSyncMode         string
	BillingMode           string
	BillingReason         string
	BillingNote           string
	Models                []string
	APIKeyID              string

	// Set by the platform only.
	OrgID       string
	CatalogSlug string
	CreatedAt   string
	UpdatedAt   string
	// HealthStatus is the platform's last health check of the model provider (barndoor
	// health_status); SecretPath is where the platform keeps the record's secret (barndoor
	// secret_path: the record's own slot, or its connection's).
	HealthStatus string
	SecretPath   string
	// Managed says whether the platform itself owns the record (keywordsai is_managed), which then
	// cannot be changed or deleted; nil where the platform does not say.
	Managed *bool

	// Returned holds the fields the platform's answer carried (null included), so a field the
	// answer left out can be told from one it cleared: state keeps what was planned for a field
	// the platform did not return. Every decoder fills it; a write answer that holds only the id
	// returns nothing else.
	Returned map[Field]bool
	// PlatformSettingsKeys are the settings keys the platform adds itself (derived values such as
	// barndoor's model_api_family): they never show as a diff, even on import.
	PlatformSettingsKeys []string
}

// Ref locates a record. WorkspaceID narrows the lookup on platforms whose records live in
// workspaces; other platforms ignore it.
type Ref struct {
	ID          string
	WorkspaceID string
}

// ListOptions filters a list call. Filters a platform cannot apply server-side are applied by the client.
type ListOptions struct {
	WorkspaceID string
}

// Client is one platform's API as the Terraform glue and the shared flows use it. RESTClient
// implements it for every platform, with the platform's wire mapping; NewCoalescingClient wraps
// one so that reads, existence checks and read-backs share list calls.
type Client interface {
	// Spec says which attributes the platform has, for validation, the schema and the docs.
	Spec() Spec
	// Create sends the one create call and returns what its answer holds (Returned says what).
	Create(ctx context.Context, r Record) (Record, error)
	// Get reads one record; a missing record is an *APIError with KindNotFound.
	Get(ctx context.Context, ref Ref) (Record, error)
	// List returns every record the token can see, only those of opts.WorkspaceID when it is set.
	List(ctx context.Context, opts ListOptions) ([]Record, error)
	// Update sends one partial update, the body PlanUpdate built, and returns what its answer holds.
	Update(ctx context.Context, ref Ref, p Patch) (Record, error)
	// Delete removes the record; a record that is already gone is not an error.
	Delete(ctx context.Context, ref Ref) error

	// UpdateBody maps a change of the given fields to the platform's exact partial update body,
	// with the fields it carries (a platform may need more than changed). PlanUpdate calls it.
	UpdateBody(prior, planned Record, fields []Field) (map[string]any, []Field, error)
	// FollowUp lists the fields the create call could not carry that must be set by an update
	// right after it (barndoor's enabled), given what the create made and what was wanted.
	FollowUp(created, wanted Record) []Field
	// Existing lists the workspace's records as they were before this run's first create; the
	// create flow's existence checks share it. RESTClient lists afresh every time.
	Existing(ctx context.Context, workspace string) ([]Record, error)
	// ReadBack reads a record its create just made, for a create answer that held only the id.
	ReadBack(ctx context.Context, ref Ref) (Record, error)
	// Validate asks the platform to check a record against its model provider, where the
	// platform can (Spec.Validates).
	Validate(ctx context.Context, ref Ref) (Validation, error)
}

// Validation is a platform's verdict on a record: whether the model provider accepts its
// credentials and endpoint, and the platform's message.
type Validation struct {
	Valid   bool
	Message string
}
