package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

const token = "core-test-token"

// platformPaths is, per platform, a valid create and where to list and delete what it made.
type platformPaths struct {
	name       string
	collection string
	// create returns a valid create body; n makes names and ids unique.
	create func(n int) any
	// idOf reads the new record's id from the create answer.
	idOf func(body map[string]any) string
	// item is the path of one record.
	item func(id string) string
	// listKey is the JSON key holding the list when the answer is an object, "" for a bare array.
	listKey string
	// baseline is how many records a freshly reset platform lists.
	baseline int
}

var refactorSlugs = []string{"openai", "anthropic", "google", "google-vertex", "azure", "amazon-bedrock", "xai"}

var platforms = []platformPaths{
	{
		name: "refactor", collection: "/api/v1/llm-providers",
		create: func(n int) any {
			return map[string]any{"provider": refactorSlugs[n%len(refactorSlugs)], "credentials": map[string]string{"api_key": "sk-ref"}}
		},
		idOf: func(b map[string]any) string { s, _ := b["provider"].(string); return s },
		item: func(id string) string { return "/api/v1/llm-provider/" + id },
	},
	{
		name: "flashback", collection: "/ai/llm", listKey: "aiLlms",
		create: func(n int) any {
			return map[string]any{"name": fmt.Sprintf("fb-%d", n), "aiType": "OPENAI", "endpoint": "https://api.openai.com",
				"key": "sk-fb", "secret": "fb-secret", "workspaceId": "ws-1"}
		},
		idOf: func(b map[string]any) string { s, _ := b["aiLlmId"].(string); return s },
		item: func(id string) string { return "/ai/llm/" + id },
	},
	{
		name: "barndoor", collection: "/api/llm-gateway/admin/providers",
		create: func(n int) any {
			return map[string]any{"name": fmt.Sprintf("bd-%d", n), "model_provider": "openai", "api_key": "sk-bd"}
		},
		idOf: func(b map[string]any) string { s, _ := b["id"].(string); return s },
		item: func(id string) string { return "/api/llm-gateway/admin/providers/" + id },
	},
	{
		name: "keywordsai", collection: "/api/providers/", baseline: 1,
		create: func(n int) any {
			return map[string]any{"provider_id": fmt.Sprintf("kw-%d", n), "provider_name": fmt.Sprintf("KW %d", n), "api_key": "sk-kw"}
		},
		idOf: func(b map[string]any) string { s, _ := b["provider_id"].(string); return s },
		item: func(id string) string { return "/api/providers/" + id + "/" },
	},
}

type answer struct {
	status int
	header http.Header
	raw    []byte
}

func (a answer) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(a.raw, &v); err != nil {
		t.Fatalf("answer %d is not JSON: %q", a.status, a.raw)
	}
	return v
}

func (a answer) object(t *testing.T) map[string]any {
	t.Helper()
	obj, ok := a.json(t).(map[string]any)
	if !ok {
		t.Fatalf("answer is not a JSON object: %s", a.raw)
	}
	return obj
}

type fake struct {
	t      *testing.T
	ms     *mockserver.Server
	srv    *httptest.Server
	client *http.Client
}

func newFake(t *testing.T) *fake {
	t.Helper()
	ms := mockserver.New(token)
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	return &fake{t: t, ms: ms, srv: srv, client: srv.Client()}
}

// send makes one request; body is JSON-encoded unless it is a string or nil.
func (f *fake) send(method, path, tok string, body any) (answer, error) {
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return answer{}, err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, reader)
	if err != nil {
		return answer{}, err
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, raw: raw}, err
}

// do sends with the valid token and fails the test on a transport error.
func (f *fake) do(method, path string, body any) answer {
	f.t.Helper()
	a, err := f.send(method, path, token, body)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	return a
}

func (f *fake) create(p platformPaths, n int) {
	f.t.Helper()
	a := f.do(http.MethodPost, p.collection, p.create(n))
	if a.status != http.StatusOK && a.status != http.StatusCreated {
		f.t.Fatalf("create on %s: %d %s", p.name, a.status, a.raw)
	}
	if id := p.idOf(a.object(f.t)); id == "" {
		f.t.Fatalf("create on %s answered no id: %s", p.name, a.raw)
	}
}

