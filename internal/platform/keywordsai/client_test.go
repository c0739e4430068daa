package keywordsai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
)

const (
	token     = "client-test-token-123"
	managedID = "respan-managed-openai"
)

type fixture struct {
	mock   *mockserver.Server
	srv    *httptest.Server
	client *keywordsai.Client
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	mock := mockserver.New(token)
	srv := httptest.NewServer(mock)
	t.Cleanup(srv.Close)
	return fixture{mock: mock, srv: srv, client: newClient(t, srv.URL, token)}
}

func newClient(t *testing.T, endpoint, tok string) *keywordsai.Client {
	t.Helper()
	c, err := keywordsai.New(platform.HTTPConfig{
		Platform: barndoor.Name, // Forced to keywordsai by New.
		Endpoint: endpoint, Token: tok, UserAgent: "client-test",
		MaxRetries: -1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// journal returns the keywordsai requests as "METHOD path" and their bodies.
func (f fixture) journal() ([]string, []json.RawMessage) {
	var calls []string
	var bodies []json.RawMessage
	for _, e := range f.mock.Requests() {
		if e.Platform != "keywordsai" {
			continue
		}
		calls = append(calls, e.Method+" "+e.Path)
		bodies = append(bodies, e.Body)
	}
	return calls, bodies
}

func asAPIError(t *testing.T, err error) *platform.APIError {
	t.Helper()
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *platform.APIError", err, err)
	}
	return apiErr
}

func expectAPIError(t *testing.T, err error, kind platform.Kind, status int, message string) *platform.APIError {
	t.Helper()
	apiErr := asAPIError(t, err)
	if apiErr.Kind != kind || apiErr.Status != status || apiErr.Message != message || apiErr.Platform != keywordsai.Name {
		t.Fatalf("error = %+v, want kind %v, status %d, message %q", apiErr, kind, status, message)
	}
	return apiErr
}

func jsonEqual(t *testing.T, got json.RawMessage, want any) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("journaled body %s: %v", got, err)
	}
	wb, _ := json.Marshal(want)
	_ = json.Unmarshal(wb, &w)
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body = %s, want %s", got, wb)
	}
}

func TestNewForcesPlatformAndRefusesRemotePlainHTTP(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1", token)
	if c.Spec().Name != keywordsai.Name {
		t.Fatalf("Platform() = %s", c.Spec().Name)
	}
	if _, err := keywordsai.New(platform.HTTPConfig{Endpoint: "http://api.keywordsai.co", Token: token}); err == nil {
		t.Fatal("plain http to a remote host was accepted")
	}
}

func TestClientLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	created, err := platform.Create(ctx, f.client, platform.Record{
		ProviderID: "my-azure-provider", Name: "Azure Provider", APIKey: "sk-azure-secret",
		BaseURL: "https://x.openai.azure.com", ExtraKwargs: map[string]any{"timeout": 90.0},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID != "my-azure-provider" || created.ProviderID != "my-azure-provider" || created.Name != "Azure Provider" ||
		managed(created) || created.CreatedAt == "" || created.UpdatedAt != "" {
		t.Fatalf("created = %+v", created)
	}
	// Secrets and the write-only extra_kwargs are never read back.
	if created.APIKey != "" || created.BaseURL != "" || created.ExtraKwargs != nil {
		t.Fatalf("created carries write-only values: %+v", created)
	}
	calls, bodies := f.journal()
	// The existence check (the run's list) comes before the POST.
	if want := []string{"GET /api/providers/", "POST /api/providers/"}; !reflect.DeepEqual(calls, want) {
		t.Fatalf("create calls = %v, want %v", calls, want)
	}
	jsonEqual(t, bodies[1], map[string]any{"provider_id": "my-azure-provider", "provider_name": "Azure Provider",
		"api_key": "sk-azure-secret", "extra_kwargs": map[string]any{"base_url": "https://x.openai.azure.com", "timeout": 90}})

	got, err := f.client.Get(ctx, platform.Ref{ID: created.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Fatalf("get = %+v, want %+v", got, created)
	}

	list, err := f.client.List(ctx, platform.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != managedID || !managed(list[0]) || list[1].ID != created.ID || managed(list[1]) {
		t.Fatalf("list = %+v", list)
	}

	f.mock.ClearRequests()
	updated, err := platformtest.Update(ctx, f.client, platform.Ref{ID: created.ID}, platform.Patch{
		Fields: []platform.Field{platform.FieldName}, Values: platform.Record{Name: "Updated Azure Provider", APIKey: "unchanged-key"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Name != "Updated Azure Provider" || updated.UpdatedAt == "" || updated.CreatedAt != created.CreatedAt {
		t.Fatalf("updated = %+v", updated)
	}
	calls, bodies = f.journal()
	if want := []string{"PATCH /api/providers/my-azure-provider/"}; !reflect.DeepEqual(calls, want) {
		t.Fatalf("update calls = %v, want %v", calls, want)
	}
	jsonEqual(t, bodies[0], map[string]any{"provider_name": "Updated Azure Provider"})

	found, ok, err := platform.FindExisting(ctx, f.client, platform.Record{ProviderID: "my-azure-provider"})
	if err != nil || !ok || found.Name != "Updated Azure Provider" {
		t.Fatalf("FindExisting = %+v, %v, %v", found, ok, err)
	}

	if err := f.client.Delete(ctx, platform.Ref{ID: created.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = f.client.Get(ctx, platform.Ref{ID: created.ID})
	expectAPIError(t, err, platform.KindNotFound, http.StatusNotFound, "Not found.")
	if err := f.client.Delete(ctx, platform.Ref{ID: created.ID}); err != nil {
		t.Fatalf("Delete of a missing provider = %v, want nil", err)
	}
	if _, ok, err := platform.FindExisting(ctx, f.client, platform.Record{ProviderID: created.ID}); ok || err != nil {
		t.Fatalf("FindExisting after delete = %v, %v", ok, err)
	}
}

func TestUpdateSendsExactlyThePatchedWireFields(t *testing.T) {
	values := platform.Record{
		ProviderID: "p", Name: "Kept name", APIKey: "sk-rotated-key", BaseURL: "https://new.example.com",
		ExtraKwargs: map[string]any{"timeout": 30.0},
	}
	for _, tc := range []struct {
		name   string
		fields []platform.Field
		want   map[string]any
	}{
		{"api key", []platform.Field{platform.FieldAPIKey}, map[string]any{"api_key": "sk-rotated-key"}},
		{"base url sends the whole extra_kwargs", []platform.Field{platform.FieldBaseURL},
			map[string]any{"extra_kwargs": map[string]any{"base_url": "https://new.example.com", "timeout": 30}}},
		{"extra kwargs and name", []platform.Field{platform.FieldExtraKwargs, platform.FieldName},
			map[string]any{"provider_name": "Kept name", "extra_kwargs": map[string]any{"base_url": "https://new.example.com", "timeout": 30}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			if _, err := platform.Create(ctx, f.client, platform.Record{ProviderID: "p", Name: "Kept name"}); err != nil {
				t.Fatal(err)
			}
			f.mock.ClearRequests()
			got, err := platformtest.Update(ctx, f.client, platform.Ref{ID: "p"}, platform.Patch{Fields: tc.fields, Values: values})
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "Kept name" || got.UpdatedAt == "" {
				t.Fatalf("updated = %+v", got)
			}
			calls, bodies := f.journal()
			if len(calls) != 1 || calls[0] != "PATCH /api/providers/p/" {
				t.Fatalf("calls = %v, want one PATCH", calls)
			}
			jsonEqual(t, bodies[0], tc.want)
		})
	}
}

func TestUpdateWithoutFieldsIsRefusedWithoutRequest(t *testing.T) {
	f := newFixture(t)
	if _, err := f.client.Update(context.Background(), platform.Ref{ID: managedID}, platform.Patch{}); err == nil {
		t.Fatal("an empty patch was sent")
	}
	if calls, _ := f.journal(); len(calls) != 0 {
		t.Fatalf("calls = %v, want none", calls)
	}
}

func TestUpdateOfProviderIDIsRefusedWithoutRequest(t *testing.T) {
	f := newFixture(t)
	_, err := platformtest.Update(context.Background(), f.client, platform.Ref{ID: "p"}, platform.Patch{
		Fields: []platform.Field{platform.FieldProviderID, platform.FieldName}, Values: platform.Record{ProviderID: "q", Name: "n"},
	})
	if err == nil || !strings.Contains(err.Error(), "provider_id") || !strings.Contains(err.Error(), "replace") {
		t.Fatalf("err = %v, want a replace error naming provider_id", err)
	}
	if calls, _ := f.journal(); len(calls) != 0 {
		t.Fatalf("calls = %v, want none", calls)
	}
}

func TestCreateRefusesToTakeOverAnExistingProviderID(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := platform.Create(ctx, f.client, platform.Record{ProviderID: "taken", Name: "Original"}); err != nil {
		t.Fatal(err)
	}
	f.mock.ClearRequests()
	_, err := platform.Create(ctx, f.client, platform.Record{ProviderID: "taken", Name: "Usurper", APIKey: "sk-usurper"})
	var foreign *platform.ForeignRecordError
	if !errors.As(err, &foreign) || foreign.ID != "taken" || foreign.Key != platform.FieldProviderID || strings.Contains(err.Error(), "sk-usurper") {
		t.Fatalf("error = %v, want a foreign record without the secret", err)
	}
	if calls, _ := f.journal(); slices.ContainsFunc(calls, func(c string) bool { return !strings.HasPrefix(c, "GET ") }) {
		t.Fatalf("calls = %v, want reads only, no POST", calls)
	}
	got, err := f.client.Get(ctx, platform.Ref{ID: "taken"})
	if err != nil || got.Name != "Original" || got.UpdatedAt != "" {
		t.Fatalf("the existing provider changed: %+v, %v", got, err)
	}

	// The managed provider is refused the same way, before the platform's 403.
	_, err = platform.Create(ctx, f.client, platform.Record{ProviderID: managedID, Name: "Mine"})
	if !errors.As(err, &foreign) || foreign.ID != managedID {
		t.Fatalf("error = %v, want a foreign record", err)
	}
}

// staleExisting is a client whose run-wide existence list was taken before someone else made
// the record.
type staleExisting struct{ platform.Client }

func (staleExisting) Existing(context.Context, string) ([]platform.Record, error) { return nil, nil }

func TestCreateReportsAnUpsertThatRacedTheLookup(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := platform.Create(ctx, f.client, platform.Record{ProviderID: "race", Name: "Theirs"}); err != nil {
		t.Fatal(err)
	}
	// The look-up missed it (the other create landed just after), so the POST upserts: HTTP 200.
	rec, err := platform.Create(ctx, staleExisting{f.client}, platform.Record{ProviderID: "race", Name: "Ours"})
	var foreign *platform.ForeignRecordError
	if !errors.As(err, &foreign) || foreign.ID != "race" || !strings.Contains(foreign.Reason, "overwrote") {
		t.Fatalf("error = %v, want a foreign record that says the upsert overwrote it", err)
	}
	if rec.ID != "" {
		t.Fatalf("record = %+v, want none: a record this configuration did not make never reaches state", rec)
	}
}

func TestManagedProviderErrorsAreDecoded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := platformtest.Update(ctx, f.client, platform.Ref{ID: managedID}, platform.Patch{
		Fields: []platform.Field{platform.FieldName}, Values: platform.Record{Name: "Mine"}})
	expectAPIError(t, err, platform.KindPermission, http.StatusForbidden, "Managed providers cannot be modified.")

	err = f.client.Delete(ctx, platform.Ref{ID: managedID})
	apiErr := expectAPIError(t, err, platform.KindPermission, http.StatusForbidden,
		"Cannot delete managed provider. This provider is managed by Respan and cannot be deleted.")
	if apiErr.Method != http.MethodDelete || apiErr.Path != "/api/providers/"+managedID+"/" {
		t.Fatalf("error names %s %s", apiErr.Method, apiErr.Path)
	}
	if _, err := f.client.Get(ctx, platform.Ref{ID: managedID}); err != nil {
		t.Fatalf("managed provider gone: %v", err)
	}
}

func TestFieldErrorsAreDecoded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := platform.Create(ctx, f.client, platform.Record{ProviderID: "bad id!", Name: "Bad"})
	expectAPIError(t, err, platform.KindValidation, http.StatusBadRequest, "provider_id: This value does not match the required pattern.")
	calls, _ := f.journal()
	if !reflect.DeepEqual(calls, []string{"GET /api/providers/", "POST /api/providers/"}) {
		t.Fatalf("calls = %v", calls)
	}

	if _, err := platform.Create(ctx, f.client, platform.Record{ProviderID: "ok", Name: "Ok"}); err != nil {
		t.Fatal(err)
	}
	_, err = platformtest.Update(ctx, f.client, platform.Ref{ID: "ok"}, platform.Patch{
		Fields: []platform.Field{platform.FieldName}, Values: platform.Record{Name: strings.Repeat("n", 256)}})
	expectAPIError(t, err, platform.KindValidation, http.StatusBadRequest, "provider_name: Ensure this field has no more than 255 characters.")
}

func TestNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.client.Get(ctx, platform.Ref{ID: "missing"})
	if !platform.IsNotFound(err) {
		t.Fatalf("Get = %v, want not found", err)
	}
	expectAPIError(t, err, platform.KindNotFound, http.StatusNotFound, "Not found.")
	_, err = platformtest.Update(ctx, f.client, platform.Ref{ID: "missing"}, platform.Patch{
		Fields: []platform.Field{platform.FieldName}, Values: platform.Record{Name: "x"}})
	expectAPIError(t, err, platform.KindNotFound, http.StatusNotFound, "Not found.")
	if err := f.client.Delete(ctx, platform.Ref{ID: "missing"}); err != nil {
		t.Fatalf("Delete of a missing provider = %v, want nil", err)
	}
}

func TestIDThatCannotBeAPathSegmentIsRefusedWithoutRequest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, id := range []string{"", "a/b", "..", "."} {
		if _, err := f.client.Get(ctx, platform.Ref{ID: id}); err == nil || platform.IsNotFound(err) {
			t.Errorf("Get(%q) = %v, want a client-side error", id, err)
		}
		if err := f.client.Delete(ctx, platform.Ref{ID: id}); err == nil {
			t.Errorf("Delete(%q) = nil, want a client-side error", id)
		}
	}
	if _, _, err := platform.FindExisting(ctx, f.client, platform.Record{}); err == nil {
		t.Error("FindExisting without provider_id = nil error")
	}
	if calls, _ := f.journal(); len(calls) != 0 {
		t.Fatalf("calls = %v, want none", calls)
	}
}

func TestWrongTokenIsKindAuth(t *testing.T) {
	f := newFixture(t)
	c := newClient(t, f.srv.URL, "wrong-token-456")
	_, err := c.List(context.Background(), platform.ListOptions{})
	apiErr := expectAPIError(t, err, platform.KindAuth, http.StatusUnauthorized, "invalid or missing bearer token")
	if strings.Contains(apiErr.Error(), "wrong-token-456") {
		t.Fatalf("error shows the token: %v", apiErr)
	}
}

// echoServer answers every write with a 400 whose detail echoes the request body, as some
// frameworks do, and every GET with a 404 so that Create gets past its lookup.
func echoServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet && r.URL.Path == "/api/providers/" {
			_, _ = io.WriteString(w, `[]`)
			return
		}
		if r.Method == http.MethodGet {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"detail":"Not found."}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"detail": "bad request: " + string(body) + " auth " + r.Header.Get("Authorization")})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSecretsNeverAppearInErrors(t *testing.T) {
	srv := echoServer(t)
	c := newClient(t, srv.URL, token)
	ctx := context.Background()
	secrets := []string{"sk-live-SECRET-123", "kwarg-secret-456", token}

	_, err := platform.Create(ctx, c, platform.Record{ProviderID: "p", Name: "P", APIKey: "sk-live-SECRET-123",
		ExtraKwargs: map[string]any{"organization_token": "kwarg-secret-456"}, BaseURL: "https://public.example.com"})
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindValidation || !strings.Contains(apiErr.Message, platform.RedactedMarker) ||
		!strings.Contains(apiErr.Message, "https://public.example.com") {
		t.Fatalf("error = %v, want a redacted echo that keeps the public base_url", err)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("create error shows %q: %v", s, err)
		}
	}

	_, err = platformtest.Update(ctx, c, platform.Ref{ID: "p"}, platform.Patch{
		Fields: []platform.Field{platform.FieldAPIKey, platform.FieldExtraKwargs},
		Values: platform.Record{APIKey: "sk-live-SECRET-123", ExtraKwargs: map[string]any{"organization_token": "kwarg-secret-456"}},
	})
	if err == nil || !strings.Contains(err.Error(), platform.RedactedMarker) {
		t.Fatalf("update error = %v, want a redacted echo", err)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("update error shows %q: %v", s, err)
		}
	}
}

