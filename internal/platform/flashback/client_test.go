package flashback

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
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platformtest"
)

const testToken = "client-test-token"

type fixture struct {
	srv    *mockserver.Server
	client *Client
	url    string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := mockserver.New(testToken)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{srv: srv, client: newClient(t, ts.URL, testToken), url: ts.URL}
}

func newClient(t *testing.T, endpoint, token string) *Client {
	t.Helper()
	c, err := New(platform.HTTPConfig{
		Endpoint: endpoint, Token: token, MaxRetries: -1,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sampleRecord(name, workspace string) platform.Record {
	return platform.Record{
		Name: name, ModelProvider: "openai", BaseURL: "https://api.openai.com/v1",
		APIKey: "sk-live-" + name, Secret: "secret-" + name, WorkspaceID: workspace,
	}
}

func (f *fixture) mustCreate(t *testing.T, r platform.Record) platform.Record {
	t.Helper()
	got, err := platform.Create(context.Background(), f.client, r)
	if err != nil {
		t.Fatalf("create %q: %v", r.Name, err)
	}
	return got
}

// journalBody returns the journaled body of the only request with the method.
func journalBody(t *testing.T, srv *mockserver.Server, method string) map[string]any {
	t.Helper()
	var bodies []map[string]any
	for _, e := range srv.Requests() {
		if e.Method == method {
			var body map[string]any
			if err := json.Unmarshal(e.Body, &body); err != nil {
				t.Fatalf("journaled %s body %s: %v", method, e.Body, err)
			}
			bodies = append(bodies, body)
		}
	}
	if len(bodies) != 1 {
		t.Fatalf("%d %s requests in the journal, want 1: %+v", len(bodies), method, srv.Requests())
	}
	return bodies[0]
}

func requestLines(srv *mockserver.Server) []string {
	var out []string
	for _, e := range srv.Requests() {
		line := e.Method + " " + e.Path
		if e.Query != "" {
			line += "?" + e.Query
		}
		out = append(out, line)
	}
	return out
}

func asAPIError(t *testing.T, err error) *platform.APIError {
	t.Helper()
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *platform.APIError", err, err)
	}
	return apiErr
}

func TestNewForcesThePlatform(t *testing.T) {
	c, err := New(platform.HTTPConfig{Platform: barndoor.Name, Endpoint: "http://127.0.0.1:1", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec().Name != Name {
		t.Fatalf("Platform() = %q", c.Spec().Name)
	}
	if _, err := New(platform.HTTPConfig{Endpoint: "http://backend.flashback.tech", Token: "t"}); err == nil {
		t.Fatal("plain http to a remote host was accepted")
	}
}

func TestCreateFillsComputedFieldsFromOneList(t *testing.T) {
	f := newFixture(t)
	in := sampleRecord("primary", "ws-a")
	got := f.mustCreate(t, in)

	if got.ID == "" || got.OrgID == "" || got.CreatedAt == "" {
		t.Fatalf("computed fields missing: %+v", got)
	}
	if _, err := time.Parse(time.RFC3339, got.CreatedAt); err != nil {
		t.Fatalf("createdAt %q: %v", got.CreatedAt, err)
	}
	want := platform.Record{
		ID: got.ID, Name: "primary", ModelProvider: "openai", BaseURL: "https://api.openai.com/v1",
		WorkspaceID: "ws-a", OrgID: got.OrgID, CreatedAt: got.CreatedAt, Returned: dtoFields,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("created record:\n got %+v\nwant %+v (no secrets read back)", got, want)
	}
	// The existence check, the create, and the read-back of its id-only answer.
	if lines, want := requestLines(f.srv), []string{"GET /ai/llm?workspaceId=ws-a", "POST /ai/llm", "GET /ai/llm?workspaceId=ws-a"}; !slices.Equal(lines, want) {
		t.Fatalf("requests = %v, want %v", lines, want)
	}
	body := journalBody(t, f.srv, http.MethodPost)
	wantBody := map[string]any{
		"name": "primary", "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1",
		"key": "sk-live-primary", "secret": "secret-primary", "workspaceId": "ws-a",
	}
	if !reflect.DeepEqual(body, wantBody) {
		t.Fatalf("create body = %v, want %v", body, wantBody)
	}
}

// failingReadBack makes the platform fail the read-back that follows the create, and only it.
type failingReadBack struct {
	platform.Client
	arm func()
}

func (c failingReadBack) ReadBack(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	c.arm()
	return c.Client.ReadBack(ctx, ref)
}

func TestCreateReturnsTheIDWhenTheReadBackFails(t *testing.T) {
	f := newFixture(t)
	c := failingReadBack{Client: f.client, arm: func() {
		if err := f.srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodGet, Path: "/ai/llm", Status: http.StatusInternalServerError, Count: 1}}); err != nil {
			t.Fatal(err)
		}
	}}
	got, err := platform.Create(context.Background(), c, sampleRecord("primary", "ws-a"))
	if err == nil {
		t.Fatal("a failed read-back was not reported")
	}
	if platform.KindOf(err) != platform.KindServer || !strings.Contains(err.Error(), "created AI LLM configuration "+got.ID) {
		t.Fatalf("error = %v", err)
	}
	if got.ID == "" || got.Name != "primary" || got.WorkspaceID != "ws-a" {
		t.Fatalf("record = %+v, want the ID set", got)
	}
	stored, err := f.client.Get(context.Background(), platform.Ref{ID: got.ID, WorkspaceID: "ws-a"})
	if err != nil || stored.Name != "primary" {
		t.Fatalf("the created record is not readable by its id: %+v %v", stored, err)
	}
}

func TestCreateNameClashIsAValidationError(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, sampleRecord("primary", "ws-a"))
	// The create flow's existence check finds the name before any POST.
	_, err := platform.Create(context.Background(), f.client, sampleRecord("primary", "ws-a"))
	var foreign *platform.ForeignRecordError
	if !errors.As(err, &foreign) || foreign.WorkspaceID != "ws-a" {
		t.Fatalf("create of a taken name = %v, want a foreign record", err)
	}
	// The platform's own refusal, when the POST goes out all the same.
	_, err = f.client.Create(context.Background(), sampleRecord("primary", "ws-a"))
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindValidation || apiErr.Status != http.StatusBadRequest || !strings.Contains(apiErr.Message, "already exists in this workspace") {
		t.Fatalf("error = %+v", apiErr)
	}
	// The same name in another workspace is a different record.
	other := f.mustCreate(t, sampleRecord("primary", "ws-b"))
	if other.WorkspaceID != "ws-b" {
		t.Fatalf("other = %+v", other)
	}
}

