package keywordsai_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
)

const token = "test-token"

// provider keys the platform answers with: never api_key, never extra_kwargs.
var providerKeys = []string{"created_at", "id", "is_managed", "provider_id", "provider_name", "updated_at"}

type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a answer) object(t *testing.T) map[string]any {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal(a.Body, &obj); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", a.Body, err)
	}
	return obj
}

func (a answer) array(t *testing.T) []map[string]any {
	t.Helper()
	var arr []map[string]any
	if err := json.Unmarshal(a.Body, &arr); err != nil {
		t.Fatalf("body %q is not a JSON array of objects: %v", a.Body, err)
	}
	return arr
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(mockserver.New(token))
	t.Cleanup(srv.Close)
	return srv
}

// call sends a request with the test token; body is sent as is so malformed JSON can be tested.
func call(t *testing.T, srv *httptest.Server, method, path, body string) answer {
	t.Helper()
	return callWithAuth(t, srv, method, path, body, "Bearer "+token)
}

func callWithAuth(t *testing.T, srv *httptest.Server, method, path, body, auth string) answer {
	t.Helper()
	a, err := send(srv, method, path, body, auth)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// send is callWithAuth without the testing.T, for goroutines that must not call t.Fatal.
func send(srv *httptest.Server, method, path, body, auth string) (answer, error) {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, reader)
	if err != nil {
		return answer{}, err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keysOf(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func expectStatus(t *testing.T, a answer, want int) {
	t.Helper()
	if a.Status != want {
		t.Fatalf("status = %d, want %d; body %s", a.Status, want, a.Body)
	}
}

// expectBody compares the answer's JSON body with want.
func expectBody(t *testing.T, a answer, want any) {
	t.Helper()
	var got, wantValue any
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", a.Body, err)
	}
	if err := json.Unmarshal([]byte(mustJSON(t, want)), &wantValue); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantValue) {
		t.Fatalf("body = %s, want %s", a.Body, mustJSON(t, want))
	}
}

func create(t *testing.T, srv *httptest.Server, body map[string]any) map[string]any {
	t.Helper()
	a := call(t, srv, http.MethodPost, "/api/providers/", mustJSON(t, body))
	expectStatus(t, a, http.StatusCreated)
	return a.object(t)
}

func expectProviderShape(t *testing.T, obj map[string]any) {
	t.Helper()
	if got := keysOf(obj); !slices.Equal(got, providerKeys) {
		t.Fatalf("provider keys = %v, want %v", got, providerKeys)
	}
}

func expectTimestamp(t *testing.T, field string, v any) {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%s = %v, want an RFC 3339 string", field, v)
	}
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		t.Fatalf("%s = %q is not RFC 3339: %v", field, s, err)
	}
}

func TestMatchClaimsOnlyProviderPaths(t *testing.T) {
	m := keywordsai.New()
	for path, want := range map[string]bool{
		"/api/providers/":             true,
		"/api/providers":              true,
		"/api/providers/x/":           true,
		"/api/providers/x":            true,
		"/api/providersx":             false,
		"/api/v1/llm-provider/openai": false,
		"/api/llm-gateway/admin/x":    false,
		"/ai/llm":                     false,
		"/":                           false,
	} {
		if got := m.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestMissingTrailingSlashIsNotFound(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/providers", ""},
		{http.MethodPost, "/api/providers", `{"provider_id":"a","provider_name":"A"}`},
		{http.MethodGet, "/api/providers/" + keywordsai.ManagedProviderID, ""},
		{http.MethodPatch, "/api/providers/" + keywordsai.ManagedProviderID, `{"provider_name":"x"}`},
		{http.MethodDelete, "/api/providers/" + keywordsai.ManagedProviderID, ""},
		{http.MethodGet, "/api/providers/a/b/", ""},
	} {
		a := call(t, srv, tc.method, tc.path, tc.body)
		expectStatus(t, a, http.StatusNotFound)
		expectBody(t, a, map[string]string{"detail": "Not found."})
	}
	// The same paths with their slash work, and the slash-less POST created nothing.
	expectStatus(t, call(t, srv, http.MethodGet, "/api/providers/"+keywordsai.ManagedProviderID+"/", ""), http.StatusOK)
	expectStatus(t, call(t, srv, http.MethodGet, "/api/providers/a/", ""), http.StatusNotFound)
}

func TestUnauthorizedInDetailEnvelope(t *testing.T) {
	srv := newServer(t)
	for name, auth := range map[string]string{"missing": "", "wrong": "Bearer not-the-token", "not bearer": "Token " + token} {
		t.Run(name, func(t *testing.T) {
			a := callWithAuth(t, srv, http.MethodGet, "/api/providers/", "", auth)
			expectStatus(t, a, http.StatusUnauthorized)
			obj := a.object(t)
			if got := keysOf(obj); !slices.Equal(got, []string{"detail"}) {
				t.Fatalf("401 keys = %v, want [detail]", got)
			}
			if detail, _ := obj["detail"].(string); detail == "" {
				t.Fatalf("401 detail is empty: %s", a.Body)
			}
			if got := a.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Fatalf("WWW-Authenticate = %q, want a Bearer challenge", got)
			}
		})
	}
}

