package flashback_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

const testToken = "test-token"

// seedUpdateBody is the body parameter example of the seed (PUT /ai/llm/{id}).
const seedUpdateBody = `{
  "name": "Updated OpenAI Config",
  "aiType": "OPENAI",
  "endpoint": "https://api.openai.com/v2",
  "key": "new-access-key",
  "secret": "new-secret-key"
}`

type fixture struct {
	t   *testing.T
	srv *mockserver.Server
	url string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := mockserver.New(testToken)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &fixture{t: t, srv: srv, url: ts.URL}
}

// response is one answer: its status, headers, raw body and the body as a JSON object.
type response struct {
	status int
	header http.Header
	raw    []byte
	obj    map[string]any
}

// do sends a request with the test token; body is sent as is when it is a string, else as JSON.
func (f *fixture) do(method, path string, body any) response {
	f.t.Helper()
	return f.doWithAuth(method, path, body, "Bearer "+testToken)
}

func (f *fixture) doWithAuth(method, path string, body any, auth string) response {
	f.t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.url+path, reader)
	if err != nil {
		f.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(raw, &out.obj); err != nil {
		f.t.Fatalf("%s %s: body is not a JSON object: %v: %s", method, path, err, raw)
	}
	return out
}

func createBody(name, workspace string) map[string]any {
	return map[string]any{
		"name": name, "aiType": "OPENAI", "endpoint": "https://api.openai.com/v1",
		"key": "sk-create-key-" + name, "secret": "create-secret-" + name, "workspaceId": workspace,
	}
}

// create makes a record and returns its id, failing the test on anything but 200.
func (f *fixture) create(name, workspace string) string {
	f.t.Helper()
	resp := f.do(http.MethodPost, "/ai/llm", createBody(name, workspace))
	if resp.status != http.StatusOK {
		f.t.Fatalf("create %q: status %d: %s", name, resp.status, resp.raw)
	}
	id, _ := resp.obj["aiLlmId"].(string)
	return id
}

// list returns the aiLlms array of GET path.
func (f *fixture) list(path string) []map[string]any {
	f.t.Helper()
	resp := f.do(http.MethodGet, path, nil)
	if resp.status != http.StatusOK || resp.obj["success"] != true {
		f.t.Fatalf("GET %s: status %d: %s", path, resp.status, resp.raw)
	}
	raw, ok := resp.obj["aiLlms"].([]any)
	if !ok {
		f.t.Fatalf("GET %s: aiLlms is not an array: %s", path, resp.raw)
	}
	out := make([]map[string]any, len(raw))
	for i, item := range raw {
		out[i] = item.(map[string]any)
	}
	return out
}

func (f *fixture) findByID(id string) map[string]any {
	f.t.Helper()
	for _, item := range f.list("/ai/llm") {
		if item["id"] == id {
			return item
		}
	}
	return nil
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i], _ = item["id"].(string)
	}
	return out
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// assertEnvelope checks a flashback error: the status and exactly {success:false, message}
// with a message containing want.
func assertEnvelope(t *testing.T, resp response, status int, want string) {
	t.Helper()
	if resp.status != status {
		t.Fatalf("status = %d, want %d: %s", resp.status, status, resp.raw)
	}
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"message", "success"}) {
		t.Fatalf("error body keys = %v, want [message success]: %s", got, resp.raw)
	}
	if resp.obj["success"] != false {
		t.Fatalf("success = %v, want false", resp.obj["success"])
	}
	msg, _ := resp.obj["message"].(string)
	if msg == "" || !strings.Contains(msg, want) {
		t.Fatalf("message = %q, want it to contain %q", msg, want)
	}
}