func TestCreateRefusesAnIncompleteRecordWithoutARequest(t *testing.T) {
	f := newFixture(t)
	r := sampleRecord("primary", "ws-a")
	r.Secret = ""
	if _, err := platform.Create(context.Background(), f.client, r); err == nil || !strings.Contains(err.Error(), "secret is required") {
		t.Fatalf("error = %v", err)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}

func TestGetListsAndFilters(t *testing.T) {
	f := newFixture(t)
	a := f.mustCreate(t, sampleRecord("alpha", "ws-a"))
	b := f.mustCreate(t, sampleRecord("beta", "ws-b"))
	f.srv.ClearRequests()

	got, err := f.client.Get(context.Background(), platform.Ref{ID: b.ID, WorkspaceID: "ws-b"})
	if err != nil || !reflect.DeepEqual(got, b) {
		t.Fatalf("Get in workspace = %+v, %v; want %+v", got, err, b)
	}
	// An import knows only the id: the list is unfiltered.
	got, err = f.client.Get(context.Background(), platform.Ref{ID: a.ID})
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("Get by id only = %+v, %v; want %+v", got, err, a)
	}
	if lines, want := requestLines(f.srv), []string{"GET /ai/llm?workspaceId=ws-b", "GET /ai/llm"}; !slices.Equal(lines, want) {
		t.Fatalf("requests = %v, want %v", lines, want)
	}
}

func TestGetMissingIsNotFound(t *testing.T) {
	f := newFixture(t)
	a := f.mustCreate(t, sampleRecord("alpha", "ws-a"))
	for _, tc := range []struct {
		ref  platform.Ref
		want string
	}{
		{platform.Ref{ID: "00000000-0000-4000-8000-000000000000", WorkspaceID: "ws-a"}, "AI LLM configuration 00000000-0000-4000-8000-000000000000 not found in workspace ws-a"},
		{platform.Ref{ID: a.ID, WorkspaceID: "ws-b"}, "AI LLM configuration " + a.ID + " not found in workspace ws-b"},
		{platform.Ref{ID: "gone"}, "AI LLM configuration gone not found in any accessible workspace"},
	} {
		_, err := f.client.Get(context.Background(), tc.ref)
		apiErr := asAPIError(t, err)
		if apiErr.Kind != platform.KindNotFound || apiErr.Status != http.StatusNotFound || apiErr.Message != tc.want || apiErr.Platform != Name {
			t.Fatalf("Get(%+v) error = %+v", tc.ref, apiErr)
		}
		if !platform.IsNotFound(err) {
			t.Fatalf("IsNotFound(%v) = false", err)
		}
	}
}

func TestListFiltersByWorkspace(t *testing.T) {
	f := newFixture(t)
	a1 := f.mustCreate(t, sampleRecord("a1", "ws-a"))
	b1 := f.mustCreate(t, sampleRecord("b1", "ws-b"))
	a2 := f.mustCreate(t, sampleRecord("a2", "ws-a"))
	all, err := f.client.List(context.Background(), platform.ListOptions{})
	if err != nil || !reflect.DeepEqual(all, []platform.Record{a1, b1, a2}) {
		t.Fatalf("List() = %+v, %v", all, err)
	}
	inA, err := f.client.List(context.Background(), platform.ListOptions{WorkspaceID: "ws-a"})
	if err != nil || !reflect.DeepEqual(inA, []platform.Record{a1, a2}) {
		t.Fatalf("List(ws-a) = %+v, %v", inA, err)
	}
}

