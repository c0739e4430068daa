package platforms_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

// designModelProviders is the canonical vocabulary as DESIGN.md lists it.
var designModelProviders = []string{
	"openai", "anthropic", "azure_openai", "google_ai", "vertex", "bedrock", "xai", "groq", "together",
	"mistral", "cohere", "fireworks", "perplexity", "openrouter", "deepseek", "custom",
}

func TestCanonicalModelProvidersMatchDesign(t *testing.T) {
	if !slices.Equal(platform.CanonicalModelProviders, designModelProviders) {
		t.Fatalf("CanonicalModelProviders = %v, want %v", platform.CanonicalModelProviders, designModelProviders)
	}
}

func TestModelProviderRefactor(t *testing.T) {
	want := map[string]string{
		"openai": "openai", "anthropic": "anthropic", "google_ai": "google", "vertex": "google-vertex",
		"azure_openai": "azure", "bedrock": "amazon-bedrock", "xai": "xai",
	}
	for _, canonical := range designModelProviders {
		wire, err := refactor.Spec.ModelProviderToWire(canonical)
		expected, ok := want[canonical]
		if !ok {
			if err == nil {
				t.Errorf("refactor accepted %q as %q; DESIGN.md makes it a plan-time error", canonical, wire)
				continue
			}
			if !strings.Contains(err.Error(), canonical) || !strings.Contains(err.Error(), "refactor") ||
				!strings.Contains(err.Error(), "google_ai") {
				t.Errorf("refusal of %q does not name the value, the platform and what is allowed: %v", canonical, err)
			}
			continue
		}
		if err != nil || wire != expected {
			t.Errorf("ToWire(refactor, %q) = %q, %v; want %q", canonical, wire, err, expected)
		}
		if back := refactor.Spec.ModelProviderFromWire(expected); back != canonical {
			t.Errorf("FromWire(refactor, %q) = %q, want %q", expected, back, canonical)
		}
	}
	if _, err := refactor.Spec.ModelProviderToWire("groq"); err == nil {
		t.Fatal("refactor accepted groq")
	}
}