func TestStartsWithOneManagedProvider(t *testing.T) {
	srv := newServer(t)
	a := call(t, srv, http.MethodGet, "/api/providers/", "")
	expectStatus(t, a, http.StatusOK)
	list := a.array(t)
	if len(list) != 1 {
		t.Fatalf("list = %s, want the managed provider only", a.Body)
	}
	expectProviderShape(t, list[0])
	want := map[string]any{"id": keywordsai.ManagedProviderID, "provider_id": keywordsai.ManagedProviderID,
		"provider_name": keywordsai.ManagedProviderName, "is_managed": true, "updated_at": nil}
	for k, v := range want {
		if list[0][k] != v {
			t.Errorf("%s = %v, want %v", k, list[0][k], v)
		}
	}
}

func TestCreateAnswers201WithoutSecrets(t *testing.T) {
	srv := newServer(t)
	a := call(t, srv, http.MethodPost, "/api/providers/", mustJSON(t, map[string]any{
		"provider_id": "my-azure-provider", "provider_name": "Azure Provider", "api_key": "sk-very-secret-key",
		"extra_kwargs": map[string]any{"base_url": "https://example.openai.azure.com", "timeout": 90, "token": "kw-secret-value"},
		"is_managed":   true,
	}))
	expectStatus(t, a, http.StatusCreated)
	obj := a.object(t)
	expectProviderShape(t, obj)
	if obj["id"] != "my-azure-provider" || obj["provider_id"] != "my-azure-provider" || obj["provider_name"] != "Azure Provider" {
		t.Fatalf("created = %s", a.Body)
	}
	if obj["is_managed"] != false {
		t.Fatalf("is_managed = %v: it is read-only and must stay false for a custom provider", obj["is_managed"])
	}
	if obj["updated_at"] != nil {
		t.Fatalf("updated_at = %v, want null until the first update", obj["updated_at"])
	}
	expectTimestamp(t, "created_at", obj["created_at"])

	// Neither the key nor extra_kwargs come back from any read.
	for _, read := range []answer{a,
		call(t, srv, http.MethodGet, "/api/providers/my-azure-provider/", ""),
		call(t, srv, http.MethodGet, "/api/providers/", ""),
		call(t, srv, http.MethodPatch, "/api/providers/my-azure-provider/", `{"provider_name":"Renamed"}`),
	} {
		if read.Status != http.StatusOK && read.Status != http.StatusCreated {
			t.Fatalf("status = %d: %s", read.Status, read.Body)
		}
		for _, leak := range []string{"sk-very-secret-key", "kw-secret-value", "api_key", "extra_kwargs", "example.openai.azure.com"} {
			if strings.Contains(string(read.Body), leak) {
				t.Fatalf("answer %s holds %q", read.Body, leak)
			}
		}
	}
}