func TestListFiltersAgainWhenTheServerIgnoresTheQuery(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"success":true,"aiLlms":[{"id":"1","workspaceId":"ws-a","name":"a"},{"id":"2","workspaceId":"ws-b","name":"b"}]}`)
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, testToken)
	got, err := c.List(context.Background(), platform.ListOptions{WorkspaceID: "ws-b"})
	if err != nil || len(got) != 1 || got[0].ID != "2" {
		t.Fatalf("List(ws-b) = %+v, %v", got, err)
	}
	if _, err := c.Get(context.Background(), platform.Ref{ID: "1", WorkspaceID: "ws-b"}); !platform.IsNotFound(err) {
		t.Fatalf("Get of another workspace's record = %v, want not found", err)
	}
}

func TestUpdateSendsExactlyThePatchedFields(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fields   []platform.Field
		change   func(*platform.Record)
		wantBody map[string]any
		check    func(t *testing.T, got platform.Record)
	}{
		{
			name:     "name",
			fields:   []platform.Field{platform.FieldName},
			change:   func(r *platform.Record) { r.Name = "renamed" },
			wantBody: map[string]any{"name": "renamed"},
			check: func(t *testing.T, got platform.Record) {
				if got.Name != "renamed" || got.ModelProvider != "openai" || got.BaseURL != "https://api.openai.com/v1" {
					t.Fatalf("record = %+v", got)
				}
			},
		},
		{
			name:     "model provider in place",
			fields:   []platform.Field{platform.FieldModelProvider},
			change:   func(r *platform.Record) { r.ModelProvider = "vertex" },
			wantBody: map[string]any{"aiType": "GOOGLE"},
			check: func(t *testing.T, got platform.Record) {
				if got.ModelProvider != "google_ai" || got.Name != "primary" {
					t.Fatalf("record = %+v, want google_ai (first canonical value of GOOGLE)", got)
				}
			},
		},
		{
			name:     "cleared api key",
			fields:   []platform.Field{platform.FieldAPIKey},
			change:   func(r *platform.Record) { r.APIKey = "" },
			wantBody: map[string]any{"key": nil},
		},
		{
			name:     "endpoint and rotated secret",
			fields:   []platform.Field{platform.FieldBaseURL, platform.FieldSecret},
			change:   func(r *platform.Record) { r.BaseURL = "https://eu.api.openai.com/v1"; r.Secret = "rotated" },
			wantBody: map[string]any{"endpoint": "https://eu.api.openai.com/v1", "secret": "rotated"},
			check: func(t *testing.T, got platform.Record) {
				if got.BaseURL != "https://eu.api.openai.com/v1" || got.Secret != "" {
					t.Fatalf("record = %+v", got)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			created := f.mustCreate(t, sampleRecord("primary", "ws-a"))
			f.srv.ClearRequests()
			planned := sampleRecord("primary", "ws-a")
			tc.change(&planned)
			ref := platform.Ref{ID: created.ID, WorkspaceID: "ws-a"}
			var rotated []platform.Field
			for _, fd := range tc.fields {
				if slices.Contains(platform.SecretFields, fd) {
					rotated = append(rotated, fd)
				}
			}
			patch := platformtest.MustPlanUpdate(t, f.client, sampleRecord("primary", "ws-a"), planned, rotated...)
			if !slices.Equal(patch.Fields, tc.fields) {
				t.Fatalf("planned fields %v, want %v", patch.Fields, tc.fields)
			}
			got, err := f.client.Update(context.Background(), ref, patch)
			if err != nil {
				t.Fatal(err)
			}
			if body := journalBody(t, f.srv, http.MethodPut); !reflect.DeepEqual(body, tc.wantBody) {
				t.Fatalf("PUT body = %v, want exactly %v", body, tc.wantBody)
			}
			// One request per update: the answer carries only the id, so there is no read-back.
			if lines, want := requestLines(f.srv), []string{"PUT /ai/llm/" + created.ID}; !slices.Equal(lines, want) {
				t.Fatalf("requests = %v, want %v", lines, want)
			}
			if got.ID != created.ID {
				t.Fatalf("updated record id = %q, want %q", got.ID, created.ID)
			}
			after, err := f.client.Get(context.Background(), ref)
			if err != nil {
				t.Fatal(err)
			}
			if after.OrgID != created.OrgID || after.CreatedAt != created.CreatedAt || after.APIKey != "" {
				t.Fatalf("record after update = %+v", after)
			}
			if tc.check != nil {
				tc.check(t, after)
			}
		})
	}
}

func TestUpdateWithAnEmptyPatchSendsNothing(t *testing.T) {
	f := newFixture(t)
	created := f.mustCreate(t, sampleRecord("primary", "ws-a"))
	f.srv.ClearRequests()
	p := platformtest.MustPlanUpdate(t, f.client, created, sampleRecord("primary", "ws-a"))
	if !p.Empty() {
		t.Fatalf("an unchanged record planned %v", p.Fields)
	}
	if _, err := f.client.Update(context.Background(), platform.Ref{ID: created.ID, WorkspaceID: "ws-a"}, p); err == nil {
		t.Fatal("an empty patch was sent")
	}
	if lines := requestLines(f.srv); len(lines) != 0 {
		t.Fatalf("requests = %v, want none", lines)
	}
}

func TestUpdateOfTheWorkspaceIsRefusedWithoutARequest(t *testing.T) {
	f := newFixture(t)
	created := f.mustCreate(t, sampleRecord("primary", "ws-a"))
	f.srv.ClearRequests()
	planned := sampleRecord("renamed", "ws-b")
	_, err := platform.PlanUpdate(f.client, created, planned, nil)
	if err == nil || !strings.Contains(err.Error(), "workspace_id cannot be changed in place") {
		t.Fatalf("error = %v", err)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}

func TestUpdateOfAMissingRecordIsNotFound(t *testing.T) {
	f := newFixture(t)
	_, err := f.client.Update(context.Background(), platform.Ref{ID: "00000000-0000-4000-8000-000000000000", WorkspaceID: "ws-a"},
		platformtest.MustPlanUpdate(t, f.client, sampleRecord("y", "ws-a"), sampleRecord("x", "ws-a")))
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindNotFound || apiErr.Status != http.StatusNotFound || apiErr.Message != "AI LLM configuration not found" || apiErr.Method != http.MethodPut {
		t.Fatalf("error = %+v", apiErr)
	}
}

func TestUpdateNameClashIsAValidationError(t *testing.T) {
	f := newFixture(t)
	a := f.mustCreate(t, sampleRecord("alpha", "ws-a"))
	f.mustCreate(t, sampleRecord("beta", "ws-a"))
	_, err := f.client.Update(context.Background(), platform.Ref{ID: a.ID, WorkspaceID: "ws-a"},
		platformtest.MustPlanUpdate(t, f.client, sampleRecord("alpha", "ws-a"), sampleRecord("beta", "ws-a")))
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindValidation || !strings.Contains(apiErr.Message, `named "beta" already exists in this workspace`) {
		t.Fatalf("error = %+v", apiErr)
	}
}

func TestDelete(t *testing.T) {
	f := newFixture(t)
	a := f.mustCreate(t, sampleRecord("alpha", "ws-a"))
	ref := platform.Ref{ID: a.ID, WorkspaceID: "ws-a"}
	if err := f.client.Delete(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Get(context.Background(), ref); !platform.IsNotFound(err) {
		t.Fatalf("Get after delete = %v", err)
	}
	// A record that is already gone is not an error, but the 404 did come from the platform.
	f.srv.ClearRequests()
	if err := f.client.Delete(context.Background(), ref); err != nil {
		t.Fatalf("Delete of a missing record = %v", err)
	}
	if e := f.srv.Requests(); len(e) != 1 || e[0].Method != http.MethodDelete || e[0].Path != "/ai/llm/"+a.ID || e[0].Status != http.StatusNotFound {
		t.Fatalf("journal = %+v", e)
	}
}

func TestIDsCannotEscapeTheRecordPath(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"", ".", ".."} {
		if err := f.client.Delete(context.Background(), platform.Ref{ID: id}); err == nil {
			t.Fatalf("Delete(%q) was accepted", id)
		}
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
	// A slash stays inside one path segment.
	if err := f.client.Delete(context.Background(), platform.Ref{ID: "a/validate"}); err != nil {
		t.Fatalf("Delete(a/validate) = %v, want the 404 to count as success", err)
	}
	if e := f.srv.Requests(); len(e) != 1 || e[0].Path != "/ai/llm/a/validate" || e[0].Status != http.StatusNotFound {
		t.Fatalf("journal = %+v", e)
	}
}

func TestFindExisting(t *testing.T) {
	f := newFixture(t)
	a := f.mustCreate(t, sampleRecord("shared", "ws-a"))
	b := f.mustCreate(t, sampleRecord("shared", "ws-b"))
	f.srv.ClearRequests()

	got, found, err := platform.FindExisting(context.Background(), f.client, sampleRecord("shared", "ws-b"))
	if err != nil || !found || !reflect.DeepEqual(got, b) {
		t.Fatalf("FindExisting(shared, ws-b) = %+v, %v, %v; want %+v", got, found, err, b)
	}
	if lines := requestLines(f.srv); !slices.Equal(lines, []string{"GET /ai/llm?workspaceId=ws-b"}) {
		t.Fatalf("requests = %v", lines)
	}
	got, found, err = platform.FindExisting(context.Background(), f.client, sampleRecord("shared", "ws-a"))
	if err != nil || !found || got.ID != a.ID {
		t.Fatalf("FindExisting(shared, ws-a) = %+v, %v, %v", got, found, err)
	}
	for _, r := range []platform.Record{sampleRecord("SHARED", "ws-a"), sampleRecord("shared", "ws-c")} {
		if got, found, err := platform.FindExisting(context.Background(), f.client, r); err != nil || found {
			t.Fatalf("FindExisting(%s, %s) = %+v, %v, %v; want not found", r.Name, r.WorkspaceID, got, found, err)
		}
	}
	if _, _, err := platform.FindExisting(context.Background(), f.client, sampleRecord("shared", "")); err == nil {
		t.Fatal("FindExisting without a workspace was accepted")
	}
}

func TestErrorEnvelopesAreTyped(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   platform.Kind
	}{
		{http.StatusBadRequest, platform.KindValidation},
		{http.StatusForbidden, platform.KindPermission},
		{http.StatusNotFound, platform.KindNotFound},
		{http.StatusInternalServerError, platform.KindServer},
	} {
		f := newFixture(t)
		if err := f.srv.SetFaults([]mockserver.FaultRule{{Path: "/ai/llm", Status: tc.status}}); err != nil {
			t.Fatal(err)
		}
		_, err := f.client.List(context.Background(), platform.ListOptions{})
		apiErr := asAPIError(t, err)
		if apiErr.Kind != tc.kind || apiErr.Status != tc.status || apiErr.Message != "injected fault" || apiErr.Platform != Name || apiErr.Code != "" {
			t.Fatalf("status %d: error = %+v", tc.status, apiErr)
		}
	}
}

func TestWrongTokenIsKindAuth(t *testing.T) {
	f := newFixture(t)
	c := newClient(t, f.url, "wrong-token")
	_, err := c.List(context.Background(), platform.ListOptions{})
	apiErr := asAPIError(t, err)
	if apiErr.Kind != platform.KindAuth || apiErr.Status != http.StatusUnauthorized || apiErr.Message != "invalid or missing bearer token" {
		t.Fatalf("error = %+v", apiErr)
	}
	if strings.Contains(err.Error(), "wrong-token") {
		t.Fatalf("the token appears in %q", err)
	}
}

// echoServer answers every request with the status and the request body inside the envelope's
// message, as a careless platform might.
func echoServer(t *testing.T, status int) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"success": false, "message": "rejected " + string(body) + " with " + r.Header.Get("Authorization")})
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestSecretsNeverAppearInErrors(t *testing.T) {
	r := sampleRecord("primary", "ws-a")
	r.APIKey, r.Secret = "sk-echoed-api-key", "echoed-secret-value"
	for _, status := range []int{http.StatusBadRequest, http.StatusInternalServerError} {
		c := newClient(t, echoServer(t, status), "echoed-token")
		_, createErr := c.Create(context.Background(), r)
		prior := r
		prior.APIKey, prior.Secret = "", ""
		_, updateErr := c.Update(context.Background(), platform.Ref{ID: "id-1", WorkspaceID: "ws-a"},
			platformtest.MustPlanUpdate(t, c, prior, r, platform.FieldAPIKey, platform.FieldSecret))
		for _, err := range []error{createErr, updateErr} {
			if err == nil {
				t.Fatalf("status %d: no error", status)
			}
			text := err.Error()
			for _, secret := range []string{r.APIKey, r.Secret, "echoed-token"} {
				if strings.Contains(text, secret) {
					t.Fatalf("status %d: error %q holds %q", status, text, secret)
				}
			}
			if !strings.Contains(text, platform.RedactedMarker) || !strings.Contains(text, "rejected {") {
				t.Fatalf("status %d: error %q lost the platform's message", status, text)
			}
		}
		if status >= 500 && !errors.Is(createErr, platform.ErrAmbiguous) {
			t.Fatalf("a 5xx create is not ambiguous: %v", createErr)
		}
	}
}

func TestMalformedAnswersAreDecodeErrors(t *testing.T) {
	for _, body := range []string{`not json`, `{"success":true}`, `{"success":true,"aiLlms":{}}`, `{"success":false,"message":"nope","aiLlms":[]}`} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, body) }))
		c := newClient(t, ts.URL, testToken)
		_, err := c.List(context.Background(), platform.ListOptions{})
		ts.Close()
		var decodeErr *platform.DecodeError
		if !errors.As(err, &decodeErr) || decodeErr.Method != http.MethodGet || decodeErr.Path != "/ai/llm" {
			t.Fatalf("body %s: error = %v (%T)", body, err, err)
		}
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"success":true}`) }))
	defer ts.Close()
	_, err := newClient(t, ts.URL, testToken).Create(context.Background(), sampleRecord("primary", "ws-a"))
	var decodeErr *platform.DecodeError
	if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), "no aiLlmId") {
		t.Fatalf("create without aiLlmId: %v", err)
	}
}