func (f *fake) list(p platformPaths) []any {
	f.t.Helper()
	a := f.do(http.MethodGet, p.collection, nil)
	if a.status != http.StatusOK {
		f.t.Fatalf("list on %s: %d %s", p.name, a.status, a.raw)
	}
	v := a.json(f.t)
	if p.listKey != "" {
		v = v.(map[string]any)[p.listKey]
	}
	items, ok := v.([]any)
	if !ok {
		f.t.Fatalf("list on %s is not an array: %s", p.name, a.raw)
	}
	return items
}

func (f *fake) journal() []mockserver.Entry {
	f.t.Helper()
	a := f.do(http.MethodGet, "/_mock/requests", nil)
	if a.status != http.StatusOK {
		f.t.Fatalf("GET /_mock/requests: %d %s", a.status, a.raw)
	}
	var entries []mockserver.Entry
	if err := json.Unmarshal(a.raw, &entries); err != nil {
		f.t.Fatalf("journal is not a JSON array of entries: %v: %s", err, a.raw)
	}
	return entries
}

func (f *fake) setFaults(rules any) []mockserver.FaultRule {
	f.t.Helper()
	a := f.do(http.MethodPost, "/_mock/faults", rules)
	if a.status != http.StatusOK {
		f.t.Fatalf("POST /_mock/faults: %d %s", a.status, a.raw)
	}
	var out []mockserver.FaultRule
	if err := json.Unmarshal(a.raw, &out); err != nil {
		f.t.Fatalf("faults answer: %v: %s", err, a.raw)
	}
	return out
}

func (f *fake) faults() []mockserver.FaultRule {
	f.t.Helper()
	a := f.do(http.MethodGet, "/_mock/faults", nil)
	if a.status != http.StatusOK {
		f.t.Fatalf("GET /_mock/faults: %d %s", a.status, a.raw)
	}
	var out []mockserver.FaultRule
	if err := json.Unmarshal(a.raw, &out); err != nil {
		f.t.Fatalf("faults answer: %v: %s", err, a.raw)
	}
	return out
}

func TestUnauthorizedOnEveryPlatform(t *testing.T) {
	f := newFake(t)
	for _, p := range platforms {
		for _, tok := range []string{"", "wrong-token", strings.ToUpper(token)} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				a, err := f.send(method, p.collection, tok, p.create(0))
				if err != nil {
					t.Fatal(err)
				}
				if a.status != http.StatusUnauthorized {
					t.Errorf("%s %s with token %q: %d, want 401", method, p.collection, tok, a.status)
					continue
				}
				if obj, ok := a.json(t).(map[string]any); !ok || len(obj) == 0 {
					t.Errorf("%s 401 is not a JSON object envelope: %s", p.name, a.raw)
				}
			}
		}
		if got := f.list(p); len(got) != p.baseline {
			t.Errorf("%s: unauthorized creates stored %d records", p.name, len(got)-p.baseline)
		}
	}
	// A bearer scheme is required: the bare token is not enough.
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/ai/llm", nil)
	req.Header.Set("Authorization", token)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("token without Bearer: %d", resp.StatusCode)
	}
}

func TestEmptyTokenServerAcceptsNothing(t *testing.T) {
	srv := httptest.NewServer(mockserver.New(""))
	defer srv.Close()
	for _, auth := range []string{"", "Bearer ", "Bearer"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/ai/llm", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q on a server with no token: %d", auth, resp.StatusCode)
		}
	}
}