func TestMatchClaimsOnlyFlashbackPaths(t *testing.T) {
	m := flashback.New()
	for path, want := range map[string]bool{
		"/ai/llm": true, "/ai/llm/": true, "/ai/llm/abc": true, "/ai/llm/abc/validate": true, "/ai/llm/available": true,
		"/ai/llmx": false, "/ai": false, "/api/providers/": false, "/api/v1/llm-provider/openai": false,
		"/api/llm-gateway/admin/providers": false, "/": false,
	} {
		if got := m.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
	if m.Name() != "flashback" {
		t.Errorf("Name() = %q", m.Name())
	}
}

func TestCreateAnswersOnlyTheID(t *testing.T) {
	f := newFixture(t)
	resp := f.do(http.MethodPost, "/ai/llm", createBody("primary", "ws-a"))
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d: %s", resp.status, resp.raw)
	}
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"aiLlmId", "message", "success"}) {
		t.Fatalf("create answer keys = %v, want exactly [aiLlmId message success]", got)
	}
	id, _ := resp.obj["aiLlmId"].(string)
	if !mockapi.IsUUID(id) || resp.obj["success"] != true || resp.obj["message"] != flashback.MessageCreated {
		t.Fatalf("create answer = %s", resp.raw)
	}
	if strings.Contains(string(resp.raw), "sk-create-key") || strings.Contains(string(resp.raw), "create-secret") {
		t.Fatalf("create answer echoes a secret: %s", resp.raw)
	}
}

func TestCreateWithoutKeyAndWithNullKey(t *testing.T) {
	f := newFixture(t)
	body := createBody("no-key", "ws-a")
	delete(body, "key")
	if resp := f.do(http.MethodPost, "/ai/llm", body); resp.status != http.StatusOK {
		t.Fatalf("create without key: %d %s", resp.status, resp.raw)
	}
	body = createBody("null-key", "ws-a")
	body["key"] = nil
	if resp := f.do(http.MethodPost, "/ai/llm", body); resp.status != http.StatusOK {
		t.Fatalf("create with null key: %d %s", resp.status, resp.raw)
	}
	if got := len(f.list("/ai/llm?workspaceId=ws-a")); got != 2 {
		t.Fatalf("list has %d records, want 2", got)
	}
}

func TestListReturnsTheDocumentedDTO(t *testing.T) {
	f := newFixture(t)
	before := time.Now().Add(-time.Second)
	id := f.create("primary", "ws-a")
	resp := f.do(http.MethodGet, "/ai/llm", nil)
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"aiLlms", "success"}) {
		t.Fatalf("list keys = %v, want [aiLlms success]", got)
	}
	item := f.findByID(id)
	want := []string{"aiType", "createdAt", "endpoint", "id", "key", "name", "orgId", "repos", "userId", "workspaceId"}
	if got := keysOf(item); !slices.Equal(got, want) {
		t.Fatalf("DTO keys = %v, want %v (no secret, no updatedAt)", got, want)
	}
	if item["name"] != "primary" || item["aiType"] != "OPENAI" || item["endpoint"] != "https://api.openai.com/v1" || item["workspaceId"] != "ws-a" {
		t.Fatalf("DTO = %v", item)
	}
	if v, present := item["key"]; !present || v != nil {
		t.Fatalf("key = %v, want an explicit null", v)
	}
	if repos, ok := item["repos"].([]any); !ok || len(repos) != 0 {
		t.Fatalf("repos = %#v, want []", item["repos"])
	}
	for _, field := range []string{"orgId", "userId"} {
		if s, _ := item[field].(string); !mockapi.IsUUID(s) {
			t.Fatalf("%s = %v, want a UUID", field, item[field])
		}
	}
	created, err := time.Parse(time.RFC3339, item["createdAt"].(string))
	if err != nil || created.Before(before) || created.After(time.Now().Add(time.Second)) {
		t.Fatalf("createdAt = %v (%v), want RFC 3339 around now", item["createdAt"], err)
	}
	for _, secret := range []string{"sk-create-key-primary", "create-secret-primary"} {
		if strings.Contains(string(resp.raw), secret) {
			t.Fatalf("list echoes secret %q: %s", secret, resp.raw)
		}
	}
}

func TestOrgAndUserAreFixedPerInstance(t *testing.T) {
	f := newFixture(t)
	f.create("one", "ws-a")
	f.create("two", "ws-b")
	items := f.list("/ai/llm")
	if items[0]["orgId"] != items[1]["orgId"] || items[0]["userId"] != items[1]["userId"] {
		t.Fatalf("orgId/userId differ between records of one token: %v / %v", items[0], items[1])
	}
	if items[0]["orgId"] == items[0]["userId"] {
		t.Fatalf("orgId and userId are the same UUID %v", items[0]["orgId"])
	}
	other := newFixture(t)
	other.create("one", "ws-a")
	if other.list("/ai/llm")[0]["orgId"] == items[0]["orgId"] {
		t.Fatal("two mock instances share an orgId")
	}
}

