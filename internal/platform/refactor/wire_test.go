package refactor_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

func int64Ptr(v int64) *int64 { return &v }

func TestCreateBody(t *testing.T) {
	cases := []struct {
		name    string
		record  platform.Record
		want    map[string]any
		wantErr string
	}{
		{
			name:   "model provider mapped to the wire slug, empty credentials, enabled left to the default",
			record: platform.Record{ModelProvider: "vertex"},
			want:   map[string]any{"provider": "google-vertex", "credentials": map[string]string{}},
		},
		{
			name:   "api key joins the other credentials",
			record: platform.Record{ModelProvider: "openai", Enabled: boolPtr(true), APIKey: "sk-a", Credentials: map[string]string{"organization": "org-b"}},
			want:   map[string]any{"provider": "openai", "enabled": true, "credentials": map[string]string{"api_key": "sk-a", "organization": "org-b"}},
		},
		{
			name:   "disabled",
			record: platform.Record{ModelProvider: "azure_openai", Enabled: boolPtr(false), Credentials: map[string]string{"endpoint": "https://x"}},
			want:   map[string]any{"provider": "azure", "enabled": false, "credentials": map[string]string{"endpoint": "https://x"}},
		},
		{
			name:   "api_key inside credentials alone passes through",
			record: platform.Record{ModelProvider: "xai", Credentials: map[string]string{"api_key": "xai-k"}},
			want:   map[string]any{"provider": "xai", "credentials": map[string]string{"api_key": "xai-k"}},
		},
		{name: "api_key set twice", record: platform.Record{ModelProvider: "openai", APIKey: "a", Credentials: map[string]string{"api_key": "b"}}, wantErr: "set it in one place only"},
		{name: "no model provider", record: platform.Record{APIKey: "sk-a"}, wantErr: "model_provider is required"},
		{name: "unsupported model provider", record: platform.Record{ModelProvider: "groq"}, wantErr: `"groq" is not supported by refactor`},
		{name: "wire slug is not canonical", record: platform.Record{ModelProvider: "amazon-bedrock"}, wantErr: "is not supported by refactor"},
		{name: "name is n/a", record: platform.Record{ModelProvider: "openai", Name: "n"}, wantErr: "name is not supported by refactor (supported: model_provider, enabled, api_key, credentials)"},
		{name: "base_url is n/a", record: platform.Record{ModelProvider: "openai", BaseURL: "https://x"}, wantErr: "base_url is not supported"},
		{name: "secret is n/a", record: platform.Record{ModelProvider: "openai", Secret: "s"}, wantErr: "secret is not supported"},
		{name: "settings is n/a", record: platform.Record{ModelProvider: "openai", Settings: map[string]any{"a": 1}}, wantErr: "settings is not supported"},
		{name: "timeouts are n/a", record: platform.Record{ModelProvider: "openai", RequestTimeoutSecs: int64Ptr(5)}, wantErr: "request_timeout_secs is not supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := refactor.CreateBody(tc.record)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CreateBody = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestCreateBodyDoesNotAliasCredentials(t *testing.T) {
	creds := map[string]string{"organization": "org-b"}
	body, err := refactor.CreateBody(platform.Record{ModelProvider: "openai", APIKey: "sk-a", Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	if _, added := creds["api_key"]; added || len(creds) != 1 {
		t.Errorf("CreateBody changed the caller's credentials: %v", creds)
	}
	if got, ok := body["credentials"].(map[string]string); !ok || got["api_key"] != "sk-a" {
		t.Errorf("credentials = %v", got)
	}
}

// updateBody is refactor.UpdateBody of a patch's fields and values.
func updateBody(p platform.Patch) (map[string]any, error) {
	body, _, err := refactor.UpdateBody(platform.Record{}, p.Values, p.Fields)
	return body, err
}

func TestUpdateBody(t *testing.T) {
	values := platform.Record{ModelProvider: "openai", Enabled: boolPtr(false), APIKey: "sk-new", Credentials: map[string]string{"organization": "org-new"}}
	cases := []struct {
		name    string
		patch   platform.Patch
		want    map[string]any
		wantErr string
	}{
		{name: "empty patch", patch: platform.Patch{Values: values}, want: map[string]any{}},
		{name: "enabled", patch: platform.Patch{Fields: []platform.Field{platform.FieldEnabled}, Values: values}, want: map[string]any{"enabled": false}},
		// The plan sets enabled back to the documented default when it leaves the configuration.
		{name: "cleared enabled", patch: platform.Patch{Fields: []platform.Field{platform.FieldEnabled}}, wantErr: "enabled cannot be cleared"},
		{
			name:  "api key sends the full credentials object",
			patch: platform.Patch{Fields: []platform.Field{platform.FieldAPIKey}, Values: values},
			want:  map[string]any{"credentials": map[string]string{"api_key": "sk-new", "organization": "org-new"}},
		},
		{
			name:  "credentials without an api key",
			patch: platform.Patch{Fields: []platform.Field{platform.FieldCredentials}, Values: platform.Record{Credentials: map[string]string{"region": "eu-west-1"}}},
			want:  map[string]any{"credentials": map[string]string{"region": "eu-west-1"}},
		},
		{
			name:  "cleared credentials send an empty object",
			patch: platform.Patch{Fields: []platform.Field{platform.FieldCredentials, platform.FieldAPIKey}},
			want:  map[string]any{"credentials": map[string]string{}},
		},
		{
			name:  "both fields",
			patch: platform.Patch{Fields: []platform.Field{platform.FieldEnabled, platform.FieldCredentials}, Values: values},
			want:  map[string]any{"enabled": false, "credentials": map[string]string{"api_key": "sk-new", "organization": "org-new"}},
		},
		{name: "model provider forces replacement", patch: platform.Patch{Fields: []platform.Field{platform.FieldModelProvider}, Values: values}, wantErr: "model_provider cannot be changed in place"},
		{name: "name is n/a", patch: platform.Patch{Fields: []platform.Field{platform.FieldName}}, wantErr: "name is not supported by refactor"},
		{name: "settings is n/a", patch: platform.Patch{Fields: []platform.Field{platform.FieldEnabled, platform.FieldSettings}, Values: values}, wantErr: "settings is not supported"},
		{
			name:    "api_key set twice",
			patch:   platform.Patch{Fields: []platform.Field{platform.FieldAPIKey}, Values: platform.Record{APIKey: "a", Credentials: map[string]string{"api_key": "b"}}},
			wantErr: "set it in one place only",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := updateBody(tc.patch)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("UpdateBody = %#v, want %#v", got, tc.want)
			}
		})
	}
}

// TestDecodeRecordReturned: Returned names the fields the answer carried, enabled only when present.
func TestDecodeRecordReturned(t *testing.T) {
	for body, want := range map[string][]platform.Field{
		`{"provider":"openai","enabled":false,"credentials":{}}`: {platform.FieldModelProvider, platform.FieldEnabled},
		`{"provider":"google"}`:                                  {platform.FieldModelProvider},
	} {
		got, err := refactor.DecodeRecord([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Returned, platform.AllReturned(want...)) {
			t.Errorf("Returned of %s = %v, want %v", body, got.Returned, want)
		}
	}
}

func TestDecodeRecord(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		want    platform.Record
		wantErr string
	}{
		{
			name: "seed success response",
			body: `{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}`,
			want: platform.Record{ID: "openai", ModelProvider: "openai", Enabled: boolPtr(true)},
		},
		{
			name: "seed example with empty credentials",
			body: `{"provider":"openai","enabled":true,"credentials":{}}`,
			want: platform.Record{ID: "openai", ModelProvider: "openai", Enabled: boolPtr(true)},
		},
		{
			name: "wire slug maps to canonical",
			body: `{"provider":"amazon-bedrock","enabled":false,"credentials":{"region":"us-***","aws_access_key_id":"***"}}`,
			want: platform.Record{ID: "amazon-bedrock", ModelProvider: "bedrock", Enabled: boolPtr(false)},
		},
		{name: "google", body: `{"provider":"google"}`, want: platform.Record{ID: "google", ModelProvider: "google_ai"}},
		{name: "azure", body: `{"provider":"azure","enabled":true}`, want: platform.Record{ID: "azure", ModelProvider: "azure_openai", Enabled: boolPtr(true)}},
		{name: "unknown slug kept as drift", body: `{"provider":"cohere","enabled":true}`, want: platform.Record{ID: "cohere", ModelProvider: "cohere", Enabled: boolPtr(true)}},
		{
			name: "unknown fields and non-string credentials are ignored",
			body: `{"provider":"xai","enabled":true,"credentials":{"api_key":"xai-***","n":3},"created_at":"2025-01-01","extra":{"a":[1]}}`,
			want: platform.Record{ID: "xai", ModelProvider: "xai", Enabled: boolPtr(true)},
		},
		{name: "wrapped in data", body: `{"data":{"provider":"anthropic","enabled":false}}`, want: platform.Record{ID: "anthropic", ModelProvider: "anthropic", Enabled: boolPtr(false)}},
		{name: "malformed", body: `{"provider":"openai"`, wantErr: "unexpected end"},
		{name: "empty", body: ``, wantErr: "unexpected end"},
		{name: "null", body: `null`, wantErr: "has no provider"},
		{name: "array", body: `[]`, wantErr: "cannot unmarshal array"},
		{name: "no provider", body: `{"enabled":true}`, wantErr: "has no provider"},
		{name: "empty provider", body: `{"provider":""}`, wantErr: "has no provider"},
		{name: "provider wrong type", body: `{"provider":1}`, wantErr: "cannot unmarshal number"},
		{name: "enabled wrong type", body: `{"provider":"openai","enabled":"yes"}`, wantErr: "cannot unmarshal string"},
		// The masked credentials are never decoded, whatever their shape.
		{name: "credentials of another shape", body: `{"provider":"openai","credentials":"sk-***"}`, want: platform.Record{ID: "openai", ModelProvider: "openai"}},
		{name: "data not an object", body: `{"data":[1]}`, wantErr: "has no provider"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := refactor.DecodeRecord([]byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Returned = nil // What the answer carried is checked by TestDecodeRecordReturned.
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("DecodeRecord = %+v, want %+v", got, tc.want)
			}
			if got.APIKey != "" || got.Credentials != nil {
				t.Errorf("a secret was read back: %+v", got)
			}
		})
	}
}

func TestDecodeList(t *testing.T) {
	item := `{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}`
	cases := []struct {
		name    string
		body    string
		wantIDs []string
		wantErr string
	}{
		{name: "bare array", body: `[` + item + `,{"provider":"google-vertex","enabled":false}]`, wantIDs: []string{"openai", "google-vertex"}},
		{name: "empty bare array", body: ` [] `, wantIDs: []string{}},
		{name: "data wrapper", body: `{"data":[` + item + `]}`, wantIDs: []string{"openai"}},
		{name: "providers wrapper", body: `{"providers":[` + item + `],"count":1}`, wantIDs: []string{"openai"}},
		{name: "null data falls back to providers", body: `{"data":null,"providers":[` + item + `]}`, wantIDs: []string{"openai"}},
		{name: "wrapper without an array", body: `{"items":[]}`, wantErr: `no "data" or "providers" array`},
		{name: "null", body: `null`, wantErr: "null, not an array"},
		{name: "empty", body: ``, wantErr: "unexpected end"},
		{name: "truncated", body: `[` + item, wantErr: "unexpected end"},
		{name: "object as data", body: `{"data":{"provider":"openai"}}`, wantErr: "cannot unmarshal object"},
		{name: "item without provider", body: `[` + item + `,{"enabled":true}]`, wantErr: "items[1]: the configuration has no provider"},
		{name: "item wrong type", body: `["openai"]`, wantErr: "items[0]"},
		{name: "string", body: `"openai"`, wantErr: "cannot unmarshal string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := refactor.DecodeList([]byte(tc.body))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, 0, len(got))
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			if !reflect.DeepEqual(ids, tc.wantIDs) {
				t.Errorf("ids = %v, want %v", ids, tc.wantIDs)
			}
		})
	}
	got, err := refactor.DecodeList([]byte(`[` + item + `]`))
	if err != nil {
		t.Fatal(err)
	}
	want := platform.Record{ID: "openai", ModelProvider: "openai", Enabled: boolPtr(true), Returned: platform.AllReturned(platform.FieldModelProvider, platform.FieldEnabled)}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("item = %+v, want %+v", got[0], want)
	}
}

