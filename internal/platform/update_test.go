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

// allFieldsClient is a platform that has every canonical field, each clearable and under its own
// name on the wire, so these tests see PlanUpdate's choice of fields without any platform's rule.
// The platform packages' own tests assert their exact wire bodies.
type allFieldsClient struct {
	platform.Client // only Spec and UpdateBody are used
	spec            platform.Spec
}

func newAllFieldsClient() allFieldsClient {
	fields := map[platform.Field]platform.FieldSpec{}
	for _, f := range platform.AllFields {
		fields[f] = platform.FieldSpec{Wire: string(f), Clearable: true}
	}
	return allFieldsClient{spec: platform.Spec{Name: "every", Fields: fields}}
}

func (c allFieldsClient) Spec() platform.Spec { return c.spec }

func (c allFieldsClient) UpdateBody(_, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	body, err := c.spec.UpdateBody(planned, fields, func(platform.Field, platform.Record, map[string]any) (bool, error) { return false, nil })
	return body, fields, err
}

// planUpdate is PlanUpdate on the every-field platform; it fails the test on an error.
func planUpdate(t testing.TB, prior, planned platform.Record, rotated ...platform.Field) platform.Patch {
	t.Helper()
	p, err := platform.PlanUpdate(newAllFieldsClient(), prior, planned, rotated)
	if err != nil {
		t.Fatalf("PlanUpdate: %v", err)
	}
	return p
}

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

