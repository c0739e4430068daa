package platform

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/big"
	"reflect"
)

// Field names a canonical attribute of a Record; the values are the Terraform attribute names.
type Field string

// The canonical fields: the configurable ones, then those only the platform sets.
const (
	FieldProviderID            Field = "provider_id"
	FieldName                  Field = "name"
	FieldModelProvider         Field = "model_provider"
	FieldBaseURL               Field = "base_url"
	FieldEnabled               Field = "enabled"
	FieldAPIKey                Field = "api_key"
	FieldSecret                Field = "secret"
	FieldCredentials           Field = "credentials"
	FieldAPIKeyID              Field = "api_key_id"
	FieldWorkspaceID           Field = "workspace_id"
	FieldAuthType              Field = "auth_type"
	FieldConnectionID          Field = "connection_id"
	FieldCatalogID             Field = "catalog_id"
	FieldSettings              Field = "settings"
	FieldExtraKwargs           Field = "extra_kwargs"
	FieldRequestTimeoutSecs    Field = "request_timeout_secs"
	FieldStreamIdleTimeoutSecs Field = "stream_idle_timeout_secs"
	FieldEnforceHealthCheck    Field = "enforce_health_check"
	FieldModelSyncMode         Field = "model_sync_mode"
	FieldBillingMode           Field = "billing_mode"
	FieldBillingReason         Field = "billing_reason"
	FieldBillingNote           Field = "billing_note"
	FieldModels                Field = "models"

	FieldOrgID        Field = "org_id"
	FieldCatalogSlug  Field = "catalog_slug"
	FieldCreatedAt    Field = "created_at"
	FieldUpdatedAt    Field = "updated_at"
	FieldManaged      Field = "managed"
	FieldHealthStatus Field = "health_status"
	FieldSecretPath   Field = "secret_path"
)

// ValueKind is the shape of a field's value.
type ValueKind int

// The kinds of value a field holds.
const (
	KindString ValueKind = iota
	KindBool
	KindInt64
	// KindStringMap is a map of strings (credentials).
	KindStringMap
	// KindStringList is a list of strings (barndoor's models).
	KindStringList
	// KindObject is a JSON object (settings, extra_kwargs); Terraform holds it as a JSON string.
	KindObject
)

// FieldDef is one canonical field: the one table that the record, the patch planner, the schema,
// the models and the documentation derive from. A platform says in its Spec which fields it has.
type FieldDef struct {
	Field Field
	Kind  ValueKind
	// Secret fields are sensitive, have a write-only twin (x_wo with x_wo_version), are never read
	// back, and are sent only when the configuration rotates them.
	Secret bool
	// Sensitive hides the value in plans without making it a secret (extra_kwargs may hold keys).
	Sensitive bool
	// PlatformDefault means an unset value is left to the platform, which picks one: the attribute
	// is optional and computed, and a plan that leaves it unset sends nothing.
	PlatformDefault bool
	// Output means only the platform sets the field (a computed attribute).
	Output bool
	// InDataSource means the data sources show the field (every non-secret field but extra_kwargs).
	InDataSource bool
	// NotInResource means only the data sources show the field: it changes without any change
	// of the configuration, so in the resource it would be a change outside Terraform on every
	// refresh. The reason is in ReadDoc.
	NotInResource bool
	// Doc describes the attribute in the resource; the provider adds which platforms use it.
	Doc string
	// ReadDoc describes it in the data sources, where it differs from Doc; the provider adds
	// which platforms fill it.
	ReadDoc string
	// Check is what a configured value must be, checked at plan time.
	Check Check

	get func(*Record) any
	set func(*Record, any)
}

// AllFields lists every configurable canonical field in documentation order.
var AllFields = func() []Field {
	var out []Field
	for _, d := range Fields {
		if !d.Output {
			out = append(out, d.Field)
		}
	}
	return out
}()

// SecretFields are never compared by value: the caller decides when they changed, because a
// write-only secret is absent from state and rotates when its version changes.
var SecretFields = func() []Field {
	var out []Field
	for _, d := range Fields {
		if d.Secret {
			out = append(out, d.Field)
		}
	}
	return out
}()

var fieldIndex = func() map[Field]*FieldDef {
	m := make(map[Field]*FieldDef, len(Fields))
	for i := range Fields {
		m[Fields[i].Field] = &Fields[i]
	}
	return m
}()

// DefOf returns the table entry of a field; ok is false for a name that is not a field.
func DefOf(f Field) (FieldDef, bool) {
	d, ok := fieldIndex[f]
	if !ok {
		return FieldDef{}, false
	}
	return *d, true
}

func stringField(f Field, at func(*Record) *string) FieldDef {
	return FieldDef{Field: f, Kind: KindString, InDataSource: true,
		get: func(r *Record) any {
			if s := *at(r); s != "" {
				return s
			}
			return nil
		},
		set: func(r *Record, v any) { s, _ := v.(string); *at(r) = s },
	}
}

func boolField(f Field, at func(*Record) **bool) FieldDef {
	return FieldDef{Field: f, Kind: KindBool, InDataSource: true,
		get: func(r *Record) any {
			if b := *at(r); b != nil {
				return *b
			}
			return nil
		},
		set: func(r *Record, v any) {
			if b, ok := v.(bool); ok {
				*at(r) = &b
			} else {
				*at(r) = nil
			}
		},
	}
}