func TestDecodeError(t *testing.T) {
	cases := []struct {
		name, body, code, message string
	}{
		{"envelope", `{"error":{"code":"NOT_FOUND","message":"No configuration found for provider: openai"}}`, "NOT_FOUND", "No configuration found for provider: openai"},
		{"envelope without code", `{"error":{"message":"boom"}}`, "", "boom"},
		{"error as a string", `{"error":"Unauthorized"}`, "", "Unauthorized"},
		{"top-level message", `{"code":"RATE_LIMITED","message":"slow down"}`, "RATE_LIMITED", "slow down"},
		{"wrong types", `{"error":{"code":5,"message":7}}`, "", ""},
		{"not JSON", `<html>bad gateway</html>`, "", ""},
		{"empty", ``, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, message := refactor.DecodeError([]byte(tc.body))
			if code != tc.code || message != tc.message {
				t.Errorf("DecodeError = %q, %q; want %q, %q", code, message, tc.code, tc.message)
			}
		})
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, seed := range []string{
		`{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}`,
		`{"provider":"amazon-bedrock","enabled":false,"credentials":{}}`,
		`{"data":{"provider":"xai"}}`,
		`{"data":{"data":{"data":{}}}}`,
		`{"provider":"openai","enabled":tr`,
		`{"provider":["openai"]}`,
		`{"provider":"openai","credentials":[1,2]}`,
		`{"provider":"openai","credentials":{"k":{"nested":true}}}`,
		`null`, `[]`, `""`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec, err := refactor.DecodeRecord(body)
		if err != nil {
			return
		}
		if rec.ID == "" {
			t.Errorf("decoded a record without an id from %q", body)
		}
		if rec.APIKey != "" || rec.Credentials != nil {
			t.Errorf("decoded a secret from %q", body)
		}
	})
}