func TestModelProviderFlashback(t *testing.T) {
	special := map[string]string{
		"openai": "OPENAI", "anthropic": "ANTHROPIC", "google_ai": "GOOGLE", "vertex": "GOOGLE", "bedrock": "AWS",
	}
	for _, canonical := range designModelProviders {
		want, ok := special[canonical]
		if !ok {
			want = "OTHER"
		}
		wire, err := flashback.Spec.ModelProviderToWire(canonical)
		if err != nil || wire != want {
			t.Errorf("ToWire(flashback, %q) = %q, %v; want %q", canonical, wire, err, want)
		}
	}
	// Reading back picks the first canonical value that maps to the wire value.
	for wire, want := range map[string]string{
		"OPENAI": "openai", "ANTHROPIC": "anthropic", "GOOGLE": "google_ai", "AWS": "bedrock", "OTHER": "azure_openai",
	} {
		if got := flashback.Spec.ModelProviderFromWire(wire); got != want {
			t.Errorf("FromWire(flashback, %q) = %q, want %q", wire, got, want)
		}
	}
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"google_ai", "vertex", true},
		{"vertex", "google_ai", true},
		{"groq", "mistral", true},
		{"custom", "azure_openai", true},
		{"openai", "anthropic", false},
		{"openai", "groq", false},
		{"bedrock", "google_ai", false},
		{"google_ai", "not-a-provider", false},
	} {
		if got := flashback.Spec.SameModelProvider(tc.a, tc.b); got != tc.same {
			t.Errorf("SameModelProvider(flashback, %q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestModelProviderBarndoorIsIdentity(t *testing.T) {
	for _, canonical := range designModelProviders {
		wire, err := barndoor.Spec.ModelProviderToWire(canonical)
		if err != nil || wire != canonical {
			t.Errorf("ToWire(barndoor, %q) = %q, %v", canonical, wire, err)
		}
		if back := barndoor.Spec.ModelProviderFromWire(canonical); back != canonical {
			t.Errorf("FromWire(barndoor, %q) = %q", canonical, back)
		}
	}
	if barndoor.Spec.SameModelProvider("google_ai", "vertex") {
		t.Error("barndoor treats google_ai and vertex as the same")
	}
	if _, err := barndoor.Spec.ModelProviderToWire("OPENAI"); err == nil {
		t.Error("barndoor accepted the non-canonical OPENAI")
	}
}

func TestModelProviderKeywordsAIHasNone(t *testing.T) {
	for _, canonical := range designModelProviders {
		if wire, err := keywordsai.Spec.ModelProviderToWire(canonical); err == nil {
			t.Errorf("keywordsai accepted model_provider %q as %q", canonical, wire)
		}
	}
	if keywordsai.Spec.Supports(platform.FieldModelProvider) {
		t.Error("keywordsai spec lists model_provider")
	}
	if keywordsai.Spec.AcceptsModelProvider("openai") {
		t.Error("keywordsai AcceptsModelProvider(openai) = true")
	}
}

func TestModelProviderFromWireKeepsUnknownValues(t *testing.T) {
	// An unexpected wire value must show as drift, not vanish.
	for _, spec := range platforms.Specs() {
		if got := spec.ModelProviderFromWire("SOMETHING_NEW"); got != "SOMETHING_NEW" {
			t.Errorf("FromWire(%s, SOMETHING_NEW) = %q", spec.Name, got)
		}
	}
}

func TestSameModelProviderEqualValues(t *testing.T) {
	for _, spec := range platforms.Specs() {
		if !spec.SameModelProvider("whatever", "whatever") {
			t.Errorf("SameModelProvider(%s, x, x) = false", spec.Name)
		}
	}
	if refactor.Spec.SameModelProvider("google_ai", "vertex") {
		t.Error("refactor maps google_ai and vertex to different wire values")
	}
}

func TestSpecsAcceptExactlyTheMappedModelProviders(t *testing.T) {
	for _, spec := range platforms.Specs() {
		name := spec.Name
		for _, canonical := range designModelProviders {
			_, err := spec.ModelProviderToWire(canonical)
			if accepts := spec.AcceptsModelProvider(canonical); accepts != (err == nil) {
				t.Errorf("%s: AcceptsModelProvider(%q) = %v but ToWire error = %v", name, canonical, accepts, err)
			}
		}
	}
}

func TestSpecsMatchDesign(t *testing.T) {
	type want struct {
		supported, required, replace []platform.Field
		endpoint                     string
		unique                       platform.Field
	}
	const (
		pid  = platform.FieldProviderID
		name = platform.FieldName
		mp   = platform.FieldModelProvider
		url  = platform.FieldBaseURL
		en   = platform.FieldEnabled
		key  = platform.FieldAPIKey
		sec  = platform.FieldSecret
		cred = platform.FieldCredentials
		ws   = platform.FieldWorkspaceID
		auth = platform.FieldAuthType
		conn = platform.FieldConnectionID
		cat  = platform.FieldCatalogID
		set  = platform.FieldSettings
		kw   = platform.FieldExtraKwargs
		rt   = platform.FieldRequestTimeoutSecs
		st   = platform.FieldStreamIdleTimeoutSecs
		ehc  = platform.FieldEnforceHealthCheck
	)
	wants := map[platform.Name]want{
		refactor.Name: {
			supported: []platform.Field{mp, en, key, cred}, required: []platform.Field{mp}, replace: []platform.Field{mp},
			endpoint: "https://api.psci.ai/api", unique: mp,
		},
		flashback.Name: {
			supported: []platform.Field{name, mp, url, key, sec, platform.FieldAPIKeyID, ws}, required: []platform.Field{name, mp, url, sec, ws},
			replace: []platform.Field{ws}, endpoint: "https://backend.flashback.tech", unique: name,
		},
		barndoor.Name: {
			supported: []platform.Field{name, mp, url, en, key, cred, auth, conn, cat, set, rt, st, ehc, platform.FieldModelSyncMode,
				platform.FieldBillingMode, platform.FieldBillingReason, platform.FieldBillingNote, platform.FieldModels},
			required: []platform.Field{name, mp}, replace: []platform.Field{mp, cat}, endpoint: "", unique: name,
		},
		keywordsai.Name: {
			supported: []platform.Field{pid, name, url, key, kw}, required: []platform.Field{pid, name},
			replace: []platform.Field{pid}, endpoint: "https://api.keywordsai.co", unique: pid,
		},
	}
	if len(platforms.Specs()) != len(wants) {
		t.Fatalf("Specs has %d platforms, want %d", len(platforms.Specs()), len(wants))
	}
	for n, w := range wants {
		spec, err := platforms.Lookup(string(n))
		if err != nil {
			t.Errorf("no spec for %s: %v", n, err)
			continue
		}
		if spec.Name != n {
			t.Errorf("Specs[%s].Name = %s", n, spec.Name)
		}
		if got := spec.SupportedFields(); !slices.Equal(got, w.supported) {
			t.Errorf("%s supports %v, want %v", n, got, w.supported)
		}
		var required, replace []platform.Field
		for _, f := range spec.SupportedFields() {
			if spec.Fields[f].Required {
				required = append(required, f)
			}
			if spec.Fields[f].Replace {
				replace = append(replace, f)
			}
			if spec.Fields[f].Wire == "" {
				t.Errorf("%s %s has no wire name", n, f)
			}
		}
		if !slices.Equal(required, w.required) {
			t.Errorf("%s requires %v, want %v", n, required, w.required)
		}
		if !slices.Equal(replace, w.replace) {
			t.Errorf("%s replaces on %v, want %v", n, replace, w.replace)
		}
		if spec.DefaultEndpoint != w.endpoint {
			t.Errorf("%s default endpoint %q, want %q", n, spec.DefaultEndpoint, w.endpoint)
		}
		if spec.UniqueKey != w.unique {
			t.Errorf("%s unique key %s, want %s", n, spec.UniqueKey, w.unique)
		}
	}
}

func TestEverySpecUniqueKeyIsSupported(t *testing.T) {
	for _, spec := range platforms.Specs() {
		name := spec.Name
		if spec.UniqueKey == "" || !spec.Supports(spec.UniqueKey) {
			t.Errorf("%s unique key %q is not a supported field (%s)", name, spec.UniqueKey, spec.SupportedList())
		}
	}
}

func TestEverySpecFieldIsKnown(t *testing.T) {
	for _, spec := range platforms.Specs() {
		name := spec.Name
		for f := range spec.Fields {
			if !slices.Contains(platform.AllFields, f) {
				t.Errorf("%s has field %q, which is not in AllFields (SupportedFields would hide it)", name, f)
			}
		}
	}
}

func TestSupportedListIsReadable(t *testing.T) {
	for name, want := range map[platform.Name]string{
		refactor.Name:   "model_provider, enabled, api_key, credentials",
		flashback.Name:  "name, model_provider, base_url, api_key, secret, api_key_id, workspace_id",
		keywordsai.Name: "provider_id, name, base_url, api_key, extra_kwargs",
	} {
		spec, _ := platforms.Lookup(string(name))
		if got := spec.SupportedList(); got != want {
			t.Errorf("%s SupportedList() = %q, want %q", name, got, want)
		}
	}
	if got := (platform.Spec{}).SupportedList(); got != "" {
		t.Errorf("empty spec SupportedList() = %q", got)
	}
}

func TestLookup(t *testing.T) {
	for _, n := range platforms.NameStrings() {
		spec, err := platforms.Lookup(n)
		if err != nil || string(spec.Name) != n {
			t.Errorf("SpecFor(%q) = %v, %v", n, spec.Name, err)
		}
	}
	_, err := platforms.Lookup("openrouter")
	if err == nil {
		t.Fatal("SpecFor accepted an unknown platform")
	}
	for _, n := range []string{"openrouter", "refactor", "flashback", "barndoor", "keywordsai"} {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("SpecFor error %q does not mention %q", err, n)
		}
	}
	if !slices.Equal(platforms.NameStrings(), []string{"refactor", "flashback", "barndoor", "keywordsai"}) {
		t.Errorf("NameStrings() = %v", platforms.NameStrings())
	}
}

// TestSpecValidatesMatchesTheClient: Spec.Validates, which the docs and the data source read, says
// what the client does: a platform without it refuses Validate before any request (the endpoint here
// answers nothing), and one with it sends the call (and fails to reach the endpoint).
func TestSpecValidatesMatchesTheClient(t *testing.T) {
	for _, spec := range platforms.Specs() {
		c, err := platforms.NewClient(spec.Name, platform.HTTPConfig{Endpoint: "http://127.0.0.1:1", Token: "t", MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Validate(context.Background(), platform.Ref{ID: spec.IDExample})
		refused := err != nil && strings.Contains(err.Error(), "has no validation call")
		if refused == spec.Validates {
			t.Errorf("%s: Spec.Validates = %v, but Validate answered %v", spec.Name, spec.Validates, err)
		}
	}
}
