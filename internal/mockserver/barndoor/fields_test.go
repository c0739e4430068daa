package barndoor_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/barndoor"
)

func TestNewerFieldsDefaults(t *testing.T) {
	f := newFake(t)
	p := f.create(minimal("defaults"))
	for k, want := range map[string]any{
		"enforce_health_check": true, "billing_mode": "per_token", "health_status": "unverified",
		"health_detail": nil, "health_checked_at": nil, "model_sync_mode": "off", "last_change_note": nil,
	} {
		if got, ok := p[k]; !ok || !jsonEqual(got, want) {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
		}
	}
	// Null billing_reason and billing_note are omitted, not answered as null.
	for _, k := range []string{"billing_reason", "billing_note"} {
		if _, ok := p[k]; ok {
			t.Errorf("%s is present while null: %v", k, p)
		}
	}
	// On create an explicit null means the same as an omitted field.
	q := f.create(map[string]any{"name": "nulls", "model_provider": "openai", "enforce_health_check": nil, "billing_mode": nil, "billing_reason": nil, "billing_note": nil})
	if q["enforce_health_check"] != true || q["billing_mode"] != "per_token" || q["billing_reason"] != nil || q["billing_note"] != nil {
		t.Errorf("create with nulls = %v", q)
	}
}

func TestNewerFieldsStoredAndReturned(t *testing.T) {
	f := newFake(t)
	note := strings.Repeat("é", barndoor.MaxBillingNoteLength) // Characters, not bytes.
	p := f.create(map[string]any{
		"name": "billed", "model_provider": "openai", "enforce_health_check": false, "billing_mode": "not_metered",
		"billing_reason": "subscription", "billing_note": note, "models": []string{"gpt-4o", "gpt-4o-mini"},
	})
	id, _ := p["id"].(string)
	check := func(step string, got map[string]any, want map[string]any) {
		t.Helper()
		for k, v := range want {
			if v == nil {
				if _, ok := got[k]; ok {
					t.Errorf("%s: %s = %v, want it omitted", step, k, got[k])
				}
				continue
			}
			if !jsonEqual(got[k], v) {
				t.Errorf("%s: %s = %v, want %v", step, k, got[k], v)
			}
		}
		if again := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t); !jsonEqual(again, got) {
			t.Errorf("%s: GET differs from the answer:\n got %v\nwant %v", step, again, got)
		}
	}
	check("create", p, map[string]any{"enforce_health_check": false, "billing_mode": "not_metered", "billing_reason": "subscription", "billing_note": note})
	check("put other fields", f.put(id, map[string]any{"name": "billed-2"}),
		map[string]any{"enforce_health_check": false, "billing_mode": "not_metered", "billing_reason": "subscription", "billing_note": note})
	check("put new values", f.put(id, map[string]any{"enforce_health_check": true, "billing_reason": "local", "billing_note": ""}),
		map[string]any{"enforce_health_check": true, "billing_mode": "not_metered", "billing_reason": "local", "billing_note": ""})
	check("put nulls clear", f.put(id, map[string]any{"billing_reason": nil, "billing_note": nil, "billing_mode": "per_token"}),
		map[string]any{"enforce_health_check": true, "billing_mode": "per_token", "billing_reason": nil, "billing_note": nil})
}

