package platform

import (
	"fmt"
	"slices"
	"strings"
)

// FieldSpec says how a platform treats one canonical attribute.
type FieldSpec struct {
	// Wire is the platform's own name for the field, for documentation and messages.
	Wire string
	// Required means a create without it is refused.
	Required bool
	// Replace means the platform cannot change the field in place: a change forces a new record.
	Replace bool
	// Clearable means removing the attribute from the configuration sends a clear (an explicit
	// null, or an empty object); otherwise the platform keeps the last value it was sent.
	Clearable bool
	// Within names the field whose wire object carries this one (keywordsai keeps base_url inside
	// extra_kwargs): the field is read back only when that object is.
	Within Field
	// NotReturned means the platform may leave the field out of its answers (a write-only or
	// partly returned object): an absent value keeps what was configured instead of reading as
	// drift.
	NotReturned bool
	// DetachNeedsCredential (connection_id) means clearing the field detaches the record from a
	// shared credential, and the platform then needs a direct credential in the same request.
	DetachNeedsCredential bool
	// FoldCase means the platform compares values of the field case-insensitively (names that
	// are unique regardless of case).
	FoldCase bool
	// Doc is what users of the attribute should know about this platform's field.
	Doc string
}

// CreateFlow says what a create takes beyond the one create call.
type CreateFlow struct {
	// CheckExisting means the create call is an upsert by the unique key: the key is looked up
	// first so that a create never silently takes over an existing record.
	CheckExisting bool
	// ExpectStatus is the status of a create that made a new record; another 2xx means the
	// upsert changed an existing one. 0 accepts any 2xx.
	ExpectStatus int
	// AnswerHoldsIDOnly means the create answer holds only the id, so the record is read back to
	// fill its computed fields.
	AnswerHoldsIDOnly bool
	// AppliedAfter lists the fields the create call cannot carry; an update right after the
	// create sets those that differ from what the platform made.
	AppliedAfter []Field
}

// Spec is everything that sets one platform apart, as data: its attributes and how each
// behaves, its endpoint, its unique key, how a create and a read go, and the words its
// messages and documentation use. The Terraform glue reads only this; it names no platform.
type Spec struct {
	Name  Name
	Title string
	// Noun is what the platform calls a record, e.g. "AI LLM configuration", for messages.
	Noun string
	// DefaultEndpoint is the server root when the provider block sets none; empty when the
	// platform has no default (a tenant host).
	DefaultEndpoint string
	// EndpointExample shows what an endpoint looks like, for documentation and errors.
	EndpointExample string
	// IDDoc says what the platform's record id is, e.g. "the provider UUID", and IDExample shows one.
	IDDoc, IDExample string
	// NameDoc says how the platform keeps names unique; empty when it has no names.
	NameDoc string
	// UniqueKey is the attribute a record is unique by, used to adopt a record after an ambiguous
	// create and to refuse a create that an upsert would turn into a takeover.
	UniqueKey Field
	// UniqueKeyIsID means the unique key's value is also the record's id, so a lookup is one read.
	UniqueKeyIsID bool
	Fields        map[Field]FieldSpec
	// ModelProviders lists the canonical model_provider values the platform accepts; nil when n/a.
	ModelProviders []string
	// ModelProviderWire maps each accepted canonical model_provider to the platform's wire value.
	ModelProviderWire map[string]string
	// ModelProviderDoc explains the mapping for the attribute's documentation.
	ModelProviderDoc string
	// ReadByList means the platform has no get-one endpoint: a record is read by listing (within
	// its workspace when that is known) and picking the id.
	ReadByList bool
	// UpdateAnswersIDOnly means an update answers only the id, not the record.
	UpdateAnswersIDOnly bool
	Create              CreateFlow
	// Computed maps the computed attributes the platform fills (org_id, catalog_slug, created_at,
	// updated_at) to its wire names.
	Computed map[string]string
	// DerivedSettingsKeys are the settings keys the platform is documented to add itself; they
	// never show as a diff, even on import before anything was sent.
	DerivedSettingsKeys []string
	// ReportsManaged means records carry whether the platform itself owns them.
	ReportsManaged bool
	// PermissionHint explains a refused change or delete, when the platform has a known reason.
	PermissionHint string
}

// Supports reports whether the platform has the attribute.
func (s Spec) Supports(f Field) bool { _, ok := s.Fields[f]; return ok }

// SupportedFields lists the platform's attributes in a stable order.
func (s Spec) SupportedFields() []Field {
	out := make([]Field, 0, len(s.Fields))
	for _, f := range AllFields {
		if s.Supports(f) {
			out = append(out, f)
		}
	}
	return out
}