func TestCreateIsAnUpsertByProviderID(t *testing.T) {
	srv := newServer(t)
	first := create(t, srv, map[string]any{"provider_id": "dup", "provider_name": "First", "api_key": "k1"})
	create(t, srv, map[string]any{"provider_id": "other", "provider_name": "Other"})

	a := call(t, srv, http.MethodPost, "/api/providers/", `{"provider_id":"dup","provider_name":"Second"}`)
	expectStatus(t, a, http.StatusOK)
	second := a.object(t)
	expectProviderShape(t, second)
	if second["provider_name"] != "Second" {
		t.Fatalf("upsert did not update provider_name: %s", a.Body)
	}
	if second["created_at"] != first["created_at"] {
		t.Fatalf("created_at changed on upsert: %v -> %v", first["created_at"], second["created_at"])
	}
	expectTimestamp(t, "updated_at", second["updated_at"])

	list := call(t, srv, http.MethodGet, "/api/providers/", "").array(t)
	var ids []string
	for _, p := range list {
		ids = append(ids, p["id"].(string))
	}
	if want := []string{keywordsai.ManagedProviderID, "dup", "other"}; !slices.Equal(ids, want) {
		t.Fatalf("list ids = %v, want %v (one record per provider_id, creation order kept)", ids, want)
	}
}

func TestCreateUpsertOfManagedProviderIsForbidden(t *testing.T) {
	srv := newServer(t)
	a := call(t, srv, http.MethodPost, "/api/providers/", mustJSON(t, map[string]any{
		"provider_id": keywordsai.ManagedProviderID, "provider_name": "Hijack"}))
	expectStatus(t, a, http.StatusForbidden)
	expectBody(t, a, map[string]string{"detail": "Managed providers cannot be modified."})
	got := call(t, srv, http.MethodGet, "/api/providers/"+keywordsai.ManagedProviderID+"/", "").object(t)
	if got["provider_name"] != keywordsai.ManagedProviderName {
		t.Fatalf("managed provider changed: %v", got)
	}
}

