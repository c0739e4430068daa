// Package platform holds what every platform client shares: the canonical record of an LLM provider
// configuration, the patch of changed fields, the client interface, typed errors and the HTTP layer.
// It imports nothing from Terraform so it can be tested with plain go test against the mock server.
package platform

import "context"

// Name identifies a platform whose API the Terraform provider calls.
type Name string

// The four supported platforms.
const (
	Refactor   Name = "refactor"
	Flashback  Name = "flashback"
	Barndoor   Name = "barndoor"
	KeywordsAI Name = "keywordsai"
)

// Names lists every platform in documentation order.
var Names = []Name{Refactor, Flashback, Barndoor, KeywordsAI}

// Record is the canonical form of one platform record that configures one model provider.
// Field names follow the Terraform attributes; each platform package maps them to its wire JSON.
// Empty strings and nil pointers mean "not set"; secrets are only ever written, never read back.
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

	// Computed by the platform.
	OrgID       string
	CatalogSlug string
	CreatedAt   string
	UpdatedAt   string
	// Managed marks a record the platform itself owns (keywordsai is_managed): it cannot be changed or deleted.
	Managed bool

	// MaskedCredentials is what refactor echoes for credentials ("sk-***"). It is evidence that a
	// credential is set and must never be written back to the platform or to Terraform state.
	MaskedCredentials map[string]string
}

// Ref locates a record. WorkspaceID narrows the lookup on flashback, which has no get-one endpoint
// and is read through its list filtered by workspace; other platforms ignore it.
type Ref struct {
	ID          string
	WorkspaceID string
}

// ListOptions filters a list call. Filters a platform cannot apply server-side are applied by the client.
type ListOptions struct {
	WorkspaceID string
}

// Client is implemented by each platform package.
type Client interface {
	// Platform names the platform this client talks to.
	Platform() Name
	// Create creates the record and returns it as the platform stored it (computed fields filled).
	Create(ctx context.Context, r Record) (Record, error)
	// Get reads one record; a missing record is an *APIError with KindNotFound.
	Get(ctx context.Context, ref Ref) (Record, error)
	// List returns every record the token can see.
	List(ctx context.Context, opts ListOptions) ([]Record, error)
	// Update sends one partial update holding exactly the wire fields of the patch.
	Update(ctx context.Context, ref Ref, p Patch) (Record, error)
	// Delete removes the record; a record that is already gone is not an error.
	Delete(ctx context.Context, ref Ref) error
	// FindExisting looks a record up by the platform's unique key (refactor model provider slug,
	// flashback name within the workspace, barndoor name compared case-insensitively, keywordsai
	// provider_id). It reports false when there is none.
	FindExisting(ctx context.Context, r Record) (Record, bool, error)
}