// SupportedList is SupportedFields as a readable, comma-separated list.
func (s Spec) SupportedList() string {
	fs := s.SupportedFields()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// NotSupported is the error for attributes the platform has no field for.
func (s Spec) NotSupported(fs ...Field) error {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return fmt.Errorf("%s: %s is not supported by %s (supported: %s)", s.Name, strings.Join(names, ", "), s.Name, s.SupportedList())
}

// CheckSupported refuses a record that sets an attribute the platform does not have, so that
// nothing is dropped silently on the way to the wire.
func (s Spec) CheckSupported(r Record) error {
	var unsupported []Field
	for _, f := range AllFields {
		if !s.Supports(f) && r.IsSet(f) {
			unsupported = append(unsupported, f)
		}
	}
	if len(unsupported) > 0 {
		return s.NotSupported(unsupported...)
	}
	return nil
}

// CheckUpdate refuses a patch that touches an attribute the platform does not have or one that
// cannot change in place.
func (s Spec) CheckUpdate(p Patch) error {
	var unsupported []Field
	for _, f := range p.Fields {
		if !s.Supports(f) {
			unsupported = append(unsupported, f)
		}
	}
	if len(unsupported) > 0 {
		return s.NotSupported(unsupported...)
	}
	for _, f := range p.Fields {
		if s.Fields[f].Replace {
			return s.CannotChangeInPlace(f)
		}
	}
	return nil
}

// CannotChangeInPlace is the error for a patch that touches a field forcing replacement.
func (s Spec) CannotChangeInPlace(f Field) error {
	return fmt.Errorf("%s: %s cannot be changed in place (the platform fixes it when the record is created); the record must be replaced", s.Name, f)
}

// CannotClear is the error for a patch that empties a field the platform cannot clear.
func (s Spec) CannotClear(f Field) error {
	if s.Fields[f].Required {
		return fmt.Errorf("%s: %s is required and cannot be cleared", s.Name, f)
	}
	return fmt.Errorf("%s: %s cannot be cleared once set; set a value instead", s.Name, f)
}

// CheckCreate refuses a record that sets an attribute the platform does not have or lacks one
// it requires on create, so that nothing is dropped silently on the way to the wire.
func (s Spec) CheckCreate(r Record) error {
	if err := s.CheckSupported(r); err != nil {
		return err
	}
	for _, f := range s.SupportedFields() {
		if s.Fields[f].Required && !r.IsSet(f) {
			return fmt.Errorf("%s: %s is required to create %s (wire field: %s)", s.Name, f, s.aNoun(), s.Fields[f].Wire)
		}
	}
	return nil
}

// aNoun is the record's noun with its indefinite article.
func (s Spec) aNoun() string {
	if s.Noun != "" && strings.ContainsRune("AEIOUaeiou", rune(s.Noun[0])) {
		return "an " + s.Noun
	}
	return "a " + s.Noun
}

// NamesEqual compares two names the way the platform keeps them unique.
func (s Spec) NamesEqual(a, b string) bool {
	if s.Fields[FieldName].FoldCase {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// AllFields lists every configurable canonical attribute in documentation order.
var AllFields = []Field{
	FieldProviderID, FieldName, FieldModelProvider, FieldBaseURL, FieldEnabled, FieldAPIKey, FieldSecret,
	FieldCredentials, FieldWorkspaceID, FieldAuthType, FieldConnectionID, FieldCatalogID, FieldSettings,
	FieldExtraKwargs, FieldRequestTimeoutSecs, FieldStreamIdleTimeoutSecs, FieldEnforceHealthCheck,
}

// CanonicalModelProviders is the canonical model_provider vocabulary (Barndoor's set), in order.
var CanonicalModelProviders = []string{
	"openai", "anthropic", "azure_openai", "google_ai", "vertex", "bedrock", "xai", "groq", "together",
	"mistral", "cohere", "fireworks", "perplexity", "openrouter", "deepseek", "custom",
}

// AcceptsModelProvider reports whether the platform accepts the canonical model provider value.
func (s Spec) AcceptsModelProvider(v string) bool { return slices.Contains(s.ModelProviders, v) }

// ModelProviderToWire maps a canonical model_provider to the platform's wire value.
func (s Spec) ModelProviderToWire(canonical string) (string, error) {
	wire, ok := s.ModelProviderWire[canonical]
	if !ok && len(s.ModelProviders) == 0 {
		return "", fmt.Errorf("the %s platform has no model_provider", s.Name)
	}
	if !ok {
		return "", fmt.Errorf("model_provider %q is not supported by %s: expected one of %s", canonical, s.Name, strings.Join(s.ModelProviders, ", "))
	}
	return wire, nil
}

// ModelProviderFromWire maps a wire value back to the first canonical value (in
// CanonicalModelProviders order) that maps to it. It returns the wire value unchanged when no
// canonical value maps to it, so an unexpected value shows up as drift instead of vanishing.
func (s Spec) ModelProviderFromWire(wire string) string {
	for _, canonical := range CanonicalModelProviders {
		if w, ok := s.ModelProviderWire[canonical]; ok && w == wire {
			return canonical
		}
	}
	return wire
}

// SameModelProvider reports whether two canonical values mean the same wire value on the
// platform (one wire value may stand for several canonical ones), so a read-back keeps the
// configured value instead of showing a diff.
func (s Spec) SameModelProvider(a, b string) bool {
	if a == b {
		return true
	}
	wa, okA := s.ModelProviderWire[a]
	wb, okB := s.ModelProviderWire[b]
	return okA && okB && wa == wb
}

// IdentityWire maps every canonical value to itself, for platforms that use the canonical slugs.
func IdentityWire(values []string) map[string]string {
	m := make(map[string]string, len(values))
	for _, v := range values {
		m[v] = v
	}
	return m
}