func TestCreateValidation(t *testing.T) {
	long := strings.Repeat("a", 129)
	for _, tc := range []struct {
		name string
		body string
		want any
	}{
		{"empty object", `{}`, map[string][]string{"provider_id": {"This field is required."}, "provider_name": {"This field is required."}}},
		{"empty body", ``, map[string][]string{"provider_id": {"This field is required."}, "provider_name": {"This field is required."}}},
		{"missing name", `{"provider_id":"p"}`, map[string][]string{"provider_name": {"This field is required."}}},
		{"blank id", `{"provider_id":"","provider_name":"P"}`, map[string][]string{"provider_id": {"This field may not be blank."}}},
		{"null id", `{"provider_id":null,"provider_name":"P"}`, map[string][]string{"provider_id": {"This field may not be null."}}},
		{"id with space", `{"provider_id":"my provider","provider_name":"P"}`, map[string][]string{"provider_id": {"This value does not match the required pattern."}}},
		{"id with slash", `{"provider_id":"a/b","provider_name":"P"}`, map[string][]string{"provider_id": {"This value does not match the required pattern."}}},
		{"id starting with dot", `{"provider_id":".a","provider_name":"P"}`, map[string][]string{"provider_id": {"This value does not match the required pattern."}}},
		{"id too long", `{"provider_id":"` + long + `","provider_name":"P"}`, map[string][]string{"provider_id": {"This value does not match the required pattern."}}},
		{"id number", `{"provider_id":12,"provider_name":"P"}`, map[string][]string{"provider_id": {"Not a valid string."}}},
		{"name bool", `{"provider_id":"p","provider_name":true}`, map[string][]string{"provider_name": {"Not a valid string."}}},
		{"name blank", `{"provider_id":"p","provider_name":"  "}`, map[string][]string{"provider_name": {"This field may not be blank."}}},
		{"name too long", `{"provider_id":"p","provider_name":"` + strings.Repeat("n", 256) + `"}`, map[string][]string{"provider_name": {"Ensure this field has no more than 255 characters."}}},
		{"api_key bool", `{"provider_id":"p","provider_name":"P","api_key":true}`, map[string][]string{"api_key": {"Not a valid string."}}},
		{"api_key null", `{"provider_id":"p","provider_name":"P","api_key":null}`, map[string][]string{"api_key": {"This field may not be null."}}},
		{"extra_kwargs string", `{"provider_id":"p","provider_name":"P","extra_kwargs":"x"}`, map[string][]string{"extra_kwargs": {`Expected a dictionary of items but got type "str".`}}},
		{"extra_kwargs array", `{"provider_id":"p","provider_name":"P","extra_kwargs":[1]}`, map[string][]string{"extra_kwargs": {`Expected a dictionary of items but got type "list".`}}},
		{"extra_kwargs null", `{"provider_id":"p","provider_name":"P","extra_kwargs":null}`, map[string][]string{"extra_kwargs": {"This field may not be null."}}},
		{"array body", `[{"provider_id":"p"}]`, map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary, but got list."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t)
			a := call(t, srv, http.MethodPost, "/api/providers/", tc.body)
			expectStatus(t, a, http.StatusBadRequest)
			expectBody(t, a, tc.want)
			if n := len(call(t, srv, http.MethodGet, "/api/providers/", "").array(t)); n != 1 {
				t.Fatalf("a refused create stored something: %d providers", n)
			}
		})
	}
	t.Run("malformed JSON", func(t *testing.T) {
		a := call(t, newServer(t), http.MethodPost, "/api/providers/", `{"provider_id":`)
		expectStatus(t, a, http.StatusBadRequest)
		if detail, _ := a.object(t)["detail"].(string); !strings.HasPrefix(detail, "JSON parse error - ") {
			t.Fatalf("detail = %q", detail)
		}
	})
}

func TestGetAndListKeepCreationOrder(t *testing.T) {
	srv := newServer(t)
	names := []string{"zeta", "alpha", "mu.1", "B_2"}
	for _, id := range names {
		create(t, srv, map[string]any{"provider_id": id, "provider_name": "Name " + id})
	}
	list := call(t, srv, http.MethodGet, "/api/providers/", "").array(t)
	if len(list) != len(names)+1 {
		t.Fatalf("list has %d providers, want %d", len(list), len(names)+1)
	}
	for i, id := range names {
		expectProviderShape(t, list[i+1])
		if list[i+1]["id"] != id {
			t.Fatalf("list[%d] = %v, want %s", i+1, list[i+1]["id"], id)
		}
	}
	a := call(t, srv, http.MethodGet, "/api/providers/mu.1/", "")
	expectStatus(t, a, http.StatusOK)
	got := a.object(t)
	expectProviderShape(t, got)
	if got["provider_name"] != "Name mu.1" || got["is_managed"] != false {
		t.Fatalf("get = %s", a.Body)
	}
}

func TestUnknownProviderIsNotFound(t *testing.T) {
	srv := newServer(t)
	for _, method := range []string{http.MethodGet, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		body := ""
		if method == http.MethodPatch || method == http.MethodPut {
			body = `{"provider_name":"x"}`
		}
		a := call(t, srv, method, "/api/providers/nope/", body)
		expectStatus(t, a, http.StatusNotFound)
		expectBody(t, a, map[string]string{"detail": "Not found."})
	}
}