func TestJournalRecordsRequests(t *testing.T) {
	f := newFake(t)
	body := map[string]any{"name": "journaled", "aiType": "OPENAI", "endpoint": "https://api.openai.com", "secret": "s", "workspaceId": "ws-9"}
	f.do(http.MethodPost, "/ai/llm", body)
	f.do(http.MethodGet, "/ai/llm?workspaceId=ws-9", nil)
	f.do(http.MethodPost, "/api/providers/", "not json at all")
	if _, err := f.send(http.MethodGet, "/api/llm-gateway/admin/providers", "", nil); err != nil {
		t.Fatal(err)
	}
	f.do(http.MethodGet, "/_mock/faults", nil) // Control endpoints are not journaled.

	entries := f.journal()
	if len(entries) != 4 {
		t.Fatalf("journal has %d entries, want 4: %+v", len(entries), entries)
	}
	e := entries[0]
	if e.Method != http.MethodPost || e.Path != "/ai/llm" || e.Query != "" || e.Status != http.StatusOK || e.Platform != "flashback" || e.Fault != "" {
		t.Errorf("create entry = %+v", e)
	}
	var got map[string]any
	if err := json.Unmarshal(e.Body, &got); err != nil || got["name"] != "journaled" || got["workspaceId"] != "ws-9" {
		t.Errorf("journaled body = %s (%v); want the request JSON", e.Body, err)
	}
	if e.Time == "" {
		t.Error("entry has no time")
	}
	if e := entries[1]; e.Method != http.MethodGet || e.Path != "/ai/llm" || e.Query != "workspaceId=ws-9" || string(e.Body) != "null" || e.Status != http.StatusOK {
		t.Errorf("list entry = %+v (body %s)", e, e.Body)
	}
	var s string
	if e := entries[2]; e.Platform != "keywordsai" || json.Unmarshal(e.Body, &s) != nil || s != "not json at all" || e.Status != http.StatusBadRequest {
		t.Errorf("non-JSON body entry = %+v (body %s)", e, e.Body)
	}
	if e := entries[3]; e.Platform != "barndoor" || e.Status != http.StatusUnauthorized {
		t.Errorf("unauthorized entry = %+v", e)
	}
	if got := f.ms.Requests(); len(got) != len(entries) {
		t.Errorf("Requests() has %d entries, the endpoint %d", len(got), len(entries))
	}

	if a := f.do(http.MethodDelete, "/_mock/requests", nil); a.status != http.StatusNoContent {
		t.Fatalf("DELETE /_mock/requests: %d", a.status)
	}
	if got := f.journal(); len(got) != 0 {
		t.Fatalf("journal after clear = %+v", got)
	}
	// Clearing the journal keeps the data.
	if items := f.list(platforms[1]); len(items) != 1 {
		t.Fatalf("flashback list after clearing the journal: %d items", len(items))
	}
}

func TestJournalStartsEmpty(t *testing.T) {
	f := newFake(t)
	if got := f.journal(); len(got) != 0 {
		t.Fatalf("new server's journal = %+v", got)
	}
	f.do(http.MethodGet, "/ai/llm", nil)
	if got := f.journal(); len(got) != 1 {
		t.Fatalf("journal after one request = %+v", got)
	}
}

func TestResetEmptiesData(t *testing.T) {
	f := newFake(t)
	for _, p := range platforms {
		f.create(p, 1)
		f.create(p, 2)
		if got := len(f.list(p)); got != p.baseline+2 {
			t.Fatalf("%s lists %d after two creates", p.name, got)
		}
	}
	f.setFaults(map[string]any{"path": "/nothing", "status": 500})
	if a := f.do(http.MethodPost, "/_mock/reset", nil); a.status != http.StatusNoContent {
		t.Fatalf("POST /_mock/reset: %d %s", a.status, a.raw)
	}
	if got := f.faults(); len(got) != 0 {
		t.Errorf("faults after reset = %+v", got)
	}
	if got := f.journal(); len(got) != 0 {
		t.Errorf("journal after reset has %d entries", len(got))
	}
	for _, p := range platforms {
		if got := f.list(p); len(got) != p.baseline {
			t.Errorf("%s lists %d records after reset, want %d", p.name, len(got), p.baseline)
		}
		// The same unique keys can be created again.
		f.create(p, 1)
	}
}

