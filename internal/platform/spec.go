package platform

import (
	"fmt"
	"slices"
	"strings"
)

// FieldSpec says how a platform treats one canonical field: what the schema, plan-time
// validation and documentation need. How the field travels on the wire is the platform
// package's code.
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
	// DetachNeedsCredential (connection_id) means clearing the field detaches the record from a
	// shared credential, and the platform then needs a direct credential in the same request: a
	// plan that clears it without one is refused.
	DetachNeedsCredential bool
	// MayOmit means the platform is documented to leave the field out of some answers (a value
	// it never returns, or one inside an object it returns only sometimes): an answer without it
	// is not version skew, and out-of-band changes may not be seen.
	MayOmit bool
	// FoldCase means the platform compares values of the field case-insensitively (names that
	// are unique regardless of case), so lookups and filters do too.
	FoldCase bool
	// RequiredWhen means the field is required while another field holds a value (barndoor's
	// billing_reason while billing_mode is not_metered): a plan that would leave it unset then is
	// refused. Nil when it is not.
	RequiredWhen *FieldValue
	// CreateOnly means the platform takes the field on create and nowhere else: an update never
	// sends it, and a change of it after the create is kept in state only.
	CreateOnly bool
	// RequiredUnless means Required does not apply while this other field is set (flashback's
	// secret, which a stored key named by api_key_id stands in for). Empty when it always does.
	RequiredUnless Field
	// Doc is what users of the attribute should know about this platform's field.
	Doc string
}

// FieldValue is one value of one field.
type FieldValue struct {
	Field Field
	Value string
}

// Spec is what the schema, plan-time validation, lookups and documentation need to know of one
// platform: its attributes, its endpoint, its unique key and the words its messages use. How its
// calls go (a read-back, a follow-up update, an upsert) is plain code in its package.
type Spec struct {
	Name Name
	// Noun is what the platform calls a record, e.g. "AI LLM configuration", for messages.
	Noun string
	// DefaultEndpoint is the server root when the provider block sets none; empty when the
	// platform has no default (a tenant host).
	DefaultEndpoint string
	// EndpointExample shows what an endpoint looks like, for documentation and errors.
	EndpointExample string
	// EndpointDoc says what else users should know of the endpoint (another host the platform's
	// own client uses), for documentation; empty when nothing.
	EndpointDoc string
	// IDDoc says what the platform's record id is, e.g. "the provider UUID", and IDExample shows one.
	IDDoc, IDExample string
	// NameDoc says how the platform keeps names unique; empty when it has no names.
	NameDoc string
	// UniqueKey is the field a record is unique by (within its workspace, where the platform has
	// workspaces). The create flow checks it before creating and proves ownership by it.
	UniqueKey Field
	Fields    map[Field]FieldSpec
	// ModelProviders lists the canonical model_provider values the platform accepts; nil when n/a.
	ModelProviders []string
	// ModelProviderWire maps each accepted canonical model_provider to the platform's wire value.
	ModelProviderWire map[string]string
	// ModelProviderDoc explains the mapping for the attribute's documentation.
	ModelProviderDoc string
	// CredentialKeys are the credentials keys the platform documents per canonical model
	// provider; a model provider not listed has no documented keys, and takes any.
	CredentialKeys map[string][]string
	// Computed maps the output fields the platform fills (org_id, created_at, managed, ...) to
	// their wire names.
	Computed map[Field]string
	// PermissionHint explains a refused change or delete, when the platform has a known reason.
	PermissionHint string
	// APIVersions lists the API generations the client speaks, each with what tells it apart, for
	// the provider block's api_version; the first is the default. Nil where there is one.
	APIVersions []APIVersion
	// Validates says the platform can check a record against its model provider (Client.Validate).
	Validates bool
}

// APIVersion is one generation of a platform's API.
type APIVersion struct {
	Name, Doc string
	// KeySentWith are the fields whose change carries the API key in the same request (the
	// platform replaces them and the key as one object): changing one needs the key at hand.
	KeySentWith []Field
}

// Version returns the API generation named v, or the default (the first) when v is empty; the zero
// APIVersion where the platform has one.
func (s Spec) Version(v string) APIVersion {
	for _, av := range s.APIVersions {
		if av.Name == v || v == "" {
			return av
		}
	}
	return APIVersion{}
}

// CheckAPIVersion refuses an api_version the platform does not have.
func (s Spec) CheckAPIVersion(v string) error {
	if v == "" {
		return nil
	}
	var names []string
	for _, av := range s.APIVersions {
		if av.Name == v {
			return nil
		}
		names = append(names, av.Name)
	}
	if len(names) == 0 {
		return fmt.Errorf("the %s platform has one API version; remove api_version", s.Name)
	}
	return fmt.Errorf("the %s platform has no API version %q; allowed: %s", s.Name, v, strings.Join(names, ", "))
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

// CheckCreate refuses a record that sets an attribute the platform does not have or lacks one
// it requires on create, so that nothing is dropped silently on the way to the wire.
func (s Spec) CheckCreate(r Record) error {
	if err := s.CheckSupported(r); err != nil {
		return err
	}
	for _, f := range s.SupportedFields() {
		if fs := s.Fields[f]; fs.Required && !r.IsSet(f) && (fs.RequiredUnless == "" || !r.IsSet(fs.RequiredUnless)) {
			return fmt.Errorf("%s: %s is required to create %s (wire field: %s)", s.Name, f, s.aNoun(), s.Fields[f].Wire)
		}
	}
	// A model provider the platform does not accept is refused before any request.
	if s.Supports(FieldModelProvider) && len(s.ModelProviders) > 0 && r.ModelProvider != "" {
		if _, err := s.ModelProviderToWire(r.ModelProvider); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
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

// SameString compares two values of a field the way the platform compares them: names that are
// unique regardless of case compare case-insensitively.
func (s Spec) SameString(f Field, a, b string) bool {
	if s.Fields[f].FoldCase {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// KeyOf is the record's unique key as the platform compares it (folded where it folds case).
func (s Spec) KeyOf(r Record) string {
	key := r.StringValue(s.UniqueKey)
	if s.Fields[s.UniqueKey].FoldCase {
		return strings.ToLower(key)
	}
	return key
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
