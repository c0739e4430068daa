package refactor_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

const testToken = "client-test-token"

func boolPtr(b bool) *bool { return &b }

// newClient starts a mock server and a client on its refactor endpoint (ROOT/api). Retries are
// off so that every injected fault reaches the caller as is.
func newClient(t *testing.T) (*refactor.Client, *mockserver.Server) {
	t.Helper()
	srv := mockserver.New(testToken)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return clientFor(t, ts.URL+"/api", testToken), srv
}

func clientFor(t *testing.T, endpoint, token string) *refactor.Client {
	t.Helper()
	c, err := refactor.New(platform.HTTPConfig{
		Endpoint: endpoint, Token: token, UserAgent: "refactor-client-test",
		MaxRetries: -1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// journalBody decodes the body of a journal entry.
func journalBody(t *testing.T, e mockserver.Entry) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(e.Body, &body); err != nil {
		t.Fatalf("journaled body %s is not an object: %v", e.Body, err)
	}
	return body
}

func asAPIError(t *testing.T, err error) *platform.APIError {
	t.Helper()
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *platform.APIError", err, err)
	}
	return apiErr
}

func TestClientPlatformAndNew(t *testing.T) {
	c, _ := newClient(t)
	if c.Spec().Name != refactor.Name {
		t.Errorf("Platform() = %q", c.Spec().Name)
	}
	if _, err := refactor.New(platform.HTTPConfig{Endpoint: "http://example.com/api", Token: "x"}); err == nil {
		t.Error("New accepted plain http to a remote host")
	}
}

func TestClientLifecycle(t *testing.T) {
	ctx := t.Context()
	c, srv := newClient(t)

	created, err := platform.Create(ctx, c, platform.Record{
		ModelProvider: "bedrock",
		Enabled:       boolPtr(false),
		Credentials:   map[string]string{"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "wJalr-secret", "region": "us-east-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// The masked credentials the platform echoes are never read.
	want := platform.Record{
		ID: "amazon-bedrock", ModelProvider: "bedrock", Enabled: boolPtr(false),
		Returned: platform.AllReturned(platform.FieldModelProvider, platform.FieldEnabled),
	}
	if !reflect.DeepEqual(created, want) {
		t.Errorf("Create = %+v, want %+v", created, want)
	}
	// The existence check (a list), then the create.
	entries := srv.Requests()
	if len(entries) != 2 || entries[0].Method != http.MethodGet || entries[1].Method != http.MethodPost || entries[1].Path != "/api/v1/llm-providers" {
		t.Fatalf("create requests = %+v, want GET then POST /api/v1/llm-providers", entries)
	}
	entries = entries[1:]
	wantBody := map[string]any{
		"provider": "amazon-bedrock", "enabled": false,
		"credentials": map[string]any{"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "wJalr-secret", "region": "us-east-1"},
	}
	if got := journalBody(t, entries[0]); !reflect.DeepEqual(got, wantBody) {
		t.Errorf("create body = %v, want %v", got, wantBody)
	}

	for _, id := range []string{"amazon-bedrock", "bedrock"} {
		got, err := c.Get(ctx, platform.Ref{ID: id})
		if err != nil {
			t.Fatalf("Get(%s): %v", id, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%s) = %+v, want %+v", id, got, want)
		}
	}

	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "openai", APIKey: "sk-openai-key"}); err != nil {
		t.Fatal(err)
	}
	list, err := c.List(ctx, platform.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "amazon-bedrock" || list[1].ID != "openai" || list[1].ModelProvider != "openai" ||
		list[1].Enabled == nil || !*list[1].Enabled || list[1].APIKey != "" {
		t.Errorf("List = %+v", list)
	}

	updated, err := platformtest.Update(ctx, c, platform.Ref{ID: "bedrock"}, platform.Patch{
		Fields: []platform.Field{platform.FieldEnabled},
		Values: platform.Record{ModelProvider: "bedrock", Enabled: boolPtr(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.ID != "amazon-bedrock" || updated.Enabled == nil || !*updated.Enabled || updated.Credentials != nil {
		t.Errorf("Update = %+v", updated)
	}

	if err := c.Delete(ctx, platform.Ref{ID: "amazon-bedrock"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(ctx, platform.Ref{ID: "amazon-bedrock"})
	if !platform.IsNotFound(err) {
		t.Fatalf("Get after Delete: %v, want not found", err)
	}
	last := srv.Requests()
	if e := last[len(last)-2]; e.Method != http.MethodDelete || e.Path != "/api/v1/llm-provider/amazon-bedrock" {
		t.Errorf("delete request = %s %s", e.Method, e.Path)
	}
}

func TestClientReadNeverFillsSecrets(t *testing.T) {
	ctx := t.Context()
	c, _ := newClient(t)
	created, err := platform.Create(ctx, c, platform.Record{ModelProvider: "openai", APIKey: "sk-new-api-key", Credentials: map[string]string{"organization": "org-new-org-id"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, platform.Ref{ID: "openai"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []platform.Record{created, got} {
		if r.APIKey != "" || r.Credentials != nil || r.Secret != "" {
			t.Errorf("a read filled a secret: %+v", r)
		}
	}
}

func TestClientPartialUpdateSendsOnlyPatchedFields(t *testing.T) {
	ctx := t.Context()
	values := platform.Record{
		ModelProvider: "openai", Enabled: boolPtr(false), APIKey: "sk-rotated-key",
		Credentials: map[string]string{"organization": "org-kept-id"},
	}
	cases := []struct {
		name   string
		fields []platform.Field
		want   map[string]any
	}{
		{"enabled only", []platform.Field{platform.FieldEnabled}, map[string]any{"enabled": false}},
		{"api_key sends the whole credentials object", []platform.Field{platform.FieldAPIKey},
			map[string]any{"credentials": map[string]any{"api_key": "sk-rotated-key", "organization": "org-kept-id"}}},
		{"credentials and enabled", []platform.Field{platform.FieldCredentials, platform.FieldEnabled},
			map[string]any{"enabled": false, "credentials": map[string]any{"api_key": "sk-rotated-key", "organization": "org-kept-id"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := newClient(t)
			if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "openai", APIKey: "sk-first-key"}); err != nil {
				t.Fatal(err)
			}
			srv.ClearRequests()
			rec, err := platformtest.Update(ctx, c, platform.Ref{ID: "openai"}, platform.Patch{Fields: tc.fields, Values: values})
			if err != nil {
				t.Fatal(err)
			}
			entries := srv.Requests()
			if len(entries) != 1 || entries[0].Method != http.MethodPut || entries[0].Path != "/api/v1/llm-provider/openai" {
				t.Fatalf("requests = %+v, want one PUT /api/v1/llm-provider/openai", entries)
			}
			if got := journalBody(t, entries[0]); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("PUT body = %v, want %v", got, tc.want)
			}
			if rec.ID != "openai" || rec.Enabled == nil {
				t.Errorf("Update returned %+v", rec)
			}
		})
	}
}

func TestClientEmptyPatchSendsNoUpdate(t *testing.T) {
	ctx := t.Context()
	c, srv := newClient(t)
	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "anthropic", Enabled: boolPtr(false)}); err != nil {
		t.Fatal(err)
	}
	srv.ClearRequests()
	if _, err := c.Update(ctx, platform.Ref{ID: "anthropic"}, platform.Patch{}); err == nil {
		t.Error("an empty patch was sent")
	}
	if entries := srv.Requests(); len(entries) != 0 {
		t.Errorf("requests = %+v, want none", entries)
	}
}

func TestClientRefusesBeforeAnyRequest(t *testing.T) {
	ctx := t.Context()
	c, srv := newClient(t)
	_, err := platformtest.Update(ctx, c, platform.Ref{ID: "openai"}, platform.Patch{
		Fields: []platform.Field{platform.FieldModelProvider}, Values: platform.Record{ModelProvider: "anthropic"},
	})
	if err == nil || !strings.Contains(err.Error(), "model_provider cannot be changed in place") {
		t.Errorf("Update(model_provider) error = %v", err)
	}
	_, err = platformtest.Update(ctx, c, platform.Ref{ID: "openai"}, platform.Patch{Fields: []platform.Field{platform.FieldBaseURL}, Values: platform.Record{BaseURL: "https://x"}})
	if err == nil || !strings.Contains(err.Error(), "base_url is not supported by refactor") {
		t.Errorf("Update(base_url) error = %v", err)
	}
	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "mistral"}); err == nil || !strings.Contains(err.Error(), `"mistral" is not supported by refactor`) {
		t.Errorf("Create(mistral) error = %v", err)
	}
	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "openai", Name: "x"}); err == nil || !strings.Contains(err.Error(), "name is not supported") {
		t.Errorf("Create(name) error = %v", err)
	}
	if _, err := c.Get(ctx, platform.Ref{ID: "mistral"}); err == nil || !strings.Contains(err.Error(), `"mistral" is not a provider`) {
		t.Errorf("Get(mistral) error = %v", err)
	}
	if err := c.Delete(ctx, platform.Ref{ID: "../x"}); err == nil {
		t.Error("Delete(../x) sent a request")
	}
	if _, _, err := platform.FindExisting(ctx, c, platform.Record{}); err == nil {
		t.Error("FindExisting without model_provider succeeded")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests were sent, want none: %+v", n, srv.Requests())
	}
}

func TestClientDuplicateCreateIsConflict(t *testing.T) {
	ctx := t.Context()
	c, _ := newClient(t)
	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "xai"}); err != nil {
		t.Fatal(err)
	}
	// The create flow's existence check finds the slug before any POST.
	_, err := platform.Create(ctx, c, platform.Record{ModelProvider: "xai"})
	var foreign *platform.ForeignRecordError
	if !errors.As(err, &foreign) || foreign.ID != "xai" {
		t.Fatalf("create of a taken slug = %v, want a foreign record", err)
	}
	// The platform's own refusal, when the POST goes out all the same.
	_, err = c.Create(ctx, platform.Record{ModelProvider: "xai"})
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindConflict || apiErr.Status != 409 || apiErr.Code != "CONFLICT" ||
		apiErr.Message != "Configuration already exists for provider: xai" || apiErr.Platform != refactor.Name {
		t.Errorf("conflict error = %+v", apiErr)
	}
}

func TestClientErrorEnvelopesDecodeIntoTypedErrors(t *testing.T) {
	cases := []struct {
		status int
		kind   platform.Kind
		code   string
	}{
		{400, platform.KindValidation, "VALIDATION_ERROR"},
		{401, platform.KindAuth, "UNAUTHORIZED"},
		{403, platform.KindPermission, "FORBIDDEN"},
		{404, platform.KindNotFound, "NOT_FOUND"},
		{409, platform.KindConflict, "CONFLICT"},
		{429, platform.KindRateLimited, "RATE_LIMITED"},
		{500, platform.KindServer, "INTERNAL_ERROR"},
		{503, platform.KindServer, "SERVICE_UNAVAILABLE"},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			c, srv := newClient(t)
			if err := srv.SetFaults([]mockserver.FaultRule{{Method: "GET", Path: "/api/v1/llm-provider/*", Status: tc.status}}); err != nil {
				t.Fatal(err)
			}
			_, err := c.Get(t.Context(), platform.Ref{ID: "openai"})
			apiErr := asAPIError(t, err)
			if apiErr.Kind != tc.kind || apiErr.Status != tc.status || apiErr.Code != tc.code || apiErr.Message != "injected fault" ||
				apiErr.Method != http.MethodGet || apiErr.Path != "/v1/llm-provider/openai" {
				t.Errorf("error = %+v", apiErr)
			}
			if !strings.Contains(err.Error(), tc.code+": injected fault") {
				t.Errorf("error text = %q", err.Error())
			}
		})
	}
}

func TestClientValidationErrorFromPlatform(t *testing.T) {
	ctx := t.Context()
	c, _ := newClient(t)
	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "openai"}); err != nil {
		t.Fatal(err)
	}
	// An empty credential key passes the client and is refused by the platform in its envelope.
	_, err := platformtest.Update(ctx, c, platform.Ref{ID: "openai"}, platform.Patch{
		Fields: []platform.Field{platform.FieldCredentials}, Values: platform.Record{Credentials: map[string]string{"": "v"}},
	})
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindValidation || apiErr.Code != "VALIDATION_ERROR" || apiErr.Message != "credentials keys must not be empty" {
		t.Errorf("error = %+v", apiErr)
	}
}