func TestListFollowsDRFPages(t *testing.T) {
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/api/providers/" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if r.URL.Query().Get("page") == "2" {
			_, _ = io.WriteString(w, `{"count":2,"next":null,"previous":"x","results":[{"id":"b","provider_id":"b","provider_name":"B"}]}`)
			return
		}
		_, _ = fmt.Fprintf(w, `{"count":2,"next":"http://%s/api/providers/?page=2","previous":null,"results":[{"id":"a","provider_id":"a","provider_name":"A"}]}`, r.Host)
	}))
	t.Cleanup(srv.Close)
	list, err := newClient(t, srv.URL, token).List(context.Background(), platform.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "a" || list[1].ID != "b" || list[1].Name != "B" {
		t.Fatalf("list = %+v", list)
	}
	if !reflect.DeepEqual(queries, []string{"", "page=2"}) {
		t.Fatalf("queries = %v", queries)
	}
}

func TestListRefusesALoopingNextLink(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = fmt.Fprintf(w, `{"next":"http://%s/api/providers/?page=2","results":[]}`, r.Host)
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL, token).List(context.Background(), platform.ListOptions{})
	var decodeErr *platform.DecodeError
	if !errors.As(err, &decodeErr) {
		t.Fatalf("err = %v, want a DecodeError", err)
	}
}

