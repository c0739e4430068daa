package platform_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
)

// answered is a record as a decoder that tracks presence returns it: fs are the fields it carried.
func answered(r platform.Record, fs ...platform.Field) platform.Record {
	r.Returned = map[platform.Field]bool{}
	for _, f := range fs {
		r.Returned[f] = true
	}
	return r
}

func TestCheckEcho(t *testing.T) {
	const (
		rt   = platform.FieldRequestTimeoutSecs
		ehc  = platform.FieldEnforceHealthCheck
		set  = platform.FieldSettings
		conn = platform.FieldConnectionID
		key  = platform.FieldAPIKey
		cred = platform.FieldCredentials
		mp   = platform.FieldModelProvider
	)
	// One wire value stands for two canonical ones, as on flashback.
	shared := barndoor.Spec
	shared.ModelProviderWire = map[string]string{"google_ai": "GOOGLE", "vertex": "GOOGLE", "openai": "OPENAI"}
	cases := []struct {
		name   string
		spec   platform.Spec
		sent   platform.Record
		fields []platform.Field
		got    platform.Record
		// want is one "field missing|contradicts" per expected SkewError, in order.
		want []string
	}{
		{
			name: "everything echoed", sent: platform.Record{RequestTimeoutSecs: int64Ptr(30), EnforceHealthCheck: boolPtr(false)},
			fields: []platform.Field{rt, ehc},
			got:    answered(platform.Record{RequestTimeoutSecs: int64Ptr(30), EnforceHealthCheck: boolPtr(false)}, rt, ehc),
		},
		{
			name: "a sent field the answer lacks", sent: platform.Record{RequestTimeoutSecs: int64Ptr(30)},
			fields: []platform.Field{rt}, got: answered(platform.Record{Name: "n"}, platform.FieldName), want: []string{"request_timeout_secs missing"},
		},
		{
			name: "a sent field the answer contradicts", sent: platform.Record{EnforceHealthCheck: boolPtr(false)},
			fields: []platform.Field{ehc}, got: answered(platform.Record{EnforceHealthCheck: boolPtr(true)}, ehc),
			want: []string{"enforce_health_check contradicts"},
		},
		{
			name: "a sent field the answer nulls", sent: platform.Record{RequestTimeoutSecs: int64Ptr(30)},
			fields: []platform.Field{rt}, got: answered(platform.Record{}, rt), want: []string{"request_timeout_secs contradicts"},
		},
		{
			name: "settings are a subset: keys the platform adds are fine", sent: platform.Record{Settings: map[string]any{"n": 2.0, "o": map[string]any{"a": "b"}}},
			fields: []platform.Field{set},
			got:    answered(platform.Record{Settings: map[string]any{"n": 2.0, "o": map[string]any{"a": "b"}, "model_api_family": "openai_chat"}}, set),
		},
		{
			name: "settings with a key lost", sent: platform.Record{Settings: map[string]any{"n": 2.0, "region": "us"}},
			fields: []platform.Field{set}, got: answered(platform.Record{Settings: map[string]any{"n": 2.0}}, set),
			want: []string{"settings contradicts"},
		},
		{
			name: "cleared settings may come back with the platform's keys", sent: platform.Record{},
			fields: []platform.Field{set}, got: answered(platform.Record{Settings: map[string]any{"model_api_family": "x"}}, set),
		},
		{
			name: "a clear that comes back null", sent: platform.Record{}, fields: []platform.Field{conn, rt},
			got: answered(platform.Record{}, conn, rt),
		},
		{
			name: "a clear the answer leaves out", sent: platform.Record{}, fields: []platform.Field{conn}, got: answered(platform.Record{}),
		},
		{
			name: "a clear the platform ignored", sent: platform.Record{}, fields: []platform.Field{conn},
			got: answered(platform.Record{ConnectionID: "3c90c3cc-0d44-4b50-8888-8dd25736052a"}, conn), want: []string{"connection_id contradicts"},
		},
		{
			name: "secrets are never checked", sent: platform.Record{APIKey: "k", Credentials: map[string]string{"a": "b"}},
			fields: []platform.Field{key, cred}, got: answered(platform.Record{}),
		},
		{
			name: "only the fields sent are checked", sent: platform.Record{RequestTimeoutSecs: int64Ptr(30), EnforceHealthCheck: boolPtr(false)},
			fields: []platform.Field{ehc}, got: answered(platform.Record{EnforceHealthCheck: boolPtr(false)}, ehc),
		},
		{
			name: "no presence tracking, nothing to check", sent: platform.Record{RequestTimeoutSecs: int64Ptr(30)},
			fields: []platform.Field{rt}, got: platform.Record{},
		},
		{
			name: "model_provider by its wire value", spec: shared, sent: platform.Record{ModelProvider: "vertex"},
			fields: []platform.Field{mp}, got: answered(platform.Record{ModelProvider: "google_ai"}, mp),
		},
		{
			name: "model_provider changed", spec: shared, sent: platform.Record{ModelProvider: "vertex"},
			fields: []platform.Field{mp}, got: answered(platform.Record{ModelProvider: "openai"}, mp), want: []string{"model_provider contradicts"},
		},
		{
			name: "every skewed field is reported", sent: platform.Record{RequestTimeoutSecs: int64Ptr(30), StreamIdleTimeoutSecs: int64Ptr(10)},
			fields: []platform.Field{rt, platform.FieldStreamIdleTimeoutSecs}, got: answered(platform.Record{Name: "n"}, platform.FieldName),
			want: []string{"request_timeout_secs missing", "stream_idle_timeout_secs missing"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			if spec.Name == "" {
				spec = barndoor.Spec
			}
			err := platform.CheckEcho(spec, tc.sent, tc.fields, tc.got)
			var got []string
			for _, s := range platform.SkewErrors(err) {
				kind := "contradicts"
				if s.Missing {
					kind = "missing"
				}
				got = append(got, fmt.Sprintf("%s %s", s.Field, kind))
				if s.Platform != barndoor.Name {
					t.Errorf("Platform = %q", s.Platform)
				}
			}
			if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Fatalf("skews = %v, want %v (error %v)", got, tc.want, err)
			}
			if (err == nil) != (len(tc.want) == 0) {
				t.Fatalf("error = %v, want %d skews", err, len(tc.want))
			}
		})
	}
}

