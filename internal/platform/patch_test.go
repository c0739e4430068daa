package platform_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

func boolPtr(b bool) *bool    { return &b }
func int64Ptr(i int64) *int64 { return &i }

// baseRecord sets every canonical field, so that each table row can change exactly one.
func baseRecord() platform.Record {
	return platform.Record{
		ID:                    "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
		ProviderID:            "my-openai",
		Name:                  "primary",
		ModelProvider:         "openai",
		BaseURL:               "https://api.openai.com",
		Enabled:               boolPtr(true),
		APIKey:                "sk-prior-key",
		Secret:                "prior-secret",
		Credentials:           map[string]string{"organization": "org-1"},
		WorkspaceID:           "ws-1",
		AuthType:              "api_key",
		ConnectionID:          "0b5c8f2e-6f51-4a53-9b7e-3f1d2c4a5b6c",
		CatalogID:             "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
		Settings:              map[string]any{"temperature": 0.2},
		ExtraKwargs:           map[string]any{"timeout": float64(60)},
		RequestTimeoutSecs:    int64Ptr(30),
		StreamIdleTimeoutSecs: int64Ptr(60),
		EnforceHealthCheck:    boolPtr(true),
		OrgID:                 "org-a",
		CatalogSlug:           "openai-1a2b3c4d",
		CreatedAt:             "2024-01-01T00:00:00.000Z",
		UpdatedAt:             "2024-01-02T00:00:00.000Z",
	}
}

