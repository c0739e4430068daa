package platform

import "testing"

// benchRecords returns a prior and a planned record that differ in a scalar, a pointer, a nested
// object and a rotated secret, so the benchmark walks every kind of comparison Diff makes.
func benchRecords() (Record, Record) {
	enabled, disabled := true, false
	timeout, longer := int64(30), int64(900)
	prior := Record{
		ID: "0b5c8f2e-6f51-4a53-9b7e-3f1d2c4a5b6c", Name: "bench-primary", ModelProvider: "openai",
		BaseURL: "https://api.openai.com/v1", Enabled: &enabled, WorkspaceID: "ws-bench-1",
		AuthType: "api_key", Settings: map[string]any{"temperature_default": 0.2, "models": []any{"gpt-4o", "o3"}},
		ExtraKwargs:        map[string]any{"timeout": float64(60), "headers": map[string]any{"x-team": "platform"}},
		RequestTimeoutSecs: &timeout, Credentials: map[string]string{"organization": "org-1"},
	}
	planned := prior
	planned.Name = "bench-renamed"
	planned.Enabled = &disabled
	planned.RequestTimeoutSecs = &longer
	planned.Settings = map[string]any{"temperature_default": 0.3, "models": []any{"gpt-4o", "o3"}}
	return prior, planned
}

func BenchmarkDiff(b *testing.B) {
	prior, planned := benchRecords()
	want := []Field{FieldName, FieldEnabled, FieldSettings, FieldRequestTimeoutSecs, FieldAPIKey}
	b.ReportAllocs()
	var p Patch
	for b.Loop() {
		p = Diff(prior, planned, FieldAPIKey)
	}
	// A benchmark that measured a wrong patch would hide a regression behind a speed-up.
	if len(p.Fields) != len(want) {
		b.Fatalf("Diff fields = %v, want %v", p.Fields, want)
	}
	for _, f := range want {
		if !p.Has(f) {
			b.Fatalf("Diff fields = %v, missing %s", p.Fields, f)
		}
	}
}

func BenchmarkDiffUnchanged(b *testing.B) {
	prior, _ := benchRecords()
	// A deep copy, so the nested objects are compared by value rather than by identity.
	planned := prior
	planned.Settings = map[string]any{"temperature_default": 0.2, "models": []any{"gpt-4o", "o3"}}
	planned.ExtraKwargs = map[string]any{"timeout": float64(60), "headers": map[string]any{"x-team": "platform"}}
	b.ReportAllocs()
	var p Patch
	for b.Loop() {
		p = Diff(prior, planned)
	}
	if !p.Empty() {
		b.Fatalf("Diff of equal records = %v, want no fields", p.Fields)
	}
}