func TestListFilteredByWorkspace(t *testing.T) {
	f := newFixture(t)
	a1 := f.create("a1", "ws-a")
	b1 := f.create("b1", "ws-b")
	a2 := f.create("a2", "ws-a")

	if got, want := ids(f.list("/ai/llm")), []string{a1, b1, a2}; !slices.Equal(got, want) {
		t.Fatalf("unfiltered list = %v, want every workspace in creation order %v", got, want)
	}
	if got, want := ids(f.list("/ai/llm?workspaceId=ws-a")), []string{a1, a2}; !slices.Equal(got, want) {
		t.Fatalf("ws-a list = %v, want %v", got, want)
	}
	if got, want := ids(f.list("/ai/llm?workspaceId=ws-b")), []string{b1}; !slices.Equal(got, want) {
		t.Fatalf("ws-b list = %v, want %v", got, want)
	}
	resp := f.do(http.MethodGet, "/ai/llm?workspaceId=ws-none", nil)
	if !strings.Contains(string(resp.raw), `"aiLlms":[]`) {
		t.Fatalf("an unknown workspace must list an empty array, got %s", resp.raw)
	}
	// The filter is an exact match.
	if got := f.list("/ai/llm?workspaceId=WS-A"); len(got) != 0 {
		t.Fatalf("WS-A matched %v", ids(got))
	}
	// A trailing slash routes like the collection.
	if got := ids(f.list("/ai/llm/?workspaceId=ws-b")); !slices.Equal(got, []string{b1}) {
		t.Fatalf("/ai/llm/ list = %v", got)
	}
}

func TestAvailableListsNewestFirst(t *testing.T) {
	f := newFixture(t)
	a := f.create("a", "ws-a")
	b := f.create("b", "ws-b")
	c := f.create("c", "ws-a")
	resp := f.do(http.MethodGet, "/ai/llm/available", nil)
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"aiLlms", "success"}) {
		t.Fatalf("available keys = %v", got)
	}
	if got, want := ids(f.list("/ai/llm/available")), []string{c, b, a}; !slices.Equal(got, want) {
		t.Fatalf("available = %v, want newest first %v", got, want)
	}
	if got := keysOf(f.list("/ai/llm/available")[0]); !slices.Contains(got, "orgId") || slices.Contains(got, "secret") {
		t.Fatalf("available DTO keys = %v", got)
	}
}

func TestNoGetOneEndpoint(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	resp := f.do(http.MethodGet, "/ai/llm/"+id, nil)
	assertEnvelope(t, resp, http.StatusMethodNotAllowed, "Cannot GET")
	if allow := resp.header.Get("Allow"); allow != "PUT, DELETE" {
		t.Fatalf("Allow = %q, want PUT, DELETE", allow)
	}
}

func TestNamesAreUniquePerWorkspace(t *testing.T) {
	f := newFixture(t)
	first := f.create("shared", "ws-a")
	resp := f.do(http.MethodPost, "/ai/llm", createBody("shared", "ws-a"))
	assertEnvelope(t, resp, http.StatusBadRequest, "already exists in this workspace")
	if got := ids(f.list("/ai/llm?workspaceId=ws-a")); !slices.Equal(got, []string{first}) {
		t.Fatalf("a refused create stored a record: %v", got)
	}
	// The same name is allowed in another workspace, and the match is exact.
	other := f.create("shared", "ws-b")
	upper := f.create("SHARED", "ws-a")
	if other == first || upper == first || other == "" || upper == "" {
		t.Fatalf("ids: %q %q %q", first, other, upper)
	}
}