func TestDiffDetectsEachNonSecretFieldAlone(t *testing.T) {
	cases := []struct {
		field  platform.Field
		change func(r *platform.Record)
	}{
		{platform.FieldProviderID, func(r *platform.Record) { r.ProviderID = "other-id" }},
		{platform.FieldName, func(r *platform.Record) { r.Name = "renamed" }},
		{platform.FieldModelProvider, func(r *platform.Record) { r.ModelProvider = "anthropic" }},
		{platform.FieldBaseURL, func(r *platform.Record) { r.BaseURL = "https://proxy.example.com" }},
		{platform.FieldEnabled, func(r *platform.Record) { r.Enabled = boolPtr(false) }},
		{platform.FieldEnabled, func(r *platform.Record) { r.Enabled = nil }},
		{platform.FieldWorkspaceID, func(r *platform.Record) { r.WorkspaceID = "ws-2" }},
		{platform.FieldAuthType, func(r *platform.Record) { r.AuthType = "bearer" }},
		{platform.FieldConnectionID, func(r *platform.Record) { r.ConnectionID = "2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d" }},
		{platform.FieldCatalogID, func(r *platform.Record) { r.CatalogID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f" }},
		{platform.FieldSettings, func(r *platform.Record) { r.Settings = map[string]any{"temperature": 0.7} }},
		{platform.FieldSettings, func(r *platform.Record) { r.Settings = map[string]any{"temperature": 0.2, "top_p": 0.9} }},
		{platform.FieldExtraKwargs, func(r *platform.Record) { r.ExtraKwargs = map[string]any{"timeout": float64(120)} }},
		{platform.FieldRequestTimeoutSecs, func(r *platform.Record) { r.RequestTimeoutSecs = int64Ptr(31) }},
		{platform.FieldStreamIdleTimeoutSecs, func(r *platform.Record) { r.StreamIdleTimeoutSecs = int64Ptr(61) }},
		{platform.FieldEnforceHealthCheck, func(r *platform.Record) { r.EnforceHealthCheck = boolPtr(false) }},
		{platform.FieldEnforceHealthCheck, func(r *platform.Record) { r.EnforceHealthCheck = nil }},
	}
	for _, tc := range cases {
		t.Run(string(tc.field), func(t *testing.T) {
			prior, planned := baseRecord(), baseRecord()
			tc.change(&planned)
			p := platform.Diff(prior, planned)
			if want := []platform.Field{tc.field}; !slices.Equal(p.Fields, want) {
				t.Fatalf("Diff fields = %v, want %v", p.Fields, want)
			}
			if !p.Has(tc.field) || p.Empty() {
				t.Fatalf("Has(%s) = %v, Empty() = %v", tc.field, p.Has(tc.field), p.Empty())
			}
			if !reflect.DeepEqual(p.Values, planned) {
				t.Fatalf("Values is not the planned record:\n got %+v\nwant %+v", p.Values, planned)
			}
		})
	}
}

func TestDiffIgnoresComputedFields(t *testing.T) {
	prior, planned := baseRecord(), baseRecord()
	planned.ID = "another-id"
	planned.OrgID = "org-b"
	planned.CatalogSlug = "other-slug"
	planned.CreatedAt = "2025-01-01T00:00:00.000Z"
	planned.UpdatedAt = "2025-01-02T00:00:00.000Z"
	planned.Managed = true
	planned.MaskedCredentials = map[string]string{"api_key": "sk-***"}
	if p := platform.Diff(prior, planned); !p.Empty() {
		t.Fatalf("computed fields produced a patch: %v", p.Fields)
	}
}

func TestDiffIdenticalRecordsIsEmpty(t *testing.T) {
	p := platform.Diff(baseRecord(), baseRecord())
	if !p.Empty() || len(p.Fields) != 0 {
		t.Fatalf("identical records produced %v", p.Fields)
	}
	if p.HasAny(platform.AllFields...) {
		t.Fatal("HasAny of every field is true on an empty patch")
	}
}

func TestDiffNilAndEmptyObjectsAreEqual(t *testing.T) {
	for _, tc := range []struct {
		name         string
		prior, plan  map[string]any
		wantSettings bool
	}{
		{"nil to empty", nil, map[string]any{}, false},
		{"empty to nil", map[string]any{}, nil, false},
		{"nil to one key", nil, map[string]any{"a": "b"}, true},
		{"one key to nil", map[string]any{"a": "b"}, nil, true},
		{"nested equal", map[string]any{"a": map[string]any{"b": []any{"c"}}}, map[string]any{"a": map[string]any{"b": []any{"c"}}}, false},
		{"nested differs", map[string]any{"a": map[string]any{"b": []any{"c"}}}, map[string]any{"a": map[string]any{"b": []any{"d"}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prior, planned := baseRecord(), baseRecord()
			prior.Settings, planned.Settings = tc.prior, tc.plan
			prior.ExtraKwargs, planned.ExtraKwargs = tc.prior, tc.plan
			p := platform.Diff(prior, planned)
			if p.Has(platform.FieldSettings) != tc.wantSettings || p.Has(platform.FieldExtraKwargs) != tc.wantSettings {
				t.Fatalf("settings/extra_kwargs changed = %v/%v, want %v", p.Has(platform.FieldSettings), p.Has(platform.FieldExtraKwargs), tc.wantSettings)
			}
		})
	}
}

func TestDiffSecretsOnlyWhenRotated(t *testing.T) {
	prior := baseRecord()
	planned := baseRecord()
	planned.APIKey = "sk-new-key"
	planned.Secret = "new-secret"
	planned.Credentials = map[string]string{"organization": "org-2"}

	if p := platform.Diff(prior, planned); !p.Empty() {
		t.Fatalf("changed secrets without rotation produced %v; secrets are never compared by value", p.Fields)
	}
	for _, f := range platform.SecretFields {
		t.Run(string(f), func(t *testing.T) {
			// Unchanged values still go out when the caller says the secret rotated (a _wo_version bump).
			p := platform.Diff(baseRecord(), baseRecord(), f)
			if want := []platform.Field{f}; !slices.Equal(p.Fields, want) {
				t.Fatalf("Diff with rotated %s = %v, want %v", f, p.Fields, want)
			}
		})
	}
	p := platform.Diff(prior, planned, platform.SecretFields...)
	if !p.HasAny(platform.FieldAPIKey) || !p.Has(platform.FieldSecret) || !p.Has(platform.FieldCredentials) || len(p.Fields) != 3 {
		t.Fatalf("all rotated: %v", p.Fields)
	}
}

func TestDiffRotatedNonSecretFieldIsIgnored(t *testing.T) {
	// rotated speaks only for secrets; a non-secret field is always compared by value.
	p := platform.Diff(baseRecord(), baseRecord(), platform.FieldName, platform.FieldSettings)
	if !p.Empty() {
		t.Fatalf("rotated non-secret fields produced %v", p.Fields)
	}
	planned := baseRecord()
	planned.Name = "renamed"
	p = platform.Diff(baseRecord(), planned, platform.FieldName)
	if !slices.Equal(p.Fields, []platform.Field{platform.FieldName}) {
		t.Fatalf("name listed twice or missing: %v", p.Fields)
	}
}

func TestDiffClearedNullableFields(t *testing.T) {
	prior := baseRecord()
	planned := baseRecord()
	planned.ConnectionID = ""
	planned.RequestTimeoutSecs = nil
	planned.StreamIdleTimeoutSecs = nil
	p := platform.Diff(prior, planned)
	want := []platform.Field{platform.FieldConnectionID, platform.FieldRequestTimeoutSecs, platform.FieldStreamIdleTimeoutSecs}
	for _, f := range want {
		if !p.Has(f) {
			t.Errorf("cleared %s is not in the patch %v", f, p.Fields)
		}
	}
	if len(p.Fields) != len(want) {
		t.Errorf("patch %v holds more than the cleared fields %v", p.Fields, want)
	}
	if p.Values.ConnectionID != "" || p.Values.RequestTimeoutSecs != nil || p.Values.StreamIdleTimeoutSecs != nil {
		t.Errorf("cleared values are not empty: connection %q, timeout %v, idle %v",
			p.Values.ConnectionID, p.Values.RequestTimeoutSecs, p.Values.StreamIdleTimeoutSecs)
	}

	// Setting a nullable field that was unset is a change too.
	p = platform.Diff(planned, prior)
	for _, f := range want {
		if !p.Has(f) {
			t.Errorf("newly set %s is not in the patch %v", f, p.Fields)
		}
	}
}

func TestDiffComparesPointedValues(t *testing.T) {
	prior, planned := baseRecord(), baseRecord()
	// Distinct pointers to equal values are no change.
	planned.Enabled = boolPtr(true)
	planned.RequestTimeoutSecs = int64Ptr(30)
	if p := platform.Diff(prior, planned); !p.Empty() {
		t.Fatalf("equal values behind distinct pointers produced %v", p.Fields)
	}
	prior.Enabled, planned.Enabled = nil, nil
	if p := platform.Diff(prior, planned); !p.Empty() {
		t.Fatalf("nil and nil produced %v", p.Fields)
	}
}

func TestPatchHasHasAnyEmpty(t *testing.T) {
	p := platform.Patch{Fields: []platform.Field{platform.FieldName, platform.FieldEnabled}}
	if !p.Has(platform.FieldName) || !p.Has(platform.FieldEnabled) || p.Has(platform.FieldBaseURL) {
		t.Fatalf("Has is wrong for %v", p.Fields)
	}
	if !p.HasAny(platform.FieldBaseURL, platform.FieldEnabled) {
		t.Fatal("HasAny(base_url, enabled) = false")
	}
	if p.HasAny(platform.FieldBaseURL, platform.FieldSecret) {
		t.Fatal("HasAny(base_url, secret) = true")
	}
	if p.HasAny() {
		t.Fatal("HasAny() with no fields = true")
	}
	if p.Empty() {
		t.Fatal("Empty() = true on a patch with fields")
	}
	if !(platform.Patch{}).Empty() {
		t.Fatal("Empty() = false on the zero patch")
	}
}

func TestMergedObjectDoesNotMutateInputs(t *testing.T) {
	base := map[string]any{"a": "base", "keep": float64(1)}
	extra := map[string]any{"a": "extra", "b": true}
	baseCopy, extraCopy := maps.Clone(base), maps.Clone(extra)

	out := platform.MergedObject(base, extra)
	want := map[string]any{"a": "extra", "keep": float64(1), "b": true}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("MergedObject = %v, want %v", out, want)
	}
	if !reflect.DeepEqual(base, baseCopy) || !reflect.DeepEqual(extra, extraCopy) {
		t.Fatalf("inputs changed: base %v, extra %v", base, extra)
	}
	out["new"] = "x"
	out["keep"] = float64(2)
	if _, ok := base["new"]; ok || base["keep"] != float64(1) {
		t.Fatalf("writing to the result changed base: %v", base)
	}
	if _, ok := extra["new"]; ok {
		t.Fatalf("writing to the result changed extra: %v", extra)
	}

	empty := platform.MergedObject(nil, nil)
	if empty == nil || len(empty) != 0 {
		t.Fatalf("MergedObject(nil, nil) = %#v, want an empty non-nil map", empty)
	}
	empty["x"] = 1 // Must not panic: the result is always writable.
}

// FuzzDiff builds two records from arbitrary input: a record never differs from itself, and a
// patch names only known fields, each at most once, with its values taken from the planned record.
func FuzzDiff(f *testing.F) {
	f.Add("a", "b", "openai", "anthropic", "https://x", "", int64(5), int64(0), true, false, `{"k":1}`, `{}`)
	f.Add("", "", "", "", "", "", int64(0), int64(0), false, false, ``, `not json`)
	f.Fuzz(func(t *testing.T, n1, n2, mp1, mp2, u1, u2 string, t1, t2 int64, e1, e2 bool, s1, s2 string) {
		build := func(name, mp, u string, timeout int64, enabled bool, settings string) platform.Record {
			r := platform.Record{Name: name, ModelProvider: mp, BaseURL: u, Enabled: &enabled, ConnectionID: u}
			if timeout != 0 {
				r.RequestTimeoutSecs = &timeout
			}
			var obj map[string]any
			if json.Unmarshal([]byte(settings), &obj) == nil {
				r.Settings = obj
			}
			return r
		}
		a, b := build(n1, mp1, u1, t1, e1, s1), build(n2, mp2, u2, t2, e2, s2)
		if p := platform.Diff(a, a); !p.Empty() {
			t.Fatalf("a record differs from itself: %v", p.Fields)
		}
		p := platform.Diff(a, b, platform.FieldAPIKey)
		seen := map[platform.Field]bool{}
		for _, f := range p.Fields {
			if seen[f] || !slices.Contains(platform.AllFields, f) {
				t.Fatalf("patch fields %v repeat or name an unknown field", p.Fields)
			}
			seen[f] = true
		}
		if !p.Has(platform.FieldAPIKey) || p.Has(platform.FieldSecret) {
			t.Fatalf("secrets must follow the rotated list exactly: %v", p.Fields)
		}
		if p.Has(platform.FieldName) != (n1 != n2) || p.Values.Name != b.Name {
			t.Fatalf("name change %q -> %q misreported: %v", n1, n2, p.Fields)
		}
	})
}