func FuzzDecodeList(f *testing.F) {
	for _, seed := range []string{
		`[{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}]`,
		`{"data":[{"provider":"google"}]}`,
		`{"providers":[{"provider":"azure","enabled":false}]}`,
		`[]`,
		`[{"provider":"openai"`,
		`[{"provider":1}]`,
		`{"data":"x"}`,
		`{"providers":null}`,
		`null`, `7`, ``, `[null]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		records, err := refactor.DecodeList(body)
		if err != nil {
			return
		}
		for _, rec := range records {
			if rec.ID == "" {
				t.Errorf("decoded a record without an id from %q", body)
			}
		}
	})
}

func BenchmarkUpdateBody(b *testing.B) {
	patch := platform.Patch{
		Fields: []platform.Field{platform.FieldEnabled, platform.FieldAPIKey},
		Values: platform.Record{
			ModelProvider: "openai", Enabled: boolPtr(false), APIKey: "sk-bench-key",
			Credentials: map[string]string{"organization": "org-bench"},
		},
	}
	for b.Loop() {
		if _, err := updateBody(patch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	body := []byte(`{"provider":"amazon-bedrock","enabled":true,"credentials":{"aws_access_key_id":"***","aws_secret_access_key":"***","region":"us-***"}}`)
	for b.Loop() {
		if _, err := refactor.DecodeRecord(body); err != nil {
			b.Fatal(err)
		}
	}
}