func TestNewerFieldsValidation(t *testing.T) {
	f := newFake(t)
	p := f.create(minimal("valid"))
	id, _ := p["id"].(string)
	tooLong := strings.Repeat("x", barndoor.MaxBillingNoteLength+1)
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"enforce_health_check not a bool", map[string]any{"enforce_health_check": "true"}, "enforce_health_check must be a boolean"},
		{"billing_mode unknown", map[string]any{"billing_mode": "free"}, "billing_mode must be one of per_token, not_metered"},
		{"billing_mode not a string", map[string]any{"billing_mode": 1}, "billing_mode must be one of"},
		{"billing_reason unknown", map[string]any{"billing_reason": "gift"}, "billing_reason must be one of subscription, local, external, other"},
		{"billing_note too long", map[string]any{"billing_note": tooLong}, "billing_note must be at most 200 characters"},
		{"billing_note not a string", map[string]any{"billing_note": 5}, "billing_note must be a string"},
		{"unknown field", map[string]any{"billing_plan": "x"}, "unknown field `billing_plan`"},
		// Response-only fields are not request fields.
		{"read-only health_status", map[string]any{"health_status": "healthy"}, "unknown field `health_status`"},
		{"read-only secret_path", map[string]any{"secret_path": "x"}, "unknown field `secret_path`"},
	} {
		t.Run("create "+c.name, func(t *testing.T) {
			body := minimal("refused")
			for k, v := range c.body {
				body[k] = v
			}
			expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", c.want)
		})
		t.Run("put "+c.name, func(t *testing.T) {
			expectError(t, f.do(http.MethodPut, providersPath+"/"+id, c.body), http.StatusBadRequest, "invalid_request_error", c.want)
		})
	}
	if got := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t); !jsonEqual(got, p) {
		t.Errorf("refused requests changed the provider:\n got %v\nwant %v", got, p)
	}
	if list := f.do(http.MethodGet, providersPath, nil); len(list.body.([]any)) != 1 {
		t.Errorf("refused creates stored providers: %s", list.raw)
	}
}

func TestSecretPathIsOpaqueAndFollowsTheSecret(t *testing.T) {
	f := newFake(t)
	connID := f.createConnection("vault")
	none := f.create(minimal("none"))
	own := f.create(map[string]any{"name": "own", "model_provider": "openai", "api_key": secretKey})
	shared := f.create(map[string]any{"name": "shared", "model_provider": "openai", "connection_id": connID})
	// The SDK's Provider requires secret_path as a string: a provider without a secret answers
	// its own slot, the same one a secret sent later goes to.
	nonePath, _ := none["secret_path"].(string)
	if !strings.HasSuffix(nonePath, "/providers/"+none["id"].(string)) {
		t.Errorf("a provider without a secret has secret_path %v, want its own slot", none["secret_path"])
	}
	ownPath, _ := own["secret_path"].(string)
	sharedPath, _ := shared["secret_path"].(string)
	if ownPath == "" || sharedPath == "" || ownPath == sharedPath || strings.Contains(ownPath, secretKey) {
		t.Errorf("secret_path own %q, shared %q", ownPath, sharedPath)
	}
	if !strings.Contains(sharedPath, connID) {
		t.Errorf("a provider on a connection has secret_path %q, want the connection's", sharedPath)
	}
}

// TestBarndoorOwnClientConverges behaves like Barndoor's own Terraform provider: create always
// sends enforce_health_check, and every update re-sends the whole object as read back. After
// create and update, a read returns what was sent (settings as a superset).
func TestBarndoorOwnClientConverges(t *testing.T) {
	f := newFake(t)
	create := map[string]any{
		"name": "converge", "model_provider": "anthropic", "base_url": "https://api.anthropic.com",
		"auth_type": "x_api_key", "api_key": secretKey, "settings": map[string]any{"team": "ml"},
		"enforce_health_check": true,
	}
	created := f.create(create)
	id, _ := created["id"].(string)
	expectSent(t, "create", created, create)

	// The update sends every field: changed ones and the rest as read back.
	update := map[string]any{
		"name": "converge-2", "base_url": created["base_url"], "auth_type": created["auth_type"], "api_key": secretKey,
		"settings": created["settings"], "enabled": false, "enforce_health_check": false,
		"billing_mode": "not_metered", "billing_reason": "external", "billing_note": "billed by the vendor",
	}
	updated := f.put(id, update)
	expectSent(t, "update", updated, update)
	read := f.do(http.MethodGet, providersPath+"/"+id, nil).object(t)
	expectSent(t, "read", read, update)

	// The next refresh re-sends what it read: nothing changes but updated_at.
	again := map[string]any{}
	for _, k := range []string{"name", "base_url", "auth_type", "settings", "enabled", "enforce_health_check", "billing_mode", "billing_reason", "billing_note"} {
		again[k] = read[k]
	}
	unchanged := f.put(id, again)
	read["updated_at"] = unchanged["updated_at"]
	if !jsonEqual(unchanged, read) {
		t.Errorf("re-sending what was read changed the provider:\n got %v\nwant %v", unchanged, read)
	}
}