func TestMalformedSuccessBodyIsDecodeError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"id": 1.5}`)
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, srv.URL, token).Get(context.Background(), platform.Ref{ID: "x"})
	var decodeErr *platform.DecodeError
	if !errors.As(err, &decodeErr) || decodeErr.Path != "/api/providers/x/" {
		t.Fatalf("err = %v, want a DecodeError for the path", err)
	}
}

func TestCreateBody(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      platform.Record
		want    map[string]any
		wantErr string
	}{
		{"minimal", platform.Record{ProviderID: "p", Name: "P"}, map[string]any{"provider_id": "p", "provider_name": "P"}, ""},
		{"full", platform.Record{ProviderID: "p", Name: "P", APIKey: "k", BaseURL: "https://b", ExtraKwargs: map[string]any{"timeout": 9}},
			map[string]any{"provider_id": "p", "provider_name": "P", "api_key": "k", "extra_kwargs": map[string]any{"base_url": "https://b", "timeout": 9}}, ""},
		{"base url only", platform.Record{ProviderID: "p", Name: "P", BaseURL: "https://b"},
			map[string]any{"provider_id": "p", "provider_name": "P", "extra_kwargs": map[string]any{"base_url": "https://b"}}, ""},
		{"base_url inside extra_kwargs alone", platform.Record{ProviderID: "p", Name: "P", ExtraKwargs: map[string]any{"base_url": "https://b"}},
			map[string]any{"provider_id": "p", "provider_name": "P", "extra_kwargs": map[string]any{"base_url": "https://b"}}, ""},
		{"computed fields ignored", platform.Record{ID: "x", ProviderID: "p", Name: "P", CreatedAt: "t", Managed: ptr(true)},
			map[string]any{"provider_id": "p", "provider_name": "P"}, ""},
		{"base_url twice", platform.Record{ProviderID: "p", Name: "P", BaseURL: "https://a", ExtraKwargs: map[string]any{"base_url": "https://b"}}, nil, "base_url is set both"},
		{"no provider_id", platform.Record{Name: "P"}, nil, "provider_id is required"},
		{"no name", platform.Record{ProviderID: "p"}, nil, "provider_name"},
		{"n/a fields", platform.Record{ProviderID: "p", Name: "P", ModelProvider: "openai", Secret: "s"}, nil, "model_provider, secret is not supported by keywordsai"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keywordsai.CreateBody(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("CreateBody = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestCreateBodyLeavesTheRecordAlone(t *testing.T) {
	extra := map[string]any{"timeout": 1}
	if _, err := keywordsai.CreateBody(platform.Record{ProviderID: "p", Name: "P", BaseURL: "https://b", ExtraKwargs: extra}); err != nil {
		t.Fatal(err)
	}
	if len(extra) != 1 {
		t.Fatalf("CreateBody changed the record's extra_kwargs: %v", extra)
	}
}

// updateBody is keywordsai.UpdateBody of a patch's fields and values.
func updateBody(p platform.Patch) (map[string]any, error) {
	body, _, err := keywordsai.UpdateBody(platform.Record{}, p.Values, p.Fields)
	return body, err
}

func ptr[T any](v T) *T { return &v }

// managed reports whether the platform says it owns the record itself.
func managed(r platform.Record) bool { return r.Managed != nil && *r.Managed }

func TestUpdateBody(t *testing.T) {
	values := platform.Record{ProviderID: "p", Name: "N", APIKey: "k", BaseURL: "https://b", ExtraKwargs: map[string]any{"t": 1}}
	for _, tc := range []struct {
		name    string
		patch   platform.Patch
		want    map[string]any
		wantErr string
	}{
		{"empty", platform.Patch{Values: values}, map[string]any{}, ""},
		{"name", platform.Patch{Fields: []platform.Field{platform.FieldName}, Values: values}, map[string]any{"provider_name": "N"}, ""},
		{"api key", platform.Patch{Fields: []platform.Field{platform.FieldAPIKey}, Values: values}, map[string]any{"api_key": "k"}, ""},
		{"api key cleared", platform.Patch{Fields: []platform.Field{platform.FieldAPIKey}}, map[string]any{"api_key": ""}, ""},
		{"base url", platform.Patch{Fields: []platform.Field{platform.FieldBaseURL}, Values: values},
			map[string]any{"extra_kwargs": map[string]any{"base_url": "https://b", "t": 1}}, ""},
		{"extra kwargs", platform.Patch{Fields: []platform.Field{platform.FieldExtraKwargs}, Values: values},
			map[string]any{"extra_kwargs": map[string]any{"base_url": "https://b", "t": 1}}, ""},
		{"both cleared", platform.Patch{Fields: []platform.Field{platform.FieldExtraKwargs, platform.FieldBaseURL}},
			map[string]any{"extra_kwargs": map[string]any{}}, ""},
		{"base url cleared keeps the rest", platform.Patch{Fields: []platform.Field{platform.FieldBaseURL}, Values: platform.Record{ExtraKwargs: map[string]any{"t": 1}}},
			map[string]any{"extra_kwargs": map[string]any{"t": 1}}, ""},
		{"all", platform.Patch{Fields: []platform.Field{platform.FieldName, platform.FieldAPIKey, platform.FieldExtraKwargs}, Values: values},
			map[string]any{"provider_name": "N", "api_key": "k", "extra_kwargs": map[string]any{"base_url": "https://b", "t": 1}}, ""},
		{"provider id", platform.Patch{Fields: []platform.Field{platform.FieldProviderID}, Values: values}, nil, "cannot be changed in place"},
		{"name cleared", platform.Patch{Fields: []platform.Field{platform.FieldName}}, nil, "cannot be cleared"},
		{"n/a field", platform.Patch{Fields: []platform.Field{platform.FieldEnabled}, Values: values}, nil, "enabled is not supported by keywordsai"},
		{"base_url twice", platform.Patch{Fields: []platform.Field{platform.FieldBaseURL},
			Values: platform.Record{BaseURL: "https://a", ExtraKwargs: map[string]any{"base_url": "https://b"}}}, nil, "base_url is set both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := updateBody(tc.patch)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("UpdateBody = %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestDecodeRecord(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		want    platform.Record
		wantErr bool
	}{
		{"seed response", `{"id":"my-azure-provider","provider_id":"my-azure-provider","provider_name":"Updated Azure Provider","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T12:00:00Z"}`,
			platform.Record{ID: "my-azure-provider", ProviderID: "my-azure-provider", Name: "Updated Azure Provider", CreatedAt: "2024-01-15T10:30:00Z", UpdatedAt: "2024-01-15T12:00:00Z"}, false},
		{"managed, null updated_at, unknown fields", `{"id":"m","provider_id":"m","provider_name":"M","is_managed":true,"created_at":"t","updated_at":null,"org":{"x":1}}`,
			platform.Record{ID: "m", ProviderID: "m", Name: "M", Managed: ptr(true), CreatedAt: "t"}, false},
		{"newer API returns extra_kwargs", `{"id":"p","provider_id":"p","extra_kwargs":{"base_url":"https://b","timeout":90}}`,
			platform.Record{ID: "p", ProviderID: "p", BaseURL: "https://b", ExtraKwargs: map[string]any{"timeout": json.Number("90")}}, false},
		{"extra_kwargs with only base_url", `{"id":"p","extra_kwargs":{"base_url":"https://b"}}`,
			platform.Record{ID: "p", BaseURL: "https://b"}, false},
		{"non-string base_url stays in extra_kwargs", `{"id":"p","extra_kwargs":{"base_url":5}}`,
			platform.Record{ID: "p", ExtraKwargs: map[string]any{"base_url": json.Number("5")}}, false},
		{"api_key is never read", `{"id":"p","api_key":"sk-leak"}`, platform.Record{ID: "p"}, false},
		{"integer pk", `{"id":123,"provider_id":"p"}`, platform.Record{ID: "123", ProviderID: "p"}, false},
		{"id from provider_id", `{"provider_id":"p"}`, platform.Record{ID: "p", ProviderID: "p"}, false},
		{"no id at all", `{"provider_name":"x"}`, platform.Record{}, true},
		{"array", `[{"id":"p"}]`, platform.Record{}, true},
		{"truncated", `{"id":"p"`, platform.Record{}, true},
		{"wrong type", `{"id":"p","is_managed":"yes"}`, platform.Record{}, true},
		{"fractional id", `{"id":1.5}`, platform.Record{}, true},
		{"extra_kwargs not an object", `{"id":"p","extra_kwargs":"x"}`, platform.Record{}, true},
		{"empty", ``, platform.Record{}, true},
		{"null", `null`, platform.Record{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keywordsai.DecodeRecord([]byte(tc.body))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("DecodeRecord = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Returned lists the fields the body carried (TestDecodeRecordReturned checks it).
			got.Returned = nil
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("DecodeRecord = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// listOf lists the providers of a server that answers every request with body.
func listOf(t *testing.T, body string) ([]platform.Record, error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, body) }))
	defer srv.Close()
	return newClient(t, srv.URL, token).List(context.Background(), platform.ListOptions{})
}

func TestListDecodesBothGenerations(t *testing.T) {
	got, err := listOf(t, `[{"id":"a","provider_name":"A"},{"id":"b","is_managed":true}]`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[0].Name != "A" || managed(got[0]) || got[1].ID != "b" || !managed(got[1]) {
		t.Fatalf("list = %+v", got)
	}
	got, err = listOf(t, `{"count":1,"next":null,"previous":null,"results":[{"id":"a"}]}`)
	if err != nil || len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("list of a page = %+v, %v", got, err)
	}
	if got, err := listOf(t, `[]`); err != nil || len(got) != 0 {
		t.Fatalf("list of [] = %+v, %v", got, err)
	}
	for _, bad := range []string{``, `{}`, `{"results":{}}`, `[{"name":"no id"}]`, `[1]`, `"x"`, `[{"id":"a"}`} {
		if _, err := listOf(t, bad); err == nil {
			t.Errorf("list of %s = nil error", bad)
		}
	}
}

// TestDecodeRecordReturned: an answer's Returned names exactly the fields its body carried, so
// that state keeps the planned value of a field the platform left out.
func TestDecodeRecordReturned(t *testing.T) {
	for body, want := range map[string][]platform.Field{
		`{"id":"p","provider_id":"p","provider_name":"P","is_managed":false,"created_at":"t","updated_at":"u"}`: {
			platform.FieldProviderID, platform.FieldName, platform.FieldManaged, platform.FieldCreatedAt, platform.FieldUpdatedAt},
		`{"id":"p","extra_kwargs":{"base_url":"https://b"}}`: {platform.FieldBaseURL, platform.FieldExtraKwargs},
		`{"id":"p","api_key":"sk-***"}`:                      nil,
	} {
		got, err := keywordsai.DecodeRecord([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Returned, platform.AllReturned(want...)) {
			t.Errorf("Returned of %s = %v, want %v", body, got.Returned, want)
		}
	}
}

func TestDecodeErrorBody(t *testing.T) {
	for _, tc := range []struct{ body, code, message string }{
		{`{"detail":"Not found."}`, "", "Not found."},
		{`{"detail":"Invalid token.","code":"x"}`, "", "Invalid token."},
		{`{"error":"Cannot delete managed provider."}`, "", "Cannot delete managed provider."},
		{`{"error":{"message":"Boom","type":"server_error"}}`, "server_error", "Boom"},
		{`{"error":{"message":"Boom","code":42}}`, "42", "Boom"},
		{`{"provider_name":["This field is required."]}`, "", "provider_name: This field is required."},
		{`{"provider_name":["a","b"],"api_key":["c"]}`, "", "api_key: c; provider_name: a; provider_name: b"},
		{`{"non_field_errors":["Invalid data."]}`, "", "Invalid data."},
		{`{"extra_kwargs":{"timeout":["A valid integer is required."]}}`, "", "extra_kwargs: timeout: A valid integer is required."},
		{`["Something went wrong."]`, "", "Something went wrong."},
		{`<html>502</html>`, "", ""},
		{``, "", ""},
		{`{}`, "", ""},
	} {
		code, message := keywordsai.DecodeErrorBody([]byte(tc.body))
		if code != tc.code || message != tc.message {
			t.Errorf("DecodeErrorBody(%s) = %q, %q; want %q, %q", tc.body, code, message, tc.code, tc.message)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, seed := range []string{
		`{"id":"my-azure-provider","provider_id":"my-azure-provider","provider_name":"Updated Azure Provider","created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T12:00:00Z"}`,
		`{"id":"p","is_managed":true,"extra_kwargs":{"base_url":"https://b","timeout":90}}`,
		`{"id":123}`, `{"id":"p"`, `{"id":"p","is_managed":"yes"}`, `{"id":[1]}`, `{"extra_kwargs":[]}`,
		`null`, `[]`, ``, `"x"`, `{"id":1e400}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := keywordsai.DecodeRecord(body)
		if err == nil && r.ID == "" {
			t.Fatalf("DecodeRecord(%q) succeeded without an id", body)
		}
		if r.APIKey != "" {
			t.Fatalf("DecodeRecord(%q) read a secret back", body)
		}
	})
}

