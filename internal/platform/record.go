// Package platform holds what every platform client shares: the canonical record of an LLM provider
// configuration, the patch of changed fields, the Spec that declares how a platform differs, the
// one REST client (RESTClient) and the create flow (CreateRecord), typed errors and the HTTP layer.
// A platform package under it keeps only its Spec, its paths and its wire mapping.
// It imports nothing from Terraform so it can be tested with plain go test against the mock server.
package platform

import "context"

// Name identifies a platform whose API the Terraform provider calls.
type Name string

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
	EnforceHealthCheck    *bool

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

	// Returned holds the fields whose wire key the platform's answer carried, null included, so a
	// field the platform left out can be told from one it cleared. It is nil when the platform's
	// decoder does not track this; CheckEcho then has nothing to go on and checks nothing.
	Returned map[Field]bool
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

// Client is one platform's API as the Terraform glue uses it. RESTClient implements it for every
// platform; NewCoalescingClient wraps one so that reads share list calls. Create, FindExisting
// and the follow-ups a create needs are built on it by CreateRecord.
type Client interface {
	// Spec says what sets the platform apart.
	Spec() Spec
	// Create sends the one create call and returns what the answer holds: the whole record, or
	// only its ID where Spec().Create.AnswerHoldsIDOnly.
	Create(ctx context.Context, r Record) (Record, error)
	// Get reads one record; a missing record is an *APIError with KindNotFound.
	Get(ctx context.Context, ref Ref) (Record, error)
	// List returns every record the token can see, only those of opts.WorkspaceID when it is set.
	List(ctx context.Context, opts ListOptions) ([]Record, error)
	// Update sends one partial update holding exactly the wire fields of the patch. It returns
	// the record the platform answers with, or only its ID where Spec().UpdateAnswersIDOnly.
	Update(ctx context.Context, ref Ref, p Patch) (Record, error)
	// Delete removes the record; a record that is already gone is not an error.
	Delete(ctx context.Context, ref Ref) error
}

// IsSet reports whether the record holds a value for the configurable field.
func (r Record) IsSet(f Field) bool { return r.Value(f) != nil }

// KeyValue is the value of a string field (one that can serve as a unique key); empty when the
// field is not a string or is unset.
func (r Record) KeyValue(f Field) string {
	switch f {
	case FieldProviderID:
		return r.ProviderID
	case FieldName:
		return r.Name
	case FieldModelProvider:
		return r.ModelProvider
	case FieldBaseURL:
		return r.BaseURL
	case FieldAPIKey:
		return r.APIKey
	case FieldSecret:
		return r.Secret
	case FieldWorkspaceID:
		return r.WorkspaceID
	case FieldAuthType:
		return r.AuthType
	case FieldConnectionID:
		return r.ConnectionID
	case FieldCatalogID:
		return r.CatalogID
	}
	return ""
}

// Value is the record's value of a configurable field in its JSON form; nil when unset (an
// empty string, a nil pointer, an empty object).
func (r Record) Value(f Field) any {
	switch f {
	case FieldEnabled:
		if r.Enabled != nil {
			return *r.Enabled
		}
	case FieldCredentials:
		if len(r.Credentials) > 0 {
			return r.Credentials
		}
	case FieldSettings:
		if len(r.Settings) > 0 {
			return r.Settings
		}
	case FieldExtraKwargs:
		if len(r.ExtraKwargs) > 0 {
			return r.ExtraKwargs
		}
	case FieldEnforceHealthCheck:
		if r.EnforceHealthCheck != nil {
			return *r.EnforceHealthCheck
		}
	case FieldRequestTimeoutSecs:
		if r.RequestTimeoutSecs != nil {
			return *r.RequestTimeoutSecs
		}
	case FieldStreamIdleTimeoutSecs:
		if r.StreamIdleTimeoutSecs != nil {
			return *r.StreamIdleTimeoutSecs
		}
	default:
		if s := r.KeyValue(f); s != "" {
			return s
		}
	}
	return nil
}
