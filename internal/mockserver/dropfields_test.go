package mockserver_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

// barndoorNewerFields are the provider fields an older barndoor may not know.
var barndoorNewerFields = []string{"request_timeout_secs", "stream_idle_timeout_secs", "connection_id", "credentials", "enforce_health_check"}

func (f *fake) dropFields(body any) []mockserver.DroppedFields {
	f.t.Helper()
	a := f.do(http.MethodPost, "/_mock/drop-fields", body)
	if a.status != http.StatusOK {
		f.t.Fatalf("POST /_mock/drop-fields: %d %s", a.status, a.raw)
	}
	var out []mockserver.DroppedFields
	if err := json.Unmarshal(a.raw, &out); err != nil {
		f.t.Fatalf("drop-fields answer: %v: %s", err, a.raw)
	}
	return out
}

func (f *fake) droppedFields() []mockserver.DroppedFields {
	f.t.Helper()
	a := f.do(http.MethodGet, "/_mock/drop-fields", nil)
	if a.status != http.StatusOK {
		f.t.Fatalf("GET /_mock/drop-fields: %d %s", a.status, a.raw)
	}
	var out []mockserver.DroppedFields
	if err := json.Unmarshal(a.raw, &out); err != nil {
		f.t.Fatalf("drop-fields answer: %v: %s", err, a.raw)
	}
	return out
}

func TestDroppedFieldsOldBarndoor(t *testing.T) {
	f := newFake(t)
	f.dropFields(map[string]any{"platform": "barndoor", "fields": barndoorNewerFields})
	const path = "/api/llm-gateway/admin/providers"
	// Values the current version would refuse: an older one never looks at them.
	a := f.do(http.MethodPost, path, map[string]any{
		"name": "old", "model_provider": "openai", "api_key": "sk-old", "request_timeout_secs": 99999,
		"stream_idle_timeout_secs": "soon", "connection_id": "not-a-uuid", "credentials": "x", "enforce_health_check": false,
		"settings": map[string]any{"connection_id": "kept", "enforce_health_check": "kept"},
	})
	if a.status != http.StatusOK {
		t.Fatalf("create on an old barndoor: %d %s", a.status, a.raw)
	}
	created := a.object(t)
	id, _ := created["id"].(string)
	got := f.do(http.MethodGet, path+"/"+id, nil).object(t)
	items := f.list(platforms[2])
	for name, obj := range map[string]map[string]any{"create": created, "get": got, "list": items[0].(map[string]any)} {
		for _, field := range barndoorNewerFields {
			if _, ok := obj[field]; ok {
				t.Errorf("%s answer holds dropped field %s: %v", name, field, obj)
			}
		}
		// Only top-level fields go: settings keeps keys of the same names.
		settings, _ := obj["settings"].(map[string]any)
		if settings["connection_id"] != "kept" || settings["enforce_health_check"] != "kept" {
			t.Errorf("%s settings lost keys: %v", name, settings)
		}
		if obj["name"] != "old" {
			t.Errorf("%s answer lost other fields: %v", name, obj)
		}
	}
	// An update is treated the same way.
	if a := f.do(http.MethodPut, path+"/"+id, map[string]any{"name": "old-2", "request_timeout_secs": 0, "enforce_health_check": "no"}); a.status != http.StatusOK {
		t.Fatalf("update on an old barndoor: %d %s", a.status, a.raw)
	}
	// The journal shows what the client sent.
	entries := f.ms.Requests()
	var sent map[string]any
	if err := json.Unmarshal(entries[0].Body, &sent); err != nil || sent["request_timeout_secs"] != float64(99999) {
		t.Errorf("journaled create body = %s", entries[0].Body)
	}

	// Back on the current version, nothing of the dropped fields was stored.
	if a := f.do(http.MethodDelete, "/_mock/drop-fields", nil); a.status != http.StatusNoContent {
		t.Fatalf("DELETE /_mock/drop-fields: %d", a.status)
	}
	now := f.do(http.MethodGet, path+"/"+id, nil).object(t)
	for field, want := range map[string]any{
		"name": "old-2", "request_timeout_secs": nil, "stream_idle_timeout_secs": nil, "connection_id": nil, "enforce_health_check": true,
	} {
		if v, ok := now[field]; !ok || !reflect.DeepEqual(v, want) {
			t.Errorf("after clearing, %s = %v (present %v), want %v", field, v, ok, want)
		}
	}
}