func FuzzDecodeList(f *testing.F) {
	for _, seed := range []string{
		`[{"id":"a","provider_name":"A"},{"id":"b","is_managed":true}]`,
		`{"count":1,"next":null,"previous":null,"results":[{"id":"a"}]}`,
		`[{"id":"a"}`, `[{"id":true}]`, `{"results":"x"}`, `[null]`, `[]`, ``, `{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := keywordsai.DecodeList(body)
		if err != nil && list != nil {
			t.Fatalf("DecodeList(%q) returned records with an error", body)
		}
		for _, r := range list {
			if r.ID == "" {
				t.Fatalf("DecodeList(%q) returned a record without an id", body)
			}
		}
	})
}

func FuzzDecodeErrorBody(f *testing.F) {
	for _, seed := range []string{`{"detail":"x"}`, `{"error":{"message":"m"}}`, `{"a":["b"]}`, `["x"]`, `{"a":{"b":[{"c":1}]}}`, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = keywordsai.DecodeErrorBody(body)
	})
}

func BenchmarkUpdateBody(b *testing.B) {
	p := platform.Patch{
		Fields: []platform.Field{platform.FieldName, platform.FieldAPIKey, platform.FieldBaseURL},
		Values: platform.Record{Name: "N", APIKey: "k", BaseURL: "https://b", ExtraKwargs: map[string]any{"timeout": 90}},
	}
	for b.Loop() {
		if _, err := updateBody(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRecord(b *testing.B) {
	body := []byte(`{"id":"my-azure-provider","provider_id":"my-azure-provider","provider_name":"Updated Azure Provider","is_managed":false,"created_at":"2024-01-15T10:30:00Z","updated_at":"2024-01-15T12:00:00Z","extra_kwargs":{"base_url":"https://b","timeout":90}}`)
	for b.Loop() {
		if _, err := keywordsai.DecodeRecord(body); err != nil {
			b.Fatal(err)
		}
	}
}