func TestCreateBody(t *testing.T) {
	base := sampleRecord("primary", "ws-a")
	for _, tc := range []struct {
		name    string
		change  func(*platform.Record)
		want    map[string]any
		wantErr string
	}{
		{"full", func(*platform.Record) {}, map[string]any{
			"name": "primary", "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1",
			"key": "sk-live-primary", "secret": "secret-primary", "workspaceId": "ws-a",
		}, ""},
		{"no key is omitted", func(r *platform.Record) { r.APIKey = "" }, map[string]any{
			"name": "primary", "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1",
			"secret": "secret-primary", "workspaceId": "ws-a",
		}, ""},
		{"bedrock is AWS", func(r *platform.Record) { r.ModelProvider = "bedrock"; r.APIKey = "" }, map[string]any{
			"name": "primary", "aiType": "AWS", "endpoint": "https://api.openai.com/v1",
			"secret": "secret-primary", "workspaceId": "ws-a",
		}, ""},
		{"mistral is OTHER", func(r *platform.Record) { r.ModelProvider = "mistral"; r.APIKey = "" }, map[string]any{
			"name": "primary", "aiType": "OTHER", "endpoint": "https://api.openai.com/v1",
			"secret": "secret-primary", "workspaceId": "ws-a",
		}, ""},
		{"computed fields are ignored", func(r *platform.Record) { r.ID, r.OrgID, r.CreatedAt = "x", "o", "c" }, map[string]any{
			"name": "primary", "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1",
			"key": "sk-live-primary", "secret": "secret-primary", "workspaceId": "ws-a",
		}, ""},
		{"no name", func(r *platform.Record) { r.Name = "" }, nil, "name is required"},
		{"no model provider", func(r *platform.Record) { r.ModelProvider = "" }, nil, "model_provider is required"},
		{"unknown model provider", func(r *platform.Record) { r.ModelProvider = "acme" }, nil, `model_provider "acme" is not supported by flashback`},
		{"no base url", func(r *platform.Record) { r.BaseURL = "" }, nil, "base_url is required"},
		{"no secret", func(r *platform.Record) { r.Secret = "" }, nil, "secret is required"},
		{"no workspace", func(r *platform.Record) { r.WorkspaceID = "" }, nil, "workspace_id is required"},
		{"enabled is n/a", func(r *platform.Record) { r.Enabled = new(bool) }, nil, "enabled is not supported by flashback"},
		{"settings are n/a", func(r *platform.Record) { r.Settings = map[string]any{"a": 1} }, nil, "settings is not supported by flashback"},
		{"credentials are n/a", func(r *platform.Record) { r.Credentials = map[string]string{"a": "b"} }, nil, "credentials is not supported by flashback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			tc.change(&r)
			got, err := CreateBody(r)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("CreateBody = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// updateBody is UpdateBody of a patch's fields and values.
func updateBody(p platform.Patch) (map[string]any, error) {
	body, _, err := UpdateBody(platform.Record{}, p.Values, p.Fields)
	return body, err
}

func TestUpdateBody(t *testing.T) {
	values := sampleRecord("renamed", "ws-a")
	values.ModelProvider = "anthropic"
	for _, tc := range []struct {
		name    string
		fields  []platform.Field
		change  func(*platform.Record)
		want    map[string]any
		wantErr string
	}{
		{"nothing", nil, nil, map[string]any{}, ""},
		{"name", []platform.Field{platform.FieldName}, nil, map[string]any{"name": "renamed"}, ""},
		{"model provider", []platform.Field{platform.FieldModelProvider}, nil, map[string]any{"aiType": "ANTHROPIC"}, ""},
		{"google_ai", []platform.Field{platform.FieldModelProvider}, func(r *platform.Record) { r.ModelProvider = "google_ai" }, map[string]any{"aiType": "GOOGLE"}, ""},
		{"base url", []platform.Field{platform.FieldBaseURL}, nil, map[string]any{"endpoint": "https://api.openai.com/v1"}, ""},
		{"api key", []platform.Field{platform.FieldAPIKey}, nil, map[string]any{"key": "sk-live-renamed"}, ""},
		{"cleared api key", []platform.Field{platform.FieldAPIKey}, func(r *platform.Record) { r.APIKey = "" }, map[string]any{"key": nil}, ""},
		{"secret", []platform.Field{platform.FieldSecret}, nil, map[string]any{"secret": "secret-renamed"}, ""},
		{"several", []platform.Field{platform.FieldName, platform.FieldAPIKey, platform.FieldSecret}, nil,
			map[string]any{"name": "renamed", "key": "sk-live-renamed", "secret": "secret-renamed"}, ""},
		{"workspace", []platform.Field{platform.FieldWorkspaceID}, nil, nil, "workspace_id cannot be changed in place"},
		{"cleared name", []platform.Field{platform.FieldName}, func(r *platform.Record) { r.Name = "" }, nil, "name is required and cannot be cleared"},
		{"cleared base url", []platform.Field{platform.FieldBaseURL}, func(r *platform.Record) { r.BaseURL = "" }, nil, "base_url is required and cannot be cleared"},
		{"cleared secret", []platform.Field{platform.FieldSecret}, func(r *platform.Record) { r.Secret = "" }, nil, "secret is required and cannot be cleared"},
		{"cleared model provider", []platform.Field{platform.FieldModelProvider}, func(r *platform.Record) { r.ModelProvider = "" }, nil, "model_provider is required"},
		{"unknown model provider", []platform.Field{platform.FieldModelProvider}, func(r *platform.Record) { r.ModelProvider = "acme" }, nil, "not supported by flashback"},
		{"n/a field", []platform.Field{platform.FieldEnabled}, nil, nil, "enabled is not supported by flashback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := values
			if tc.change != nil {
				tc.change(&v)
			}
			got, err := updateBody(platform.Patch{Fields: tc.fields, Values: v})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("UpdateBody = %#v, %v; want %#v", got, err, tc.want)
			}
			// A cleared key must reach the wire as an explicit null, not vanish.
			if data, _ := json.Marshal(got); tc.name == "cleared api key" && string(data) != `{"key":null}` {
				t.Fatalf("JSON = %s", data)
			}
		})
	}
}

func TestDecodeRecord(t *testing.T) {
	full := `{"id":"11111111-1111-4111-8111-111111111111","orgId":"o-1","workspaceId":"ws-a","userId":"u-1","name":"primary",` +
		`"aiType":"%s","endpoint":"https://api.openai.com/v1","key":%s,"createdAt":"2025-01-02T03:04:05.000Z","repos":[],"extra":{"x":1}}`
	record := func(provider string) platform.Record {
		return platform.Record{
			ID: "11111111-1111-4111-8111-111111111111", Name: "primary", ModelProvider: provider,
			BaseURL: "https://api.openai.com/v1", WorkspaceID: "ws-a", OrgID: "o-1", CreatedAt: "2025-01-02T03:04:05.000Z",
			Returned: dtoFields,
		}
	}
	for _, tc := range []struct {
		name    string
		body    string
		want    platform.Record
		wantErr bool
	}{
		{"openai with null key", fmt.Sprintf(full, "OPENAI", "null"), record("openai"), false},
		{"masked key is not read back", fmt.Sprintf(full, "ANTHROPIC", `"sk-***"`), record("anthropic"), false},
		{"GOOGLE is google_ai", fmt.Sprintf(full, "GOOGLE", "null"), record("google_ai"), false},
		{"AWS is bedrock", fmt.Sprintf(full, "AWS", "null"), record("bedrock"), false},
		{"OTHER is azure_openai", fmt.Sprintf(full, "OTHER", "null"), record("azure_openai"), false},
		{"unknown wire value stays visible", fmt.Sprintf(full, "MISTRAL", "null"), record("MISTRAL"), false},
		{"repos with entries", `{"id":"x","repos":[{"id":"r","name":"n","createdAt":"c"}]}`, platform.Record{ID: "x", Returned: dtoFields}, false},
		{"no id", `{"name":"primary"}`, platform.Record{}, true},
		{"numeric name", `{"id":"x","name":5}`, platform.Record{}, true},
		{"numeric id", `{"id":5}`, platform.Record{}, true},
		{"array", `[]`, platform.Record{}, true},
		{"truncated", `{"id":"x","name":"pri`, platform.Record{}, true},
		{"empty", ``, platform.Record{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeRecord([]byte(tc.body))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("DecodeRecord(%s) = %+v, want an error", tc.body, got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("DecodeRecord = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestDecodeList(t *testing.T) {
	got, err := DecodeList([]byte(`{"success":true,"aiLlms":[{"id":"a","name":"one","aiType":"OPENAI"},{"id":"b","name":"two","aiType":"AWS"}],"next":null}`))
	want := []platform.Record{{ID: "a", Name: "one", ModelProvider: "openai", Returned: dtoFields}, {ID: "b", Name: "two", ModelProvider: "bedrock", Returned: dtoFields}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeList = %+v, %v", got, err)
	}
	if got, err := DecodeList([]byte(`{"success":true,"aiLlms":[]}`)); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("empty list = %#v, %v", got, err)
	}
	// A refusal is reported as one even when the rest of the body does not decode.
	if _, err := DecodeList([]byte(`{"success":false,"message":"denied","aiLlms":"x"}`)); err == nil || !strings.Contains(err.Error(), `success false: "denied"`) {
		t.Fatalf("refusal with a malformed list: %v, want the refusal", err)
	}
	for _, body := range []string{
		`{"success":true}`, `{"success":true,"aiLlms":null}`, `{"success":false,"message":"denied"}`,
		`{"success":true,"aiLlms":[{"name":"no id"}]}`, `{"success":true,"aiLlms":"x"}`, `[]`, `{"aiLlms":[`, ``,
	} {
		if got, err := DecodeList([]byte(body)); err == nil {
			t.Fatalf("DecodeList(%s) = %+v, want an error", body, got)
		}
	}
}

func TestDecodeError(t *testing.T) {
	for body, want := range map[string]string{
		`{"success":false,"message":"AI LLM configuration not found"}`: "AI LLM configuration not found",
		`{"message":"plain"}`:           "plain",
		`{"success":false,"message":5}`: "",
		`<html>Bad Gateway</html>`:      "",
		`{"success":false}`:             "",
	} {
		code, message := DecodeError([]byte(body))
		if code != "" || message != want {
			t.Fatalf("DecodeError(%s) = %q, %q; want %q", body, code, message, want)
		}
	}
}

// TestValidate: POST /ai/llm/{id}/validate gives the platform's verdict, valid or not with its
// message; a missing record is not found, not a verdict.
func TestValidate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rec := f.mustCreate(t, sampleRecord("primary", "ws-a"))
	got, err := f.client.Validate(ctx, platform.Ref{ID: rec.ID, WorkspaceID: "ws-a"})
	if err != nil || !got.Valid || got.Message != "AI LLM configuration validated successfully" {
		t.Fatalf("Validate = %+v, %v; want valid with the platform's message", got, err)
	}
	if err := f.srv.Flashback().SetValidation(rec.ID, false, "the provider rejected the key"); err != nil {
		t.Fatal(err)
	}
	got, err = f.client.Validate(ctx, platform.Ref{ID: rec.ID})
	if err != nil || got.Valid || got.Message != "the provider rejected the key" {
		t.Fatalf("Validate after SetValidation(false) = %+v, %v; want invalid with its message", got, err)
	}
	last := f.srv.Requests()[len(f.srv.Requests())-1]
	if last.Method != http.MethodPost || last.Path != "/ai/llm/"+rec.ID+"/validate" {
		t.Fatalf("last request = %s %s, want POST /ai/llm/%s/validate", last.Method, last.Path, rec.ID)
	}
	_, err = f.client.Validate(ctx, platform.Ref{ID: "9b2f0c1e-5d4a-4c7b-8e3f-2a6d1b0c9e8f"})
	if apiErr := asAPIError(t, err); apiErr.Kind != platform.KindNotFound {
		t.Fatalf("Validate of a missing record = %v, want not found", err)
	}
}

func TestDecodeValidation(t *testing.T) {
	for body, want := range map[string]platform.Validation{
		`{"success":true,"message":"ok"}`:  {Valid: true, Message: "ok"},
		`{"success":false,"message":"no"}`: {Valid: false, Message: "no"},
		`{"success":false}`:                {},
	} {
		if got, err := DecodeValidation([]byte(body)); err != nil || got != want {
			t.Errorf("DecodeValidation(%s) = %+v, %v; want %+v", body, got, err, want)
		}
	}
	for _, body := range []string{`{"message":"ok"}`, `{"success":"true"}`, `[]`, ``} {
		if _, err := DecodeValidation([]byte(body)); err == nil {
			t.Errorf("DecodeValidation(%s) was accepted", body)
		}
	}
}

// TestCreateWithAStoredKey: api_key_id (apiKeyUuid) stands in for the secret, which the create
// then does not need; the read-back carries it as apiKeyId.
func TestCreateWithAStoredKey(t *testing.T) {
	f := newFixture(t)
	in := sampleRecord("stored", "ws-a")
	in.Secret, in.APIKeyID = "", "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	got := f.mustCreate(t, in)
	if got.APIKeyID != in.APIKeyID || !got.Returned[platform.FieldAPIKeyID] {
		t.Fatalf("read back api_key_id %q (returned %v), want %q", got.APIKeyID, got.Returned[platform.FieldAPIKeyID], in.APIKeyID)
	}
	body := journalBody(t, f.srv, http.MethodPost)
	if _, sent := body["secret"]; sent || body["apiKeyUuid"] != in.APIKeyID {
		t.Fatalf("create body = %v, want apiKeyUuid and no secret", body)
	}
	// Without either, the create is refused before any request.
	before := len(f.srv.Requests())
	in.APIKeyID = ""
	if _, err := platform.Create(context.Background(), f.client, in); err == nil || !strings.Contains(err.Error(), "secret is required") {
		t.Fatalf("error = %v", err)
	}
	if n := len(f.srv.Requests()) - before; n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}