func TestClientGetMissingIsNotFound(t *testing.T) {
	c, _ := newClient(t)
	_, err := c.Get(t.Context(), platform.Ref{ID: "google_ai"})
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindNotFound || apiErr.Status != 404 || apiErr.Code != "NOT_FOUND" ||
		apiErr.Message != "No configuration found for provider: google" || apiErr.Path != "/v1/llm-provider/google" {
		t.Errorf("error = %+v", apiErr)
	}
	_, err = platformtest.Update(t.Context(), c, platform.Ref{ID: "google"}, platform.Patch{Fields: []platform.Field{platform.FieldEnabled}, Values: platform.Record{Enabled: boolPtr(true)}})
	if !platform.IsNotFound(err) {
		t.Errorf("Update of a missing record: %v, want not found", err)
	}
}

func TestClientDeleteMissingIsNil(t *testing.T) {
	c, srv := newClient(t)
	if err := c.Delete(t.Context(), platform.Ref{ID: "vertex"}); err != nil {
		t.Fatalf("Delete of a missing record = %v, want nil", err)
	}
	entries := srv.Requests()
	if len(entries) != 1 || entries[0].Path != "/api/v1/llm-provider/google-vertex" || entries[0].Status != 404 {
		t.Errorf("requests = %+v, want one DELETE answered 404", entries)
	}
	// Other failures of a delete are still errors.
	if err := srv.SetFaults([]mockserver.FaultRule{{Method: "DELETE", Path: "/api/v1/*", Status: 403}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(t.Context(), platform.Ref{ID: "vertex"}); platform.KindOf(err) != platform.KindPermission {
		t.Errorf("Delete under 403 = %v, want permission denied", err)
	}
}

func TestClientWrongTokenIsAuth(t *testing.T) {
	srv := mockserver.New(testToken)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c := clientFor(t, ts.URL+"/api", "wrong-token-value")
	_, err := c.List(t.Context(), platform.ListOptions{})
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindAuth || apiErr.Status != 401 || apiErr.Code != "UNAUTHORIZED" {
		t.Errorf("error = %+v", apiErr)
	}
	if strings.Contains(err.Error(), "wrong-token-value") {
		t.Errorf("the token leaked into %q", err.Error())
	}
}

func TestClientFindExisting(t *testing.T) {
	ctx := t.Context()
	c, _ := newClient(t)
	if _, found, err := platform.FindExisting(ctx, c, platform.Record{ModelProvider: "azure_openai"}); err != nil || found {
		t.Fatalf("FindExisting before create = %v, %v; want false, nil", found, err)
	}
	if _, err := platform.Create(ctx, c, platform.Record{ModelProvider: "azure_openai", APIKey: "az-key-1234"}); err != nil {
		t.Fatal(err)
	}
	rec, found, err := platform.FindExisting(ctx, c, platform.Record{ModelProvider: "azure_openai", APIKey: "ignored"})
	if err != nil || !found || rec.ID != "azure" || rec.ModelProvider != "azure_openai" || rec.APIKey != "" {
		t.Errorf("FindExisting = %+v, %v, %v", rec, found, err)
	}
}

// TestClientCreateIsNotIdempotent checks that a create whose answer is lost is reported as
// ambiguous rather than retried into a CONFLICT.
func TestClientCreateIsNotIdempotent(t *testing.T) {
	ctx := t.Context()
	srv := mockserver.New(testToken)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	c, err := refactor.New(platform.HTTPConfig{Endpoint: ts.URL + "/api", Token: testToken, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SetFaults([]mockserver.FaultRule{{Method: "POST", Path: "/api/v1/llm-providers", Drop: true, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(ctx, platform.Record{ModelProvider: "openai", APIKey: "sk-dropped-key"})
	if !errors.Is(err, platform.ErrAmbiguous) {
		t.Fatalf("Create with a dropped answer = %v, want ambiguous", err)
	}
	if strings.Contains(err.Error(), "sk-dropped-key") {
		t.Errorf("secret in %q", err.Error())
	}
	posts := 0
	for _, e := range srv.Requests() {
		if e.Method == http.MethodPost {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("the create was sent %d times, want once", posts)
	}
	// The platform did process it: FindExisting adopts it.
	rec, found, err := platform.FindExisting(ctx, c, platform.Record{ModelProvider: "openai"})
	if err != nil || !found || rec.ID != "openai" {
		t.Errorf("FindExisting after the ambiguous create = %+v, %v, %v", rec, found, err)
	}
}

// echoServer answers every request with a 400 whose message echoes the request body and
// headers, the worst case for leaking a secret into an error.
func echoServer(t *testing.T, status int) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		msg := "refused " + string(body) + " with " + r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status < 300 {
			_, _ = w.Write([]byte(`{"provider": ` + string(body) + `}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "VALIDATION_ERROR", "message": msg}})
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/api"
}

func TestClientErrorTextNeverHoldsSecrets(t *testing.T) {
	ctx := t.Context()
	c := clientFor(t, echoServer(t, http.StatusBadRequest), testToken)
	secrets := []string{"sk-echoed-secret-123", "wJalr-echoed-secret", testToken}
	rec := platform.Record{ModelProvider: "openai", APIKey: secrets[0], Credentials: map[string]string{"organization": secrets[1]}}

	_, createErr := platform.Create(ctx, c, rec)
	_, updateErr := platformtest.Update(ctx, c, platform.Ref{ID: "openai"}, platform.Patch{Fields: []platform.Field{platform.FieldAPIKey}, Values: rec})
	for _, err := range []error{createErr, updateErr} {
		apiErr := asAPIError(t, err)
		if apiErr.Kind != platform.KindValidation || !strings.Contains(apiErr.Message, platform.RedactedMarker) {
			t.Errorf("error = %+v, want a validation error with redactions", apiErr)
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error text %q holds the secret %q", err.Error(), s)
			}
		}
	}

	// A 2xx answer the client cannot decode is a DecodeError, also without secrets.
	c = clientFor(t, echoServer(t, http.StatusOK), testToken)
	_, err := platform.Create(ctx, c, rec)
	var decodeErr *platform.DecodeError
	if !errors.As(err, &decodeErr) || decodeErr.Platform != refactor.Name || decodeErr.Path != "/v1/llm-providers" {
		t.Fatalf("Create with an undecodable answer = %v (%T), want a DecodeError", err, err)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("decode error %q holds the secret %q", err.Error(), s)
		}
	}
}

func TestClientListAcceptsWrappedArrays(t *testing.T) {
	for name, body := range map[string]string{
		"bare":      `[{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}]`,
		"data":      `{"data":[{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}]}`,
		"providers": `{"providers":[{"provider":"openai","enabled":true,"credentials":{"api_key":"sk-***"}}],"total":1}`,
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet || r.URL.Path != "/api/v1/llm-providers" {
					http.NotFound(w, r)
					return
				}
				_, _ = io.WriteString(w, body)
			}))
			t.Cleanup(ts.Close)
			list, err := clientFor(t, ts.URL+"/api", testToken).List(t.Context(), platform.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != "openai" || list[0].APIKey != "" {
				t.Errorf("List = %+v", list)
			}
		})
	}
}