func TestSkewErrorText(t *testing.T) {
	missing := &platform.SkewError{Platform: "barndoor", Field: platform.FieldRequestTimeoutSecs, Wire: "request_timeout_secs", Sent: int64(30), Missing: true}
	want := "The barndoor platform did not store request_timeout_secs: it was sent 30 and the answer has no request_timeout_secs. " +
		"The platform may be running a version that does not support request_timeout_secs; upgrade the platform or remove the attribute from the configuration."
	if got := missing.Error(); got != want {
		t.Errorf("missing:\n got %s\nwant %s", got, want)
	}
	contra := &platform.SkewError{Platform: "flashback", Field: platform.FieldBaseURL, Wire: "endpoint", Sent: "https://a", Got: "https://b"}
	if got := contra.Error(); !strings.Contains(got, `did not store base_url (wire field endpoint): it was sent "https://a" and the answer has "https://b".`) {
		t.Errorf("contradiction: %s", got)
	}
	cleared := &platform.SkewError{Platform: "barndoor", Field: platform.FieldConnectionID, Wire: "connection_id", Got: "x"}
	if got := cleared.Error(); !strings.Contains(got, `it was sent null and the answer has "x"`) {
		t.Errorf("clear: %s", got)
	}
	// Wrapped and joined skews are all found.
	joined := fmt.Errorf("create: %w", errors.Join(missing, errors.New("other"), contra))
	if got := platform.SkewErrors(joined); len(got) != 2 || got[0] != missing || got[1] != contra {
		t.Errorf("SkewErrors = %v", got)
	}
	if got := platform.SkewErrors(errors.New("plain")); got != nil {
		t.Errorf("SkewErrors(plain) = %v", got)
	}
}