func TestSeedUpdateExample(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	resp := f.do(http.MethodPut, "/ai/llm/"+id, seedUpdateBody)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d: %s", resp.status, resp.raw)
	}
	// The seed's 200 example: {"success": true, "aiLlmId": "...", "message": "AI LLM configuration updated successfully"}.
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"aiLlmId", "message", "success"}) {
		t.Fatalf("update answer keys = %v", got)
	}
	if resp.obj["success"] != true || resp.obj["aiLlmId"] != id || resp.obj["message"] != "AI LLM configuration updated successfully" {
		t.Fatalf("update answer = %s", resp.raw)
	}
	if strings.Contains(string(resp.raw), "new-access-key") || strings.Contains(string(resp.raw), "new-secret-key") {
		t.Fatalf("update answer echoes a secret: %s", resp.raw)
	}
	item := f.findByID(id)
	if item["name"] != "Updated OpenAI Config" || item["aiType"] != "OPENAI" || item["endpoint"] != "https://api.openai.com/v2" || item["key"] != nil {
		t.Fatalf("after the seed update: %v", item)
	}
	if item["workspaceId"] != "ws-a" {
		t.Fatalf("workspaceId changed to %v", item["workspaceId"])
	}
}

func TestUpdateIsPartial(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	before := f.findByID(id)

	steps := []struct {
		body  string
		field string
		want  string
	}{
		{`{"name":"renamed"}`, "name", "renamed"},
		{`{"aiType":"ANTHROPIC"}`, "aiType", "ANTHROPIC"},
		{`{"endpoint":"http://localhost:8080/v1"}`, "endpoint", "http://localhost:8080/v1"},
	}
	expected := before
	for _, step := range steps {
		resp := f.do(http.MethodPut, "/ai/llm/"+id, step.body)
		if resp.status != http.StatusOK {
			t.Fatalf("PUT %s: %d %s", step.body, resp.status, resp.raw)
		}
		expected[step.field] = step.want
		if got := f.findByID(id); fmt.Sprint(got) != fmt.Sprint(expected) {
			t.Fatalf("after PUT %s:\n got %v\nwant %v", step.body, got, expected)
		}
	}
	// An empty body and secret-only bodies change nothing visible.
	for _, body := range []string{`{}`, `{"secret":"rotated-secret"}`, `{"key":null}`, `{"key":"sk-rotated"}`, `{"unknownField":1}`} {
		if resp := f.do(http.MethodPut, "/ai/llm/"+id, body); resp.status != http.StatusOK {
			t.Fatalf("PUT %s: %d %s", body, resp.status, resp.raw)
		}
		if got := f.findByID(id); fmt.Sprint(got) != fmt.Sprint(expected) {
			t.Fatalf("after PUT %s:\n got %v\nwant %v", body, got, expected)
		}
	}
}

func TestUpdateRefusesWorkspaceID(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	for _, body := range []string{`{"workspaceId":"ws-b"}`, `{"workspaceId":"ws-a"}`, `{"name":"moved","workspaceId":"ws-b"}`, `{"workspaceId":null}`} {
		resp := f.do(http.MethodPut, "/ai/llm/"+id, body)
		assertEnvelope(t, resp, http.StatusBadRequest, flashback.MessageWorkspaceImmutable)
	}
	item := f.findByID(id)
	if item["workspaceId"] != "ws-a" || item["name"] != "primary" {
		t.Fatalf("a refused update changed the record: %v", item)
	}
}

func TestUpdateNameClash(t *testing.T) {
	f := newFixture(t)
	a := f.create("alpha", "ws-a")
	f.create("beta", "ws-a")
	f.create("gamma", "ws-b")

	resp := f.do(http.MethodPut, "/ai/llm/"+a, `{"name":"beta"}`)
	assertEnvelope(t, resp, http.StatusBadRequest, "already exists in this workspace")
	if got := f.findByID(a)["name"]; got != "alpha" {
		t.Fatalf("name after a refused rename = %v", got)
	}
	for _, name := range []string{"alpha", "gamma"} {
		if resp := f.do(http.MethodPut, "/ai/llm/"+a, map[string]any{"name": name}); resp.status != http.StatusOK {
			t.Fatalf("rename to %q: %d %s", name, resp.status, resp.raw)
		}
	}
	if got := f.findByID(a)["name"]; got != "gamma" {
		t.Fatalf("name = %v, want gamma (taken only in another workspace)", got)
	}
}