func TestSeedPatchExample(t *testing.T) {
	srv := newServer(t)
	created := create(t, srv, map[string]any{"provider_id": "my-azure-provider", "provider_name": "Azure Provider",
		"api_key": "old-key", "extra_kwargs": map[string]any{"base_url": "https://x.openai.azure.com"}})

	// The seed's request, word for word.
	a := call(t, srv, http.MethodPatch, "/api/providers/my-azure-provider/",
		`{"provider_name": "Updated Azure Provider", "api_key": "new-api-key"}`)
	expectStatus(t, a, http.StatusOK)
	obj := a.object(t)
	// The seed's response keys, plus is_managed from the rest of the docs.
	expectProviderShape(t, obj)
	if obj["id"] != "my-azure-provider" || obj["provider_id"] != "my-azure-provider" || obj["provider_name"] != "Updated Azure Provider" {
		t.Fatalf("patched = %s", a.Body)
	}
	if obj["created_at"] != created["created_at"] {
		t.Fatalf("created_at changed: %v -> %v", created["created_at"], obj["created_at"])
	}
	expectTimestamp(t, "updated_at", obj["updated_at"])
	if strings.Contains(string(a.Body), "new-api-key") {
		t.Fatalf("PATCH echoed the key: %s", a.Body)
	}
	if got := call(t, srv, http.MethodGet, "/api/providers/my-azure-provider/", "").object(t); got["provider_name"] != "Updated Azure Provider" {
		t.Fatalf("GET after PATCH = %v", got)
	}
}

func TestPatchLeavesOmittedFieldsUnchanged(t *testing.T) {
	srv := newServer(t)
	create(t, srv, map[string]any{"provider_id": "p", "provider_name": "Original"})
	for _, body := range []string{`{"api_key":"rotated"}`, `{"extra_kwargs":{"timeout":5}}`, `{"api_key":""}`, `{}`, ``} {
		a := call(t, srv, http.MethodPatch, "/api/providers/p/", body)
		expectStatus(t, a, http.StatusOK)
		if got := a.object(t)["provider_name"]; got != "Original" {
			t.Fatalf("PATCH %s changed provider_name to %v", body, got)
		}
	}
	a := call(t, srv, http.MethodPatch, "/api/providers/p/", `{"provider_name":"Renamed"}`)
	expectStatus(t, a, http.StatusOK)
	if got := a.object(t)["provider_name"]; got != "Renamed" {
		t.Fatalf("provider_name = %v, want Renamed", got)
	}
}

func TestPatchProviderIDIsReadOnly(t *testing.T) {
	srv := newServer(t)
	create(t, srv, map[string]any{"provider_id": "fixed", "provider_name": "Fixed"})
	for _, body := range []string{
		`{"provider_id":"moved"}`,
		`{"provider_id":"moved","provider_name":"New"}`,
		`{"provider_id":7}`,
		`{"provider_id":null}`,
	} {
		a := call(t, srv, http.MethodPatch, "/api/providers/fixed/", body)
		expectStatus(t, a, http.StatusBadRequest)
		expectBody(t, a, map[string][]string{"provider_id": {"This field is read-only."}})
	}
	if got := call(t, srv, http.MethodGet, "/api/providers/fixed/", "").object(t); got["provider_name"] != "Fixed" {
		t.Fatalf("a refused PATCH changed the record: %v", got)
	}
	expectStatus(t, call(t, srv, http.MethodGet, "/api/providers/moved/", ""), http.StatusNotFound)

	// Sending the current value is ignored.
	a := call(t, srv, http.MethodPatch, "/api/providers/fixed/", `{"provider_id":"fixed","provider_name":"Same id"}`)
	expectStatus(t, a, http.StatusOK)
	if got := a.object(t); got["provider_name"] != "Same id" || got["id"] != "fixed" {
		t.Fatalf("PATCH with the same provider_id = %s", a.Body)
	}
}