// expectSent checks that got holds every field of sent (api_key aside: it is never returned),
// with settings as a superset.
func expectSent(t *testing.T, step string, got, sent map[string]any) {
	t.Helper()
	for k, v := range sent {
		switch k {
		case "api_key":
		case "settings":
			gotSettings, _ := got["settings"].(map[string]any)
			for sk, sv := range v.(map[string]any) {
				if !jsonEqual(gotSettings[sk], sv) {
					t.Errorf("%s: settings.%s = %v, want %v", step, sk, gotSettings[sk], sv)
				}
			}
		default:
			if !jsonEqual(got[k], v) {
				t.Errorf("%s: %s = %v, want %v", step, k, got[k], v)
			}
		}
	}
}

// TestSDKFieldsModelSyncModeChangeNoteModels covers the SDK's create and update fields the
// vendor code lacked: model_sync_mode (off|additive|full), change_note (one edit's note, which
// an update without it clears) and models (one model route per upstream model).
func TestSDKFieldsModelSyncModeChangeNoteModels(t *testing.T) {
	f := newFake(t)
	srv := f.ms.Barndoor()
	p := f.create(map[string]any{
		"name": "synced", "model_provider": "openai", "model_sync_mode": "full",
		"change_note": "added for the Q3 batch job", "models": []string{"gpt-4o", "gpt-4o-mini"},
	})
	id, _ := p["id"].(string)
	if p["model_sync_mode"] != "full" || p["last_change_note"] != "added for the Q3 batch job" {
		t.Errorf("create answered model_sync_mode %v, last_change_note %v", p["model_sync_mode"], p["last_change_note"])
	}
	if _, ok := p["models"]; ok {
		t.Errorf("the Provider object has no models field, got %v", p["models"])
	}
	if got := srv.ModelRoutes(id); !slices.Equal(got, []string{"gpt-4o", "gpt-4o-mini"}) {
		t.Errorf("ModelRoutes = %v, want [gpt-4o gpt-4o-mini]", got)
	}
	q := f.put(id, map[string]any{"model_sync_mode": "additive", "change_note": "stop retiring models"})
	if q["model_sync_mode"] != "additive" || q["last_change_note"] != "stop retiring models" {
		t.Errorf("put answered model_sync_mode %v, last_change_note %v", q["model_sync_mode"], q["last_change_note"])
	}
	r := f.put(id, map[string]any{"name": "synced-2"})
	if r["model_sync_mode"] != "additive" || r["last_change_note"] != nil {
		t.Errorf("a put without change_note answered model_sync_mode %v, last_change_note %v; want additive and null", r["model_sync_mode"], r["last_change_note"])
	}
	for _, c := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"model_sync_mode unknown", map[string]any{"model_sync_mode": "sometimes"}, "model_sync_mode must be one of off, additive, full"},
		{"not_metered without a reason", map[string]any{"billing_mode": "not_metered"}, "billing_reason is required when billing_mode is not_metered"},
	} {
		body := minimal("refused")
		for k, v := range c.body {
			body[k] = v
		}
		expectError(t, f.do(http.MethodPost, providersPath, body), http.StatusBadRequest, "invalid_request_error", c.want)
		expectError(t, f.do(http.MethodPut, providersPath+"/"+id, c.body), http.StatusBadRequest, "invalid_request_error", c.want)
	}
	expectError(t, f.do(http.MethodPost, providersPath, map[string]any{"name": "dup", "model_provider": "openai", "models": []string{"a", "a"}}),
		http.StatusBadRequest, "invalid_request_error", "models[1] repeats")
}

func TestDeleteOfMissingProvider(t *testing.T) {
	f := newFake(t)
	srv := f.ms.Barndoor()
	missing := "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	expectError(t, f.do(http.MethodDelete, providersPath+"/"+missing, nil), http.StatusNotFound, "not_found_error", "not found")
	srv.SetIdempotentDelete(true)
	del := f.do(http.MethodDelete, providersPath+"/"+missing, nil)
	if del.status != http.StatusOK || !jsonEqual(del.body, map[string]any{"deleted": true}) {
		t.Errorf("idempotent delete of a missing provider: status %d, body %s", del.status, del.raw)
	}
}