func TestFaultStatusWithRetryAfterAndCount(t *testing.T) {
	f := newFake(t)
	rules := f.setFaults(map[string]any{"path": "/ai/llm", "status": 503, "retry_after": "7", "count": 2})
	if len(rules) != 1 || rules[0].Count != 2 || rules[0].Status != 503 {
		t.Fatalf("POST /_mock/faults answered %+v", rules)
	}
	for i := range 2 {
		a := f.do(http.MethodGet, "/ai/llm", nil)
		if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") != "7" {
			t.Fatalf("request %d: %d Retry-After %q, want 503 and 7", i+1, a.status, a.header.Get("Retry-After"))
		}
		// The fault answers in flashback's own envelope.
		if obj := a.object(t); obj["success"] != false || obj["message"] == nil {
			t.Fatalf("fault body = %s", a.raw)
		}
		if i == 0 {
			if got := f.faults(); len(got) != 1 || got[0].Count != 1 {
				t.Fatalf("GET /_mock/faults after one hit = %+v, want count 1", got)
			}
		}
	}
	if a := f.do(http.MethodGet, "/ai/llm", nil); a.status != http.StatusOK || a.header.Get("Retry-After") != "" {
		t.Fatalf("third request: %d Retry-After %q, want a normal answer", a.status, a.header.Get("Retry-After"))
	}
	entries := f.journal()
	if len(entries) != 3 || entries[0].Fault != "status" || entries[0].Status != 503 || entries[2].Fault != "" || entries[2].Status != 200 {
		t.Fatalf("journal = %+v", entries)
	}
}

func TestFaultStatusDoesNotProcess(t *testing.T) {
	f := newFake(t)
	p := platforms[2]
	f.setFaults([]map[string]any{{"method": "POST", "path": p.collection, "status": 500, "count": 1}})
	if a := f.do(http.MethodPost, p.collection, p.create(1)); a.status != http.StatusInternalServerError {
		t.Fatalf("faulted create: %d", a.status)
	}
	if got := f.list(p); len(got) != 0 {
		t.Fatalf("a create answered with an injected status was stored: %d records", len(got))
	}
}

func TestFaultMethodFilter(t *testing.T) {
	f := newFake(t)
	f.setFaults(map[string]any{"rules": []map[string]any{{"method": "post", "path": "/api/llm-gateway/admin/providers", "status": 502}}})
	if a := f.do(http.MethodGet, "/api/llm-gateway/admin/providers", nil); a.status != http.StatusOK {
		t.Fatalf("GET hit a POST-only fault: %d", a.status)
	}
	for range 3 {
		if a := f.do(http.MethodPost, "/api/llm-gateway/admin/providers", platforms[2].create(1)); a.status != http.StatusBadGateway {
			t.Fatalf("POST missed its fault: %d %s", a.status, a.raw)
		}
	}
	// No count: the rule stays.
	if got := f.faults(); len(got) != 1 || got[0].Count != 0 {
		t.Fatalf("faults = %+v", got)
	}
}

func TestFaultGlobPath(t *testing.T) {
	f := newFake(t)
	f.setFaults([]map[string]any{
		{"path": "/api/llm-gateway/admin/*", "status": 504},
		{"path": "/api/v1/llm-provider/*", "status": 429, "retry_after": "1"},
	})
	for path, want := range map[string]int{
		"/api/llm-gateway/admin/providers":                                      504,
		"/api/llm-gateway/admin/providers/6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f": 504,
		"/api/llm-gateway/admin/connections":                                    504,
		"/api/v1/llm-provider/openai":                                           429,
		"/api/v1/llm-providers":                                                 200, // The pattern is anchored: "llm-provider/" is not a prefix here.
		"/ai/llm":                                                               200,
		"/api/providers/":                                                       200,
	} {
		if a := f.do(http.MethodGet, path, nil); a.status != want {
			t.Errorf("GET %s: %d, want %d", path, a.status, want)
		}
	}

	// Without a star the path must match whole.
	f.setFaults([]map[string]any{{"path": "/ai/llm", "status": 500}})
	if a := f.do(http.MethodGet, "/ai/llm/available", nil); a.status != http.StatusOK {
		t.Errorf("/ai/llm/available hit the exact /ai/llm rule: %d", a.status)
	}
	// Regular-expression characters in a pattern are literal.
	f.setFaults([]map[string]any{{"path": "/api/providers/.+/", "status": 500}})
	if a := f.do(http.MethodGet, "/api/providers/kw-1/", nil); a.status != http.StatusNotFound {
		t.Errorf("a regexp in the pattern matched: %d", a.status)
	}
}