// TestDroppedFieldsRequestsOnly: a version that ignores a field it still returns answers with its
// own value, not the one sent; over HTTP and through SetIgnoredFields alike.
func TestDroppedFieldsRequestsOnly(t *testing.T) {
	f := newFake(t)
	got := f.dropFields(map[string]any{"platform": "barndoor", "fields": []string{"enforce_health_check"}, "requests_only": true})
	want := []mockserver.DroppedFields{{Platform: "barndoor", Fields: []string{"enforce_health_check"}, RequestsOnly: true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("POST answered %+v, want %+v", got, want)
	}
	const path = "/api/llm-gateway/admin/providers"
	a := f.do(http.MethodPost, path, map[string]any{"name": "ign", "model_provider": "openai", "api_key": "sk-x", "enforce_health_check": false})
	created := a.object(t)
	if a.status != http.StatusOK || created["enforce_health_check"] != true {
		t.Fatalf("create answered %d %v, want enforce_health_check true (the default, the false ignored)", a.status, created)
	}
	id, _ := created["id"].(string)
	if upd := f.do(http.MethodPut, path+"/"+id, map[string]any{"enforce_health_check": false}).object(t); upd["enforce_health_check"] != true {
		t.Errorf("update answered %v, want enforce_health_check true", upd)
	}
	// A plain drop replaces the requests-only one: the field is gone from answers again.
	if err := f.ms.SetDroppedFields("barndoor", []string{"enforce_health_check"}); err != nil {
		t.Fatal(err)
	}
	if obj := f.do(http.MethodGet, path+"/"+id, nil).object(t); obj["enforce_health_check"] != nil {
		t.Errorf("after a plain drop the answer holds enforce_health_check: %v", obj)
	}
	if err := f.ms.SetIgnoredFields("barndoor", []string{"enforce_health_check"}); err != nil {
		t.Fatal(err)
	}
	if got := f.ms.DroppedFields(); !reflect.DeepEqual(got, want) {
		t.Errorf("DroppedFields = %+v, want %+v", got, want)
	}
	if obj := f.do(http.MethodGet, path+"/"+id, nil).object(t); obj["enforce_health_check"] != true {
		t.Errorf("requests-only: the answer lost enforce_health_check: %v", obj)
	}
	f.ms.ClearDroppedFields()
	if got := f.ms.DroppedFields(); len(got) != 0 {
		t.Errorf("after clearing: %+v", got)
	}
}

func TestDroppedFieldsKeywordsaiAndWrappedLists(t *testing.T) {
	f := newFake(t)
	f.dropFields([]map[string]any{
		{"platform": "keywordsai", "fields": []string{"extra_kwargs"}},
		{"platform": "flashback", "fields": []string{"repos", "createdAt"}},
	})
	// The current keywordsai refuses extra_kwargs that is not an object; an older one ignores it.
	a := f.do(http.MethodPost, "/api/providers/", map[string]any{"provider_id": "kw-old", "provider_name": "Old", "api_key": "sk-kw", "extra_kwargs": "not an object"})
	if a.status != http.StatusOK && a.status != http.StatusCreated {
		t.Fatalf("create on an old keywordsai: %d %s", a.status, a.raw)
	}
	f.create(platforms[1], 1)
	for _, item := range f.list(platforms[1]) {
		obj := item.(map[string]any)
		_, repos := obj["repos"]
		_, created := obj["createdAt"]
		if repos || created || obj["name"] == nil {
			t.Errorf("flashback list item = %v, want it without repos and createdAt", obj)
		}
	}
	// Other platforms are untouched.
	f.create(platforms[2], 1)
	if obj := f.list(platforms[2])[0].(map[string]any); obj["enforce_health_check"] != true {
		t.Errorf("barndoor lost fields it was not told to drop: %v", obj)
	}
}

func TestDroppedFieldsControl(t *testing.T) {
	f := newFake(t)
	if got := f.droppedFields(); len(got) != 0 {
		t.Fatalf("a new server drops %+v", got)
	}
	if a := f.do(http.MethodGet, "/_mock/drop-fields", nil); strings.TrimSpace(string(a.raw)) != "[]" {
		t.Errorf("empty answer = %s, want []", a.raw)
	}
	got := f.dropFields(map[string]any{"platform": "barndoor", "fields": []string{"stream_idle_timeout_secs", "connection_id", "connection_id"}})
	want := []mockserver.DroppedFields{{Platform: "barndoor", Fields: []string{"connection_id", "stream_idle_timeout_secs"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("POST answered %+v, want %+v", got, want)
	}
	// Another platform adds to the list; the same platform replaces its own.
	f.dropFields(map[string]any{"platform": "keywordsai", "fields": []string{"extra_kwargs"}})
	got = f.dropFields(map[string]any{"platform": "barndoor", "fields": []string{"credentials"}})
	want = []mockserver.DroppedFields{{Platform: "barndoor", Fields: []string{"credentials"}}, {Platform: "keywordsai", Fields: []string{"extra_kwargs"}}}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(f.ms.DroppedFields(), want) || !reflect.DeepEqual(f.droppedFields(), want) {
		t.Fatalf("rules = %+v / %+v, want %+v", got, f.ms.DroppedFields(), want)
	}
	for _, body := range []string{
		``, `"x"`, `{"platform": "nope", "fields": ["a"]}`, `{"fields": ["a"]}`, `{"platform": "barndoor", "field": ["a"]}`,
		`{"platform": "barndoor", "fields": [""]}`, `[{"platform": "flashback", "fields": ["a"]}, {"platform": "oauth", "fields": ["a"]}]`,
	} {
		a := f.do(http.MethodPost, "/_mock/drop-fields", body)
		if a.status != http.StatusBadRequest || a.object(t)["error"] == nil {
			t.Errorf("POST %s: %d %s, want 400 with an error", body, a.status, a.raw)
		}
	}
	if got := f.droppedFields(); !reflect.DeepEqual(got, want) {
		t.Fatalf("refused requests changed the rules: %+v", got)
	}
	// An empty list stops one platform dropping.
	if got := f.dropFields(map[string]any{"platform": "keywordsai", "fields": []string{}}); len(got) != 1 || got[0].Platform != "barndoor" {
		t.Errorf("after clearing keywordsai: %+v", got)
	}
	if a := f.do(http.MethodPost, "/_mock/reset", nil); a.status != http.StatusNoContent {
		t.Fatal(a.status)
	}
	if got := f.droppedFields(); len(got) != 0 {
		t.Errorf("after reset: %+v", got)
	}
	if err := f.ms.SetDroppedFields("refactor", []string{"enabled"}); err != nil {
		t.Fatal(err)
	}
	if err := f.ms.SetDroppedFields("nope", []string{"x"}); err == nil {
		t.Error("SetDroppedFields accepted an unknown platform")
	}
	f.ms.ClearDroppedFields()
	if got := f.ms.DroppedFields(); len(got) != 0 {
		t.Errorf("after ClearDroppedFields: %+v", got)
	}
	// Control requests are not journaled.
	if got := f.ms.Requests(); len(got) != 0 {
		t.Errorf("journal = %+v", got)
	}
}