func TestUpdateValidation(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	before := f.findByID(id)
	for _, tc := range []struct{ body, want string }{
		{`{"name":""}`, "name must not be empty"},
		{`{"name":"   "}`, "name must not be empty"},
		{`{"name":null}`, "name is required"},
		{`{"name":5}`, "name must be a string"},
		{`{"aiType":"AZURE"}`, "aiType must be one of OPENAI, GOOGLE, ANTHROPIC, AWS, OTHER"},
		{`{"aiType":"openai"}`, "aiType must be one of"},
		{`{"aiType":true}`, "aiType must be a string"},
		{`{"endpoint":"not a url"}`, "endpoint must be an absolute http or https URL"},
		{`{"endpoint":"ftp://files.example.com"}`, "endpoint must be an absolute http or https URL"},
		{`{"endpoint":"/relative/path"}`, "endpoint must be an absolute http or https URL"},
		{`{"endpoint":""}`, "endpoint must not be empty"},
		{`{"key":42}`, "key must be a string or null"},
		{`{"secret":["x"]}`, "secret must be a string"},
		{`[]`, "request body must be a JSON object"},
		{`not json`, "request body must be a JSON object"},
		{``, "request body must be a JSON object"},
	} {
		resp := f.do(http.MethodPut, "/ai/llm/"+id, tc.body)
		assertEnvelope(t, resp, http.StatusBadRequest, tc.want)
	}
	if got := f.findByID(id); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("refused updates changed the record:\n got %v\nwant %v", got, before)
	}
}

func TestUpdateUnknownRecord(t *testing.T) {
	f := newFixture(t)
	resp := f.do(http.MethodPut, "/ai/llm/"+mockapi.NewUUID(), `{"name":"x"}`)
	assertEnvelope(t, resp, http.StatusNotFound, flashback.MessageNotFound)
	resp = f.do(http.MethodPut, "/ai/llm/not-a-uuid", `{"name":"x"}`)
	assertEnvelope(t, resp, http.StatusNotFound, flashback.MessageNotFound)
}

func TestCreateValidation(t *testing.T) {
	f := newFixture(t)
	valid := func(change func(map[string]any)) map[string]any {
		b := createBody("primary", "ws-a")
		b["secret"] = "very-secret-value"
		change(b)
		return b
	}
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"no name", valid(func(b map[string]any) { delete(b, "name") }), "name is required"},
		{"empty name", valid(func(b map[string]any) { b["name"] = "" }), "name must not be empty"},
		{"numeric name", valid(func(b map[string]any) { b["name"] = 7 }), "name must be a string"},
		{"no aiType", valid(func(b map[string]any) { delete(b, "aiType") }), "aiType is required"},
		{"bad aiType", valid(func(b map[string]any) { b["aiType"] = "MISTRAL" }), "aiType must be one of"},
		{"no endpoint", valid(func(b map[string]any) { delete(b, "endpoint") }), "endpoint is required"},
		{"relative endpoint", valid(func(b map[string]any) { b["endpoint"] = "api.openai.com/v1" }), "endpoint must be an absolute http or https URL"},
		{"ws endpoint", valid(func(b map[string]any) { b["endpoint"] = "wss://api.openai.com" }), "endpoint must be an absolute http or https URL"},
		{"object endpoint", valid(func(b map[string]any) { b["endpoint"] = map[string]any{} }), "endpoint must be a string"},
		{"numeric key", valid(func(b map[string]any) { b["key"] = 1 }), "key must be a string or null"},
		{"no secret", valid(func(b map[string]any) { delete(b, "secret") }), "secret is required"},
		{"null secret", valid(func(b map[string]any) { b["secret"] = nil }), "secret is required"},
		{"boolean secret", valid(func(b map[string]any) { b["secret"] = true }), "secret must be a string"},
		{"no workspace", valid(func(b map[string]any) { delete(b, "workspaceId") }), "workspaceId is required"},
		{"empty workspace", valid(func(b map[string]any) { b["workspaceId"] = "" }), "workspaceId must not be empty"},
		{"array body", `[{"name":"x"}]`, "request body must be a JSON object"},
		{"broken body", `{"name":`, "request body must be a JSON object"},
		{"empty body", ``, "request body must be a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(http.MethodPost, "/ai/llm", tc.body)
			assertEnvelope(t, resp, http.StatusBadRequest, tc.want)
			if strings.Contains(string(resp.raw), "very-secret-value") || strings.Contains(string(resp.raw), "sk-create-key") {
				t.Fatalf("a validation error echoes a secret: %s", resp.raw)
			}
		})
	}
	// Several problems are reported together.
	resp := f.do(http.MethodPost, "/ai/llm", `{"aiType":"NOPE"}`)
	assertEnvelope(t, resp, http.StatusBadRequest, "name is required")
	for _, want := range []string{"aiType must be one of", "endpoint is required", "secret is required", "workspaceId is required"} {
		if !strings.Contains(resp.obj["message"].(string), want) {
			t.Fatalf("message %q lacks %q", resp.obj["message"], want)
		}
	}
	if got := f.list("/ai/llm"); len(got) != 0 {
		t.Fatalf("refused creates stored %d records", len(got))
	}
}