func TestFaultProbability(t *testing.T) {
	f := newFake(t)
	f.setFaults(map[string]any{"path": "/api/providers/", "status": 500, "probability": 0.5})
	fired := 0
	for range 200 {
		a := f.do(http.MethodGet, "/api/providers/", nil)
		switch a.status {
		case http.StatusInternalServerError:
			fired++
		case http.StatusOK:
		default:
			t.Fatalf("unexpected status %d", a.status)
		}
	}
	if fired < 50 || fired > 150 {
		t.Fatalf("probability 0.5 fired %d times in 200", fired)
	}
}

// delays records the delays the server was asked to spend, without spending them.
type delays struct {
	mu  sync.Mutex
	got []time.Duration
}

func (d *delays) wait(_ context.Context, delay time.Duration) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, delay)
	return nil
}

func (d *delays) take() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.got
	d.got = nil
	return out
}

// newDelayedFake is a fake whose delays are recorded instead of waited for.
func newDelayedFake(t *testing.T, opts ...mockserver.Option) (*fake, *delays) {
	t.Helper()
	d := &delays{}
	ms := mockserver.New(token, append(opts, mockserver.WithWait(d.wait))...)
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	return &fake{t: t, ms: ms, srv: srv, client: srv.Client()}, d
}

func TestFaultLatency(t *testing.T) {
	f, d := newDelayedFake(t)
	f.setFaults(map[string]any{"path": "/ai/llm", "latency_ms": 300, "count": 1})
	a := f.do(http.MethodGet, "/ai/llm", nil)
	if got := d.take(); !slices.Equal(got, []time.Duration{300 * time.Millisecond}) {
		t.Fatalf("latency_ms 300 delayed the request by %v", got)
	}
	if a.status != http.StatusOK {
		t.Fatalf("a latency-only fault changed the answer: %d", a.status)
	}
	// The rule fired its one time: the next request is not delayed.
	f.do(http.MethodGet, "/ai/llm", nil)
	if got := d.take(); len(got) != 0 {
		t.Fatalf("a spent latency rule delayed again: %v", got)
	}
	// A latency fault applies before auth, so it also slows unauthorized requests.
	f.setFaults(map[string]any{"path": "/ai/llm", "latency_ms": 200})
	b, err := f.send(http.MethodGet, "/ai/llm", "", nil)
	if err != nil || b.status != http.StatusUnauthorized {
		t.Fatalf("unauthorized with latency: %+v, %v", b, err)
	}
	if got := d.take(); !slices.Equal(got, []time.Duration{200 * time.Millisecond}) {
		t.Fatalf("latency_ms 200 delayed an unauthorized request by %v", got)
	}
}

func TestFaultDropProcessesThenCloses(t *testing.T) {
	for _, p := range platforms {
		t.Run(p.name, func(t *testing.T) {
			f := newFake(t)
			f.setFaults(map[string]any{"method": "POST", "path": p.collection, "drop": true, "count": 1})
			_, err := f.send(http.MethodPost, p.collection, token, p.create(5))
			if err == nil {
				t.Fatal("a dropped request got an answer")
			}
			// The request was processed: the record exists.
			if got := len(f.list(p)); got != p.baseline+1 {
				t.Fatalf("after a dropped create %s lists %d records, want %d", p.name, got, p.baseline+1)
			}
			entries := f.journal()
			if len(entries) < 1 || entries[0].Fault != "drop" || entries[0].Method != http.MethodPost {
				t.Fatalf("journal = %+v", entries)
			}
			if entries[0].Status < 200 || entries[0].Status > 299 {
				t.Fatalf("the dropped create was journaled with status %d, want the status it was processed with", entries[0].Status)
			}
		})
	}
}

