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
}

// Spec is what one platform supports: the attributes it has, the attributes that force
// replacement, its default endpoint and its unique key. Attributes absent from Fields are n/a.
type Spec struct {
	Name            Name
	Title           string
	DefaultEndpoint string
	// UniqueKey is the attribute a record is unique by, used to adopt a record after an ambiguous create.
	UniqueKey Field
	Fields    map[Field]FieldSpec
	// ModelProviders lists the canonical model_provider values the platform accepts; nil when n/a.
	ModelProviders []string
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

// AllFields lists every configurable canonical attribute in documentation order.
var AllFields = []Field{
	FieldProviderID, FieldName, FieldModelProvider, FieldBaseURL, FieldEnabled, FieldAPIKey, FieldSecret,
	FieldCredentials, FieldWorkspaceID, FieldAuthType, FieldConnectionID, FieldCatalogID, FieldSettings,
	FieldExtraKwargs, FieldRequestTimeoutSecs, FieldStreamIdleTimeoutSecs,
}

// CanonicalModelProviders is the canonical model_provider vocabulary (Barndoor's set), in order.
var CanonicalModelProviders = []string{
	"openai", "anthropic", "azure_openai", "google_ai", "vertex", "bedrock", "xai", "groq", "together",
	"mistral", "cohere", "fireworks", "perplexity", "openrouter", "deepseek", "custom",
}

// Specs holds the schema of DESIGN.md mapped per platform.
var Specs = map[Name]Spec{
	Refactor: {
		Name:            Refactor,
		Title:           "re-factor.ai / psci.ai",
		DefaultEndpoint: "https://api.psci.ai/api",
		UniqueKey:       FieldModelProvider,
		ModelProviders:  []string{"openai", "anthropic", "google_ai", "vertex", "azure_openai", "bedrock", "xai"},
		Fields: map[Field]FieldSpec{
			FieldModelProvider: {Wire: "path {provider}", Required: true, Replace: true},
			FieldEnabled:       {Wire: "enabled"},
			FieldAPIKey:        {Wire: "credentials.api_key"},
			FieldCredentials:   {Wire: "credentials (other keys)"},
		},
	},
	Flashback: {
		Name:            Flashback,
		Title:           "flashback.tech",
		DefaultEndpoint: "https://backend.flashback.tech",
		UniqueKey:       FieldName,
		ModelProviders:  CanonicalModelProviders,
		Fields: map[Field]FieldSpec{
			FieldName:          {Wire: "name", Required: true},
			FieldModelProvider: {Wire: "aiType", Required: true},
			FieldBaseURL:       {Wire: "endpoint", Required: true},
			FieldAPIKey:        {Wire: "key"},
			FieldSecret:        {Wire: "secret", Required: true},
			FieldWorkspaceID:   {Wire: "workspaceId", Required: true, Replace: true},
		},
	},
	Barndoor: {
		Name:            Barndoor,
		Title:           "Barndoor LLM gateway",
		DefaultEndpoint: "",
		UniqueKey:       FieldName,
		ModelProviders:  CanonicalModelProviders,
		Fields: map[Field]FieldSpec{
			FieldName:                  {Wire: "name", Required: true},
			FieldModelProvider:         {Wire: "model_provider", Required: true, Replace: true},
			FieldBaseURL:               {Wire: "base_url"},
			FieldEnabled:               {Wire: "enabled"},
			FieldAPIKey:                {Wire: "api_key"},
			FieldCredentials:           {Wire: "credentials"},
			FieldAuthType:              {Wire: "auth_type"},
			FieldConnectionID:          {Wire: "connection_id"},
			FieldCatalogID:             {Wire: "catalog_id", Replace: true},
			FieldSettings:              {Wire: "settings"},
			FieldRequestTimeoutSecs:    {Wire: "request_timeout_secs"},
			FieldStreamIdleTimeoutSecs: {Wire: "stream_idle_timeout_secs"},
		},
	},
	KeywordsAI: {
		Name:            KeywordsAI,
		Title:           "Keywords AI (Respan)",
		DefaultEndpoint: "https://api.keywordsai.co",
		UniqueKey:       FieldProviderID,
		Fields: map[Field]FieldSpec{
			FieldProviderID:  {Wire: "provider_id", Required: true, Replace: true},
			FieldName:        {Wire: "provider_name", Required: true},
			FieldBaseURL:     {Wire: "extra_kwargs.base_url"},
			FieldAPIKey:      {Wire: "api_key"},
			FieldExtraKwargs: {Wire: "extra_kwargs"},
		},
	},
}

// SpecFor returns the spec of a platform name, or an error listing the valid names.
func SpecFor(name string) (Spec, error) {
	s, ok := Specs[Name(name)]
	if !ok {
		return Spec{}, fmt.Errorf("unknown platform %q: expected one of %s", name, strings.Join(NameStrings(), ", "))
	}
	return s, nil
}

// NameStrings lists the platform names as strings.
func NameStrings() []string {
	out := make([]string, len(Names))
	for i, n := range Names {
		out[i] = string(n)
	}
	return out
}

// AcceptsModelProvider reports whether the platform accepts the canonical model provider value.
func (s Spec) AcceptsModelProvider(v string) bool { return slices.Contains(s.ModelProviders, v) }

// modelProviderWire maps canonical model_provider values to each platform's wire values. A
// platform without an entry for a value does not accept it; keywordsai has no model provider.
var modelProviderWire = map[Name]map[string]string{
	Refactor: {
		"openai": "openai", "anthropic": "anthropic", "google_ai": "google", "vertex": "google-vertex",
		"azure_openai": "azure", "bedrock": "amazon-bedrock", "xai": "xai",
	},
	Flashback: func() map[string]string {
		m := map[string]string{}
		for _, v := range CanonicalModelProviders {
			m[v] = "OTHER"
		}
		m["openai"], m["anthropic"], m["google_ai"], m["vertex"], m["bedrock"] = "OPENAI", "ANTHROPIC", "GOOGLE", "GOOGLE", "AWS"
		return m
	}(),
	Barndoor: func() map[string]string {
		m := map[string]string{}
		for _, v := range CanonicalModelProviders {
			m[v] = v
		}
		return m
	}(),
}

// ModelProviderToWire maps a canonical model_provider to the platform's wire value.
func ModelProviderToWire(p Name, canonical string) (string, error) {
	wire, ok := modelProviderWire[p][canonical]
	if !ok && len(Specs[p].ModelProviders) == 0 {
		return "", fmt.Errorf("the %s platform has no model_provider", p)
	}
	if !ok {
		return "", fmt.Errorf("model_provider %q is not supported by %s: expected one of %s", canonical, p, strings.Join(Specs[p].ModelProviders, ", "))
	}
	return wire, nil
}

// ModelProviderFromWire maps a wire value back to the first canonical value (in
// CanonicalModelProviders order) that maps to it. It returns the wire value unchanged when no
// canonical value maps to it, so an unexpected value shows up as drift instead of vanishing.
func ModelProviderFromWire(p Name, wire string) string {
	for _, canonical := range CanonicalModelProviders {
		if w, ok := modelProviderWire[p][canonical]; ok && w == wire {
			return canonical
		}
	}
	return wire
}

// SameModelProvider reports whether two canonical values mean the same wire value on the
// platform (flashback maps google_ai and vertex both to GOOGLE), so a read-back keeps the
// configured value instead of showing a diff.
func SameModelProvider(p Name, a, b string) bool {
	if a == b {
		return true
	}
	wa, okA := modelProviderWire[p][a]
	wb, okB := modelProviderWire[p][b]
	return okA && okB && wa == wb
}