func TestPlanUpdateDetectsEachNonSecretFieldAlone(t *testing.T) {
	cases := []struct {
		field  platform.Field
		change func(r *platform.Record)
		wire   any
	}{
		{platform.FieldProviderID, func(r *platform.Record) { r.ProviderID = "other-id" }, "other-id"},
		{platform.FieldName, func(r *platform.Record) { r.Name = "renamed" }, "renamed"},
		{platform.FieldName, func(r *platform.Record) { r.Name = "" }, nil},
		{platform.FieldModelProvider, func(r *platform.Record) { r.ModelProvider = "anthropic" }, "anthropic"},
		{platform.FieldBaseURL, func(r *platform.Record) { r.BaseURL = "https://proxy.example.com" }, "https://proxy.example.com"},
		{platform.FieldEnabled, func(r *platform.Record) { r.Enabled = boolPtr(false) }, false},
		{platform.FieldWorkspaceID, func(r *platform.Record) { r.WorkspaceID = "ws-2" }, "ws-2"},
		{platform.FieldAuthType, func(r *platform.Record) { r.AuthType = "bearer" }, "bearer"},
		{platform.FieldConnectionID, func(r *platform.Record) { r.ConnectionID = "" }, nil},
		{platform.FieldCatalogID, func(r *platform.Record) { r.CatalogID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f" }, "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"},
		{platform.FieldSettings, func(r *platform.Record) { r.Settings = map[string]any{"temperature": 0.7} }, map[string]any{"temperature": 0.7}},
		{platform.FieldSettings, func(r *platform.Record) { r.Settings = map[string]any{"temperature": 0.2, "top_p": 0.9} }, map[string]any{"temperature": 0.2, "top_p": 0.9}},
		{platform.FieldExtraKwargs, func(r *platform.Record) { r.ExtraKwargs = map[string]any{"timeout": float64(120)} }, map[string]any{"timeout": float64(120)}},
		{platform.FieldRequestTimeoutSecs, func(r *platform.Record) { r.RequestTimeoutSecs = int64Ptr(31) }, int64(31)},
		{platform.FieldStreamIdleTimeoutSecs, func(r *platform.Record) { r.StreamIdleTimeoutSecs = nil }, nil},
		{platform.FieldEnforceHealthCheck, func(r *platform.Record) { r.EnforceHealthCheck = boolPtr(false) }, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.field), func(t *testing.T) {
			prior, planned := baseRecord(), baseRecord()
			tc.change(&planned)
			p := planUpdate(t, prior, planned)
			if want := []platform.Field{tc.field}; !slices.Equal(p.Fields, want) {
				t.Fatalf("fields = %v, want %v", p.Fields, want)
			}
			if want := map[string]any{string(tc.field): tc.wire}; !reflect.DeepEqual(p.Body, want) {
				t.Fatalf("body = %#v, want %#v", p.Body, want)
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

// A field the platform picks a default for, left unset by the plan, is the platform's to keep:
// sending a clear would undo the platform's choice on every apply.
func TestPlanUpdateLeavesUnsetPlatformDefaultsAlone(t *testing.T) {
	planned := baseRecord()
	planned.BaseURL, planned.Enabled, planned.AuthType, planned.EnforceHealthCheck = "", nil, "", nil
	if p := planUpdate(t, baseRecord(), planned); !p.Empty() || p.Body != nil {
		t.Fatalf("unset platform defaults produced fields %v, body %v", p.Fields, p.Body)
	}
}

func TestPlanUpdateIgnoresOutputFields(t *testing.T) {
	prior, planned := baseRecord(), baseRecord()
	planned.ID = "another-id"
	planned.OrgID = "org-b"
	planned.CatalogSlug = "other-slug"
	planned.CreatedAt = "2025-01-01T00:00:00.000Z"
	planned.UpdatedAt = "2025-01-02T00:00:00.000Z"
	planned.Managed = boolPtr(true)
	if p := planUpdate(t, prior, planned); !p.Empty() {
		t.Fatalf("output fields produced a patch: %v", p.Fields)
	}
}

func TestPlanUpdateIdenticalRecordsIsEmpty(t *testing.T) {
	p := planUpdate(t, baseRecord(), baseRecord())
	if !p.Empty() || p.Body != nil {
		t.Fatalf("identical records produced fields %v, body %v", p.Fields, p.Body)
	}
	for _, f := range platform.AllFields {
		if p.Has(f) {
			t.Fatalf("Has(%s) is true on an empty patch", f)
		}
	}
}

func TestPlanUpdateNilAndEmptyObjectsAreEqual(t *testing.T) {
	for _, tc := range []struct {
		name        string
		prior, plan map[string]any
		wantChange  bool
	}{
		{"nil to empty", nil, map[string]any{}, false},
		{"empty to nil", map[string]any{}, nil, false},
		{"nil to one key", nil, map[string]any{"a": "b"}, true},
		{"one key to nil", map[string]any{"a": "b"}, nil, true},
		{"key order and number form", map[string]any{"a": 1.0, "b": "x"}, map[string]any{"b": "x", "a": json.Number("1")}, false},
		{"nested equal", map[string]any{"a": map[string]any{"b": []any{"c"}}}, map[string]any{"a": map[string]any{"b": []any{"c"}}}, false},
		{"nested differs", map[string]any{"a": map[string]any{"b": []any{"c"}}}, map[string]any{"a": map[string]any{"b": []any{"d"}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prior, planned := baseRecord(), baseRecord()
			prior.Settings, planned.Settings = tc.prior, tc.plan
			prior.ExtraKwargs, planned.ExtraKwargs = tc.prior, tc.plan
			p := planUpdate(t, prior, planned)
			if p.Has(platform.FieldSettings) != tc.wantChange || p.Has(platform.FieldExtraKwargs) != tc.wantChange {
				t.Fatalf("settings/extra_kwargs changed = %v/%v, want %v", p.Has(platform.FieldSettings), p.Has(platform.FieldExtraKwargs), tc.wantChange)
			}
		})
	}
}

func TestPlanUpdateSecretsOnlyWhenRotated(t *testing.T) {
	prior := baseRecord()
	planned := baseRecord()
	planned.APIKey = "sk-new-key"
	planned.Secret = "new-secret"
	planned.Credentials = map[string]string{"organization": "org-2"}

	if p := planUpdate(t, prior, planned); !p.Empty() {
		t.Fatalf("changed secrets without rotation produced %v; secrets are never compared by value", p.Fields)
	}
	for _, f := range platform.SecretFields {
		t.Run(string(f), func(t *testing.T) {
			// Unchanged values still go out when the caller says the secret rotated (a _wo_version bump).
			p := planUpdate(t, baseRecord(), baseRecord(), f)
			if want := []platform.Field{f}; !slices.Equal(p.Fields, want) {
				t.Fatalf("rotated %s gave fields %v, want %v", f, p.Fields, want)
			}
			if want := map[string]any{string(f): baseRecord().Value(f)}; !reflect.DeepEqual(p.Body, want) {
				t.Fatalf("rotated %s gave body %#v, want %#v", f, p.Body, want)
			}
		})
	}
	p := planUpdate(t, prior, planned, platform.SecretFields...)
	want := map[string]any{"api_key": "sk-new-key", "secret": "new-secret", "credentials": map[string]string{"organization": "org-2"}}
	if !reflect.DeepEqual(p.Body, want) {
		t.Fatalf("all rotated: body %#v, want %#v", p.Body, want)
	}
}

// A secret removed from the configuration is a clear where the platform can clear it, and is
// left alone where it cannot: the platform keeps the last value it was sent.
func TestPlanUpdateRemovedSecret(t *testing.T) {
	planned := baseRecord()
	planned.APIKey = ""
	p := planUpdate(t, baseRecord(), planned, platform.FieldAPIKey)
	if want := map[string]any{"api_key": nil}; !reflect.DeepEqual(p.Body, want) {
		t.Fatalf("clearable: body %#v, want %#v", p.Body, want)
	}

	c := newAllFieldsClient()
	fs := c.spec.Fields[platform.FieldAPIKey]
	fs.Clearable = false
	c.spec.Fields[platform.FieldAPIKey] = fs
	p, err := platform.PlanUpdate(c, baseRecord(), planned, []platform.Field{platform.FieldAPIKey})
	if err != nil || !p.Empty() {
		t.Fatalf("not clearable: fields %v, err %v; want nothing sent", p.Fields, err)
	}
}

func TestPlanUpdateRotatedNonSecretFieldIsIgnored(t *testing.T) {
	// rotated speaks only for secrets; a non-secret field is always compared by value.
	if p := planUpdate(t, baseRecord(), baseRecord(), platform.FieldName, platform.FieldSettings); !p.Empty() {
		t.Fatalf("rotated non-secret fields produced %v", p.Fields)
	}
	planned := baseRecord()
	planned.Name = "renamed"
	if p := planUpdate(t, baseRecord(), planned, platform.FieldName); !slices.Equal(p.Fields, []platform.Field{platform.FieldName}) {
		t.Fatalf("name listed twice or missing: %v", p.Fields)
	}
}

func TestPlanUpdateSettingNullableFieldsIsAChange(t *testing.T) {
	unset := baseRecord()
	unset.ConnectionID = ""
	unset.RequestTimeoutSecs = nil
	unset.StreamIdleTimeoutSecs = nil
	p := planUpdate(t, unset, baseRecord())
	want := map[string]any{"connection_id": baseRecord().ConnectionID, "request_timeout_secs": int64(30), "stream_idle_timeout_secs": int64(60)}
	if !reflect.DeepEqual(p.Body, want) {
		t.Fatalf("body %#v, want %#v", p.Body, want)
	}
}

func TestPlanUpdateComparesPointedValues(t *testing.T) {
	prior, planned := baseRecord(), baseRecord()
	// Distinct pointers to equal values are no change.
	planned.Enabled = boolPtr(true)
	planned.RequestTimeoutSecs = int64Ptr(30)
	if p := planUpdate(t, prior, planned); !p.Empty() {
		t.Fatalf("equal values behind distinct pointers produced %v", p.Fields)
	}
}

// A field the platform does not have is never planned, even when it differs, so a platform's
// UpdateBody never sees one.
func TestPlanUpdateSkipsUnsupportedFields(t *testing.T) {
	c := newAllFieldsClient()
	delete(c.spec.Fields, platform.FieldName)
	planned := baseRecord()
	planned.Name = "renamed"
	p, err := platform.PlanUpdate(c, baseRecord(), planned, nil)
	if err != nil || !p.Empty() {
		t.Fatalf("unsupported name: fields %v, err %v", p.Fields, err)
	}
}

// A replace-only field reaching the planner is a bug upstream (the plan should replace the
// record): the planner refuses it rather than send a change the platform ignores.
func TestPlanUpdateRefusesReplaceOnlyField(t *testing.T) {
	c := newAllFieldsClient()
	fs := c.spec.Fields[platform.FieldModelProvider]
	fs.Replace = true
	c.spec.Fields[platform.FieldModelProvider] = fs
	planned := baseRecord()
	planned.ModelProvider = "anthropic"
	if _, err := platform.PlanUpdate(c, baseRecord(), planned, nil); err == nil {
		t.Fatal("a change of a replace-only field was planned as an update")
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

// FuzzPlanUpdate builds two records from arbitrary input: a record never differs from itself, and
// a patch names only known fields, each at most once, with its values taken from the planned record.
func FuzzPlanUpdate(f *testing.F) {
	f.Add("a", "b", "openai", "anthropic", "https://x", "", int64(5), int64(0), true, false, `{"k":1}`, `{}`)
	f.Add("", "", "", "", "", "", int64(0), int64(0), false, false, ``, `not json`)
	f.Fuzz(func(t *testing.T, n1, n2, mp1, mp2, u1, u2 string, t1, t2 int64, e1, e2 bool, s1, s2 string) {
		build := func(name, mp, u string, timeout int64, enabled bool, settings string) platform.Record {
			r := platform.Record{Name: name, ModelProvider: mp, BaseURL: u, Enabled: &enabled, ConnectionID: u, APIKey: "k"}
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
		if p := planUpdate(t, a, a); !p.Empty() {
			t.Fatalf("a record differs from itself: %v", p.Fields)
		}
		p := planUpdate(t, a, b, platform.FieldAPIKey)
		seen := map[platform.Field]bool{}
		for _, f := range p.Fields {
			if seen[f] || !slices.Contains(platform.AllFields, f) {
				t.Fatalf("patch fields %v repeat or name an unknown field", p.Fields)
			}
			seen[f] = true
			if !platform.SameJSON(p.Body[string(f)], b.Value(f)) {
				t.Fatalf("body[%s] = %#v, want the planned %#v", f, p.Body[string(f)], b.Value(f))
			}
		}
		if len(p.Body) != len(p.Fields) {
			t.Fatalf("body %v holds other keys than fields %v", p.Body, p.Fields)
		}
		if !p.Has(platform.FieldAPIKey) || p.Has(platform.FieldSecret) {
			t.Fatalf("secrets must follow the rotated list exactly: %v", p.Fields)
		}
		if p.Has(platform.FieldName) != (n1 != n2) || p.Values.Name != b.Name {
			t.Fatalf("name change %q -> %q misreported: %v", n1, n2, p.Fields)
		}
	})
}

// BenchmarkPlanUpdate plans a change of a scalar, a pointer, a nested object and a rotated secret,
// so it walks every kind of comparison the planner makes.
func BenchmarkPlanUpdate(b *testing.B) {
	prior := baseRecord()
	planned := baseRecord()
	planned.Name = "bench-renamed"
	planned.Enabled = boolPtr(false)
	planned.RequestTimeoutSecs = int64Ptr(900)
	planned.Settings = map[string]any{"temperature": 0.3}
	c := newAllFieldsClient()
	b.ReportAllocs()
	var p platform.Patch
	for b.Loop() {
		p, _ = platform.PlanUpdate(c, prior, planned, []platform.Field{platform.FieldAPIKey})
	}
	// A benchmark that measured a wrong patch would hide a regression behind a speed-up.
	if want := 5; len(p.Fields) != want {
		b.Fatalf("fields = %v, want %d of them", p.Fields, want)
	}
}