func TestFaultsGetAndDelete(t *testing.T) {
	f := newFake(t)
	if got := f.faults(); len(got) != 0 {
		t.Fatalf("new server has faults %+v", got)
	}
	f.setFaults([]map[string]any{
		{"path": "/ai/llm", "status": 500, "count": 3},
		{"method": "DELETE", "path": "/api/providers/*", "latency_ms": 10},
	})
	f.do(http.MethodGet, "/ai/llm", nil)
	got := f.faults()
	if len(got) != 2 || got[0].Count != 2 || got[0].Path != "/ai/llm" || got[1].Method != "DELETE" || got[1].LatencyMS != 10 {
		t.Fatalf("GET /_mock/faults = %+v", got)
	}
	if a := f.do(http.MethodDelete, "/_mock/faults", nil); a.status != http.StatusNoContent {
		t.Fatalf("DELETE /_mock/faults: %d", a.status)
	}
	if got := f.faults(); len(got) != 0 {
		t.Fatalf("faults after DELETE = %+v", got)
	}
	if a := f.do(http.MethodGet, "/ai/llm", nil); a.status != http.StatusOK {
		t.Fatalf("a cleared fault still fired: %d", a.status)
	}
	// Posting an empty list clears too.
	f.setFaults(map[string]any{"path": "/ai/llm", "status": 500})
	f.setFaults([]any{})
	if got := f.faults(); len(got) != 0 {
		t.Fatalf("faults after posting [] = %+v", got)
	}
}

func TestBadFaultJSON(t *testing.T) {
	f := newFake(t)
	f.setFaults(map[string]any{"path": "/ai/llm", "status": 500})
	for _, body := range []string{"", "{not json", `[{"path": 5}]`, `{"status": "500"}`, `"a string"`} {
		a := f.do(http.MethodPost, "/_mock/faults", body)
		if a.status != http.StatusBadRequest {
			t.Errorf("POST /_mock/faults %q: %d %s, want 400", body, a.status, a.raw)
			continue
		}
		if obj := a.object(t); obj["error"] == nil {
			t.Errorf("400 for %q has no error message: %s", body, a.raw)
		}
	}
	// A refused update leaves the rules in force.
	if got := f.faults(); len(got) != 1 {
		t.Fatalf("a bad update changed the faults: %+v", got)
	}
}

func TestUnknownPaths(t *testing.T) {
	f := newFake(t)
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/_mock/nothing"},
		{http.MethodGet, "/_mock/reset"},
		{http.MethodPut, "/_mock/requests"},
		{http.MethodGet, "/"},
		{http.MethodGet, "/v1/llm-provider/openai"},
		{http.MethodGet, "/api/llm-gateway/other"},
	} {
		a := f.do(tc.method, tc.path, nil)
		if a.status != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", tc.method, tc.path, a.status)
			continue
		}
		if obj := a.object(t); obj["error"] == nil {
			t.Errorf("%s %s: 404 without an error message: %s", tc.method, tc.path, a.raw)
		}
	}
	// Paths no platform serves are not journaled.
	if got := f.journal(); len(got) != 0 {
		t.Errorf("journal = %+v", got)
	}
}