func int64Field(f Field, at func(*Record) **int64) FieldDef {
	return FieldDef{Field: f, Kind: KindInt64, InDataSource: true,
		get: func(r *Record) any {
			if n := *at(r); n != nil {
				return *n
			}
			return nil
		},
		set: func(r *Record, v any) {
			if n, ok := v.(int64); ok {
				*at(r) = &n
			} else {
				*at(r) = nil
			}
		},
	}
}

func stringMapField(f Field, at func(*Record) *map[string]string) FieldDef {
	return FieldDef{Field: f, Kind: KindStringMap,
		get: func(r *Record) any {
			if m := *at(r); len(m) > 0 {
				return m
			}
			return nil
		},
		set: func(r *Record, v any) { m, _ := v.(map[string]string); *at(r) = m },
	}
}

// stringListField is a list of strings; the data sources do not show it (no platform returns one).
func stringListField(f Field, at func(*Record) *[]string) FieldDef {
	return FieldDef{Field: f, Kind: KindStringList,
		get: func(r *Record) any {
			if l := *at(r); len(l) > 0 {
				return l
			}
			return nil
		},
		set: func(r *Record, v any) { l, _ := v.([]string); *at(r) = l },
	}
}

func objectField(f Field, at func(*Record) *map[string]any) FieldDef {
	return FieldDef{Field: f, Kind: KindObject, InDataSource: true, Check: Check{Format: FormatJSONObject},
		get: func(r *Record) any {
			if m := *at(r); len(m) > 0 {
				return m
			}
			return nil
		},
		set: func(r *Record, v any) { m, _ := v.(map[string]any); *at(r) = m },
	}
}

// Check is what a configured value of a field must be. The zero Check allows any value.
type Check struct {
	// OneOf lists the allowed strings.
	OneOf []string
	// MinLen and MaxLen bound a string's length in characters; 0 is no bound.
	MinLen, MaxLen int
	// Min and Max bound a number, when Max is not 0.
	Min, Max int64
	// Format is a shape the string must have.
	Format Format
}

// Format is a shape a string field's value must have.
type Format int

// The formats a string field can require.
const (
	FormatAny Format = iota
	// FormatHTTPURL is an absolute http or https URL.
	FormatHTTPURL
	// FormatUUID is a UUID such as 3c90c3cc-0d44-4b50-8888-8dd25736052a.
	FormatUUID
	// FormatJSONObject is a string that parses as one JSON object (KindObject fields).
	FormatJSONObject
)

// described sets the resource's and the data sources' descriptions; an empty readDoc is doc.
func (d FieldDef) described(doc, readDoc string) FieldDef {
	d.Doc, d.ReadDoc = doc, readDoc
	return d
}

func (d FieldDef) checked(c Check) FieldDef { d.Check = c; return d }

func secret(d FieldDef) FieldDef {
	d.Secret, d.Sensitive, d.InDataSource = true, true, false
	return d
}

func sensitive(d FieldDef) FieldDef {
	d.Sensitive, d.InDataSource = true, false
	return d
}

func withDefault(d FieldDef) FieldDef { d.PlatformDefault = true; return d }

func output(d FieldDef) FieldDef { d.Output = true; return d }

func dataSourceOnly(d FieldDef) FieldDef { d.NotInResource = true; return output(d) }

// Value is the record's value of a field in its JSON form; nil when unset (an empty string, a nil
// pointer, an empty map).
func (r Record) Value(f Field) any {
	if d, ok := fieldIndex[f]; ok {
		return d.get(&r)
	}
	return nil
}

// IsSet reports whether the record holds a value for the field.
func (r Record) IsSet(f Field) bool { return r.Value(f) != nil }

// StringValue is the value of a string field; empty when the field is not a string or is unset.
func (r Record) StringValue(f Field) string {
	s, _ := r.Value(f).(string)
	return s
}

// Set sets a field from its JSON form (nil clears it); a value of the wrong kind clears it too.
func (r *Record) Set(f Field, v any) {
	if d, ok := fieldIndex[f]; ok {
		d.set(r, v)
	}
}

// SameValue reports whether two records hold the same value of a field. Objects compare by their
// JSON meaning, and a nil and an empty object are the same: both mean "no keys".
func SameValue(f Field, a, b Record) bool {
	va, vb := a.Value(f), b.Value(f)
	if va == nil || vb == nil {
		return va == nil && vb == nil
	}
	if d := fieldIndex[f]; d.Kind == KindObject {
		return SameJSON(va, vb)
	}
	return reflect.DeepEqual(va, vb)
}

// SameJSON compares two values by their JSON meaning: numbers by value at full precision (1 and
// 1.0 are the same, 2^53 and 2^53+1 are not), objects regardless of key order.
func SameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	if string(ja) == string(jb) {
		return true
	}
	va, okA := exactJSON(ja)
	vb, okB := exactJSON(jb)
	return okA && okB && reflect.DeepEqual(va, vb)
}

// exactJSON decodes JSON with every number as its exact rational value in lowest terms.
func exactJSON(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return normalizeNumbers(v), true
}

func normalizeNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if r, ok := new(big.Rat).SetString(v.String()); ok {
			return r.RatString()
		}
		return v.String()
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalizeNumbers(e)
		}
	}
	return v
}

// MergedObject returns base with extra's keys set on top, without changing either.
func MergedObject(base map[string]any, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	maps.Copy(out, base)
	maps.Copy(out, extra)
	return out
}
