package platform

import (
	"reflect"
	"slices"
)

// Field names a canonical attribute of a Record; the values are the Terraform attribute names.
type Field string

// The updatable canonical fields.
const (
	FieldProviderID            Field = "provider_id"
	FieldName                  Field = "name"
	FieldModelProvider         Field = "model_provider"
	FieldBaseURL               Field = "base_url"
	FieldEnabled               Field = "enabled"
	FieldAPIKey                Field = "api_key"
	FieldSecret                Field = "secret"
	FieldCredentials           Field = "credentials"
	FieldWorkspaceID           Field = "workspace_id"
	FieldAuthType              Field = "auth_type"
	FieldConnectionID          Field = "connection_id"
	FieldCatalogID             Field = "catalog_id"
	FieldSettings              Field = "settings"
	FieldExtraKwargs           Field = "extra_kwargs"
	FieldRequestTimeoutSecs    Field = "request_timeout_secs"
	FieldStreamIdleTimeoutSecs Field = "stream_idle_timeout_secs"
	FieldEnforceHealthCheck    Field = "enforce_health_check"
)

// SecretFields are never compared by value: the caller decides when they changed, because a
// write-only secret is absent from state and rotates when its version changes.
var SecretFields = []Field{FieldAPIKey, FieldSecret, FieldCredentials}

// Patch holds only the fields that changed. Values carries the planned record; a changed field
// whose planned value is empty (or nil) is a clear, which platforms with nullable columns send as
// an explicit JSON null.
type Patch struct {
	Fields []Field
	Values Record
}

// Has reports whether f changed.
func (p Patch) Has(f Field) bool { return slices.Contains(p.Fields, f) }

// HasAny reports whether any of fs changed.
func (p Patch) HasAny(fs ...Field) bool {
	for _, f := range fs {
		if p.Has(f) {
			return true
		}
	}
	return false
}

// Empty reports whether nothing changed.
func (p Patch) Empty() bool { return len(p.Fields) == 0 }

// Diff returns the patch that turns prior into planned. Non-secret fields are compared by value;
// secret fields are included only when listed in rotated.
func Diff(prior, planned Record, rotated ...Field) Patch {
	p := Patch{Values: planned}
	add := func(f Field, changed bool) {
		if changed {
			p.Fields = append(p.Fields, f)
		}
	}
	add(FieldProviderID, prior.ProviderID != planned.ProviderID)
	add(FieldName, prior.Name != planned.Name)
	add(FieldModelProvider, prior.ModelProvider != planned.ModelProvider)
	add(FieldBaseURL, prior.BaseURL != planned.BaseURL)
	add(FieldEnabled, !equalBoolPtr(prior.Enabled, planned.Enabled))
	add(FieldWorkspaceID, prior.WorkspaceID != planned.WorkspaceID)
	add(FieldAuthType, prior.AuthType != planned.AuthType)
	add(FieldConnectionID, prior.ConnectionID != planned.ConnectionID)
	add(FieldCatalogID, prior.CatalogID != planned.CatalogID)
	add(FieldSettings, !equalObject(prior.Settings, planned.Settings))
	add(FieldExtraKwargs, !equalObject(prior.ExtraKwargs, planned.ExtraKwargs))
	add(FieldRequestTimeoutSecs, !equalIntPtr(prior.RequestTimeoutSecs, planned.RequestTimeoutSecs))
	add(FieldStreamIdleTimeoutSecs, !equalIntPtr(prior.StreamIdleTimeoutSecs, planned.StreamIdleTimeoutSecs))
	add(FieldEnforceHealthCheck, !equalBoolPtr(prior.EnforceHealthCheck, planned.EnforceHealthCheck))
	for _, f := range SecretFields {
		add(f, slices.Contains(rotated, f))
	}
	return p
}

func equalBoolPtr(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func equalIntPtr(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// equalObject treats a nil and an empty object as equal: both mean "no keys".
func equalObject(a, b map[string]any) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// MergedObject returns base with extra's keys set on top, without changing either.
func MergedObject(base map[string]any, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