func TestConcurrentUseOfAllPlatforms(t *testing.T) {
	f := newFake(t)
	// Enough idle connections for every worker, so the test measures the server, not dialing.
	transport := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128}
	t.Cleanup(transport.CloseIdleConnections)
	f.client = &http.Client{Transport: transport}
	const workers = 32
	const rounds = 4
	var sent atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds*len(platforms)*3)
	stop := make(chan struct{})

	// Readers of the journal and faults run alongside the writers, one read per write signalled
	// on written, so they interleave with the writes without a clock.
	written := make(chan struct{}, 4)
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				case <-written:
				}
				if a, err := f.send(http.MethodGet, "/_mock/requests", "", nil); err != nil || a.status != http.StatusOK {
					errs <- fmt.Sprintf("journal read: %v %d", err, a.status)
					return
				}
				_ = f.ms.Requests()
				_ = f.ms.Faults()
			}
		}()
	}

	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				for _, p := range platforms {
					n := w*rounds + i
					a, err := f.send(http.MethodPost, p.collection, token, p.create(n))
					sent.Add(1)
					select {
					case written <- struct{}{}:
					default: // The readers are busy; they read the next write.
					}
					if err != nil || a.status >= 500 {
						errs <- fmt.Sprintf("create on %s: %v %d %s", p.name, err, a.status, a.raw)
						continue
					}
					ok := a.status == http.StatusOK || a.status == http.StatusCreated
					if p.name == "refactor" && a.status == http.StatusConflict {
						ok = true // Only seven slugs exist: workers collide by design.
					}
					if !ok {
						errs <- fmt.Sprintf("create on %s: %d %s", p.name, a.status, a.raw)
						continue
					}
					var obj map[string]any
					_ = json.Unmarshal(a.raw, &obj)
					id := p.idOf(obj)
					if a, err := f.send(http.MethodGet, p.collection, token, nil); err != nil || a.status != http.StatusOK {
						errs <- fmt.Sprintf("list on %s: %v %d", p.name, err, a.status)
					}
					sent.Add(1)
					if id != "" && i%2 == 0 {
						a, err := f.send(http.MethodDelete, p.item(id), token, nil)
						sent.Add(1)
						// Another worker may have deleted the same refactor slug first.
						if err != nil || (a.status >= 300 && (p.name != "refactor" || a.status != http.StatusNotFound)) {
							errs <- fmt.Sprintf("delete on %s %s: %v %d %s", p.name, id, err, a.status, a.raw)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := len(f.ms.Requests()); int64(got) != sent.Load() {
		t.Errorf("journal has %d entries for %d platform requests", got, sent.Load())
	}
	// Workers keep the records of odd rounds on the platforms with unique names.
	for _, p := range platforms[1:] {
		if got, want := len(f.list(p)), p.baseline+workers*rounds/2; got != want {
			t.Errorf("%s lists %d records, want %d", p.name, got, want)
		}
	}
}

func TestLatencyDelaysPlatformRequestsOnly(t *testing.T) {
	const latency = 200 * time.Millisecond
	f, d := newDelayedFake(t, mockserver.WithLatency(latency))
	for _, p := range platforms {
		if a := f.do(http.MethodGet, p.collection, nil); a.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", p.collection, a.status, a.raw)
		}
		if got := d.take(); !slices.Equal(got, []time.Duration{latency}) {
			t.Errorf("GET %s was delayed by %v, want %v", p.collection, got, latency)
		}
	}
	// A fault's latency adds to the server's.
	f.setFaults(map[string]any{"path": "/ai/llm", "latency_ms": 100, "count": 1})
	d.take() // The control request that set the fault is not delayed; nothing to see.
	f.do(http.MethodGet, "/ai/llm", nil)
	if got := d.take(); !slices.Equal(got, []time.Duration{latency + 100*time.Millisecond}) {
		t.Errorf("latency plus a latency_ms 100 fault delayed the request by %v", got)
	}
	// Control endpoints are never delayed.
	f.do(http.MethodGet, "/_mock/requests", nil)
	if got := d.take(); len(got) != 0 {
		t.Errorf("a control endpoint was delayed by %v", got)
	}
}

func TestLatencySparesControlEndpointsAndHonoursCancellation(t *testing.T) {
	// An hour is far beyond any test timeout: a delayed request could not finish.
	ms := mockserver.New(token, mockserver.WithLatency(time.Hour))
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	f := &fake{t: t, ms: ms, srv: srv, client: srv.Client()}
	for _, path := range []string{"/_mock/requests", "/_mock/faults"} {
		if a := f.do(http.MethodGet, path, nil); a.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, a.status)
		}
	}
	if a := f.do(http.MethodPost, "/_mock/reset", nil); a.status != http.StatusNoContent {
		t.Fatalf("POST /_mock/reset: %d", a.status)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ai/llm", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := f.client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a request delayed by an hour answered %d", resp.StatusCode)
	}
	// The handler notices the cancellation and journals the request as never answered. Close
	// waits for every handler to return, so the journal is final without polling it.
	srv.Close()
	if entries := ms.Requests(); len(entries) != 1 || entries[0].Status != 499 || entries[0].Path != "/ai/llm" {
		t.Fatalf("journal after a cancelled delayed request = %+v", entries)
	}
}