func TestDelete(t *testing.T) {
	f := newFixture(t)
	keep := f.create("keep", "ws-a")
	gone := f.create("gone", "ws-a")
	resp := f.do(http.MethodDelete, "/ai/llm/"+gone, nil)
	if resp.status != http.StatusOK || resp.obj["success"] != true || resp.obj["message"] != flashback.MessageDeleted {
		t.Fatalf("delete: %d %s", resp.status, resp.raw)
	}
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"message", "success"}) {
		t.Fatalf("delete answer keys = %v", got)
	}
	if got := ids(f.list("/ai/llm")); !slices.Equal(got, []string{keep}) {
		t.Fatalf("after delete: %v, want [%s]", got, keep)
	}
	assertEnvelope(t, f.do(http.MethodDelete, "/ai/llm/"+gone, nil), http.StatusNotFound, flashback.MessageNotFound)
	// The name is free again once the record is gone.
	if again := f.create("gone", "ws-a"); again == gone || again == "" {
		t.Fatalf("re-created id = %q", again)
	}
}

func TestValidate(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	resp := f.do(http.MethodPost, "/ai/llm/"+id+"/validate", nil)
	if resp.status != http.StatusOK || resp.obj["success"] != true || resp.obj["message"] != flashback.MessageValidated {
		t.Fatalf("validate: %d %s", resp.status, resp.raw)
	}
	if got := keysOf(resp.obj); !slices.Equal(got, []string{"message", "success"}) {
		t.Fatalf("validate answer keys = %v", got)
	}
	assertEnvelope(t, f.do(http.MethodPost, "/ai/llm/"+mockapi.NewUUID()+"/validate", nil), http.StatusNotFound, flashback.MessageNotFound)
	assertEnvelope(t, f.do(http.MethodGet, "/ai/llm/"+id+"/validate", nil), http.StatusMethodNotAllowed, "Cannot GET")
}

func TestUnknownRoutesAnswerInTheEnvelope(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	assertEnvelope(t, f.do(http.MethodDelete, "/ai/llm", nil), http.StatusMethodNotAllowed, "Cannot DELETE")
	assertEnvelope(t, f.do(http.MethodPatch, "/ai/llm/"+id, `{"name":"x"}`), http.StatusMethodNotAllowed, "Cannot PATCH")
	assertEnvelope(t, f.do(http.MethodGet, "/ai/llm/"+id+"/repos/extra", nil), http.StatusNotFound, "Cannot GET")
	assertEnvelope(t, f.do(http.MethodPut, "/ai/llm/available", `{"name":"x"}`), http.StatusNotFound, flashback.MessageNotFound)
	// An escaped slash stays inside the id instead of reaching the validate route.
	assertEnvelope(t, f.do(http.MethodDelete, "/ai/llm/"+id+"%2Fvalidate", nil), http.StatusNotFound, flashback.MessageNotFound)
}