func TestPatchValidation(t *testing.T) {
	srv := newServer(t)
	create(t, srv, map[string]any{"provider_id": "v", "provider_name": "V"})
	for _, tc := range []struct {
		body string
		want any
	}{
		{`{"provider_name":""}`, map[string][]string{"provider_name": {"This field may not be blank."}}},
		{`{"provider_name":null}`, map[string][]string{"provider_name": {"This field may not be null."}}},
		{`{"provider_name":1}`, map[string][]string{"provider_name": {"Not a valid string."}}},
		{`{"api_key":{"k":"v"}}`, map[string][]string{"api_key": {"Not a valid string."}}},
		{`{"extra_kwargs":5}`, map[string][]string{"extra_kwargs": {`Expected a dictionary of items but got type "float".`}}},
		{`{"extra_kwargs":true,"provider_name":""}`, map[string][]string{
			"extra_kwargs": {`Expected a dictionary of items but got type "bool".`}, "provider_name": {"This field may not be blank."}}},
		{`"just a string"`, map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary, but got str."}}},
	} {
		a := call(t, srv, http.MethodPatch, "/api/providers/v/", tc.body)
		expectStatus(t, a, http.StatusBadRequest)
		expectBody(t, a, tc.want)
	}
	if got := call(t, srv, http.MethodGet, "/api/providers/v/", "").object(t); got["provider_name"] != "V" || got["updated_at"] != nil {
		t.Fatalf("a refused PATCH changed the record: %v", got)
	}
}

func TestPutUpdatesOnlyTheFieldsSent(t *testing.T) {
	srv := newServer(t)
	create(t, srv, map[string]any{"provider_id": "put", "provider_name": "Before"})
	a := call(t, srv, http.MethodPut, "/api/providers/put/", `{"provider_name":"After","extra_kwargs":{"timeout":3}}`)
	expectStatus(t, a, http.StatusOK)
	obj := a.object(t)
	expectProviderShape(t, obj)
	if obj["provider_name"] != "After" {
		t.Fatalf("PUT = %s", a.Body)
	}
	a = call(t, srv, http.MethodPut, "/api/providers/put/", `{"api_key":"k"}`)
	expectStatus(t, a, http.StatusOK)
	if got := a.object(t)["provider_name"]; got != "After" {
		t.Fatalf("PUT without provider_name changed it to %v", got)
	}
	a = call(t, srv, http.MethodPut, "/api/providers/put/", `{"provider_id":"elsewhere"}`)
	expectStatus(t, a, http.StatusBadRequest)
	expectBody(t, a, map[string][]string{"provider_id": {"This field is read-only."}})
}

func TestManagedProviderRefusesChanges(t *testing.T) {
	srv := newServer(t)
	path := "/api/providers/" + keywordsai.ManagedProviderID + "/"
	for _, tc := range []struct{ method, body string }{
		{http.MethodPatch, `{"provider_name":"Mine now"}`},
		{http.MethodPut, `{"provider_name":"Mine now"}`},
		// The permission is checked before the body, as DRF does.
		{http.MethodPatch, `{"provider_name":""}`},
		{http.MethodPatch, `not json`},
	} {
		a := call(t, srv, tc.method, path, tc.body)
		expectStatus(t, a, http.StatusForbidden)
		expectBody(t, a, map[string]string{"detail": "Managed providers cannot be modified."})
	}
	a := call(t, srv, http.MethodDelete, path, "")
	expectStatus(t, a, http.StatusForbidden)
	expectBody(t, a, map[string]string{"error": "Cannot delete managed provider. This provider is managed by Respan and cannot be deleted."})

	got := call(t, srv, http.MethodGet, path, "")
	expectStatus(t, got, http.StatusOK)
	if obj := got.object(t); obj["provider_name"] != keywordsai.ManagedProviderName || obj["updated_at"] != nil {
		t.Fatalf("managed provider changed: %s", got.Body)
	}
}

func TestDeleteAnswers204WithEmptyBody(t *testing.T) {
	srv := newServer(t)
	create(t, srv, map[string]any{"provider_id": "gone", "provider_name": "Gone"})
	create(t, srv, map[string]any{"provider_id": "kept", "provider_name": "Kept"})
	a := call(t, srv, http.MethodDelete, "/api/providers/gone/", "")
	expectStatus(t, a, http.StatusNoContent)
	if len(a.Body) != 0 {
		t.Fatalf("204 body = %q, want empty", a.Body)
	}
	expectStatus(t, call(t, srv, http.MethodGet, "/api/providers/gone/", ""), http.StatusNotFound)
	again := call(t, srv, http.MethodDelete, "/api/providers/gone/", "")
	expectStatus(t, again, http.StatusNotFound)
	expectBody(t, again, map[string]string{"detail": "Not found."})

	list := call(t, srv, http.MethodGet, "/api/providers/", "").array(t)
	if len(list) != 2 || list[1]["id"] != "kept" {
		t.Fatalf("list after delete = %v", list)
	}
	// The provider_id is free again: a new create answers 201, not the upsert's 200.
	create(t, srv, map[string]any{"provider_id": "gone", "provider_name": "Back"})
}

func TestMethodNotAllowed(t *testing.T) {
	srv := newServer(t)
	a := call(t, srv, http.MethodDelete, "/api/providers/", "")
	expectStatus(t, a, http.StatusMethodNotAllowed)
	expectBody(t, a, map[string]string{"detail": `Method "DELETE" not allowed.`})
	if allow := a.Header.Get("Allow"); allow != "GET, POST" {
		t.Fatalf("Allow = %q", allow)
	}
	a = call(t, srv, http.MethodPost, "/api/providers/"+keywordsai.ManagedProviderID+"/", `{}`)
	expectStatus(t, a, http.StatusMethodNotAllowed)
}

func TestResetRestoresOnlyTheManagedProvider(t *testing.T) {
	srv := newServer(t)
	create(t, srv, map[string]any{"provider_id": "temp", "provider_name": "Temp"})
	resp, err := srv.Client().Post(srv.URL+"/_mock/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	list := call(t, srv, http.MethodGet, "/api/providers/", "").array(t)
	if len(list) != 1 || list[0]["id"] != keywordsai.ManagedProviderID {
		t.Fatalf("list after reset = %v", list)
	}
}

func TestConcurrentAccess(t *testing.T) {
	srv := newServer(t)
	const workers = 16
	const rounds = 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*8)
	expect := func(method, path, body string, want ...int) {
		a, err := send(srv, method, path, body, "Bearer "+token)
		if err != nil {
			errs <- err
			return
		}
		if !slices.Contains(want, a.Status) {
			errs <- fmt.Errorf("status %d, want %v: %s", a.Status, want, a.Body)
		}
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				own := fmt.Sprintf("w%d-%d", w, i)
				path := "/api/providers/" + own + "/"
				expect(http.MethodPost, "/api/providers/", fmt.Sprintf(`{"provider_id":%q,"provider_name":"n"}`, own), http.StatusCreated)
				expect(http.MethodPatch, path, `{"provider_name":"m"}`, http.StatusOK)
				expect(http.MethodGet, path, "", http.StatusOK)
				// Everyone fights over one shared provider_id: each answer is a create or an upsert.
				expect(http.MethodPost, "/api/providers/", `{"provider_id":"shared","provider_name":"s"}`, http.StatusCreated, http.StatusOK)
				expect(http.MethodPatch, "/api/providers/shared/", `{"api_key":"k"}`, http.StatusOK, http.StatusNotFound)
				expect(http.MethodGet, "/api/providers/", "", http.StatusOK)
				if i%2 == 0 {
					expect(http.MethodDelete, path, "", http.StatusNoContent)
					expect(http.MethodDelete, "/api/providers/shared/", "", http.StatusNoContent, http.StatusNotFound)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list := call(t, srv, http.MethodGet, "/api/providers/", "").array(t)
	ids := map[string]int{}
	for _, p := range list {
		ids[p["id"].(string)]++
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("provider %s listed %d times", id, n)
		}
	}
	// Odd rounds kept their own provider; the managed one is always there; shared may or may not be.
	wantOwn := workers * (rounds / 2)
	own := len(ids) - 1
	if ids["shared"] == 1 {
		own--
	}
	if own != wantOwn || ids[keywordsai.ManagedProviderID] != 1 {
		t.Fatalf("after the run: %d own providers (want %d), ids %v", own, wantOwn, ids)
	}
}