func TestAuthFailuresUseTheEnvelope(t *testing.T) {
	f := newFixture(t)
	id := f.create("primary", "ws-a")
	requests := []struct{ method, path, body string }{
		{http.MethodGet, "/ai/llm", ""},
		{http.MethodGet, "/ai/llm/available", ""},
		{http.MethodPost, "/ai/llm", `{"name":"x"}`},
		{http.MethodPut, "/ai/llm/" + id, `{"name":"hijacked"}`},
		{http.MethodDelete, "/ai/llm/" + id, ""},
	}
	for _, auth := range []string{"", "Bearer wrong-token", testToken} {
		for _, r := range requests {
			var body any
			if r.body != "" {
				body = r.body
			}
			resp := f.doWithAuth(r.method, r.path, body, auth)
			assertEnvelope(t, resp, http.StatusUnauthorized, "bearer token")
		}
	}
	if item := f.findByID(id); item == nil || item["name"] != "primary" {
		t.Fatalf("unauthenticated requests changed the record: %v", item)
	}
}

func TestInjectedFaultsUseTheEnvelope(t *testing.T) {
	f := newFixture(t)
	if err := f.srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodGet, Path: "/ai/llm*", Status: http.StatusInternalServerError, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	assertEnvelope(t, f.do(http.MethodGet, "/ai/llm", nil), http.StatusInternalServerError, "injected fault")
	if got := f.list("/ai/llm"); len(got) != 0 {
		t.Fatalf("list after the fault = %v", got)
	}
}

func TestResetEmptiesData(t *testing.T) {
	f := newFixture(t)
	f.create("primary", "ws-a")
	f.srv.Reset()
	if got := f.list("/ai/llm"); len(got) != 0 {
		t.Fatalf("after reset: %v", got)
	}
	f.create("primary", "ws-a")
}

func TestJournalRecordsFlashbackRequests(t *testing.T) {
	f := newFixture(t)
	f.create("primary", "ws-a")
	entries := f.srv.Requests()
	if len(entries) != 1 || entries[0].Platform != "flashback" || entries[0].Method != http.MethodPost || entries[0].Path != "/ai/llm" || entries[0].Status != http.StatusOK {
		t.Fatalf("journal = %+v", entries)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t)
	const workers = 16
	const rounds = 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*8)
	for w := range workers {
		wg.Go(func() {
			workspace := fmt.Sprintf("ws-%d", w%3)
			for r := range rounds {
				name := fmt.Sprintf("cfg-%d-%d", w, r)
				resp := f.do(http.MethodPost, "/ai/llm", createBody(name, workspace))
				id, _ := resp.obj["aiLlmId"].(string)
				if resp.status != http.StatusOK || id == "" {
					errs <- fmt.Errorf("create %s: %d %s", name, resp.status, resp.raw)
					continue
				}
				if resp := f.do(http.MethodPut, "/ai/llm/"+id, map[string]any{"name": name + "-renamed", "aiType": "AWS"}); resp.status != http.StatusOK {
					errs <- fmt.Errorf("update %s: %d %s", name, resp.status, resp.raw)
				}
				found := false
				for _, item := range f.list("/ai/llm?workspaceId=" + workspace) {
					if item["id"] == id {
						found = item["name"] == name+"-renamed" && item["aiType"] == "AWS"
					}
				}
				if !found {
					errs <- fmt.Errorf("record %s missing or stale in its workspace list", id)
				}
				f.do(http.MethodGet, "/ai/llm/available", nil)
				if r%2 == 0 {
					if resp := f.do(http.MethodDelete, "/ai/llm/"+id, nil); resp.status != http.StatusOK {
						errs <- fmt.Errorf("delete %s: %d %s", id, resp.status, resp.raw)
					}
				}
			}
		})
	}
	// Racing creates of one name in one workspace: exactly one wins.
	var winners sync.Map
	for w := range workers {
		wg.Go(func() {
			resp := f.do(http.MethodPost, "/ai/llm", createBody("contended", "ws-race"))
			if resp.status == http.StatusOK {
				winners.Store(w, true)
			} else if resp.status != http.StatusBadRequest {
				errs <- fmt.Errorf("contended create: %d %s", resp.status, resp.raw)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	count := 0
	winners.Range(func(any, any) bool { count++; return true })
	if count != 1 {
		t.Fatalf("%d racing creates of one name won, want exactly 1", count)
	}
	// Rounds 1 and 3 of each worker survive, plus the contended record.
	if got, want := len(f.list("/ai/llm")), workers*2+1; got != want {
		t.Fatalf("%d records left, want %d", got, want)
	}
}
