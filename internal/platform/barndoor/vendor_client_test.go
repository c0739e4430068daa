package barndoor_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/barndoor"
)

// vendorFields are the fields Barndoor's own Terraform provider sends on every update (besides
// the secret), with the billing fields it reads back and sends again.
var vendorFields = []string{"name", "base_url", "auth_type", "settings", "enabled", "enforce_health_check", "billing_mode", "billing_reason", "billing_note"}

// TestVendorClientConverges behaves like Barndoor's own Terraform provider against the mock over
// HTTP: its create always sends enforce_health_check, and each update re-sends the whole object
// with the values it read back. Every answer must hold what was sent (settings as a superset:
// the platform adds keys), and our own reading of the record must then agree with what that
// client wants: Diff is empty and CheckEcho finds nothing.
func TestVendorClientConverges(t *testing.T) {
	c, ms, root := setup(t)
	ctx := t.Context()
	raw := newGatewayAPI(t, root)
	send := func(method, path string, body map[string]any) map[string]any {
		t.Helper()
		req := platform.Request{Method: method, Path: path, Body: body, Secrets: []string{secretKey}}
		resp, err := raw.http.Do(ctx, req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		var out map[string]any
		if err := raw.http.DecodeJSON(req, resp, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	created := send(http.MethodPost, "/admin/providers", map[string]any{
		"name": "vendor-openai", "model_provider": "openai", "base_url": "https://api.openai.com", "auth_type": "bearer_api_key",
		"api_key": secretKey, "settings": map[string]any{"region": "us"}, "enforce_health_check": true,
	})
	id, _ := created["id"].(string)
	if created["enforce_health_check"] != true {
		t.Fatalf("create answered enforce_health_check = %v, want true", created["enforce_health_check"])
	}
	readBack := created
	// Each round changes something the way a user would, then re-sends the whole object.
	rounds := []map[string]any{
		{"enforce_health_check": false},
		{"enabled": false, "billing_mode": "not_metered", "billing_reason": "subscription", "billing_note": "prepaid"},
		{"name": "vendor-openai-2", "enforce_health_check": true, "billing_mode": "per_token", "billing_reason": nil, "billing_note": nil}, // A reason clears only with per_token (SDK).
		{}, // nothing changes: the object is sent as read back.
	}
	for i, change := range rounds {
		body := map[string]any{"api_key": secretKey}
		for _, f := range vendorFields {
			body[f] = readBack[f] // absent (omitted when null) reads as nil, an explicit null
		}
		for k, v := range change {
			body[k] = v
		}
		ms.ClearRequests()
		answer := send(http.MethodPut, "/admin/providers/"+id, body)
		for _, f := range vendorFields {
			sent, got := body[f], answer[f]
			if f == "settings" {
				for k, v := range sent.(map[string]any) {
					if !reflect.DeepEqual(got.(map[string]any)[k], v) {
						t.Errorf("round %d: settings[%s] = %v, sent %v", i, k, got.(map[string]any)[k], v)
					}
				}
				continue
			}
			if !reflect.DeepEqual(sent, got) {
				t.Errorf("round %d: %s = %v, sent %v", i, f, got, sent)
			}
		}
		if _, ok := answer["api_key"]; ok {
			t.Errorf("round %d: the answer holds the secret", i)
		}
		readBack = answer

		// Our client reads the same record the way that client left it.
		got, err := c.Get(ctx, platform.Ref{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		settings, _ := body["settings"].(map[string]any)
		want := platform.Record{
			ID: id, Name: body["name"].(string), ModelProvider: "openai", BaseURL: body["base_url"].(string),
			AuthType: body["auth_type"].(string), Enabled: ptr(body["enabled"].(bool)),
			EnforceHealthCheck: ptr(body["enforce_health_check"].(bool)), Settings: settings,
		}
		// The vendor's client leaves model_sync_mode out: the platform's default stays.
		want.ModelSyncMode, _ = answer["model_sync_mode"].(string)
		// The billing fields are what the answer holds, which the check above compared with what was sent.
		want.BillingMode, _ = answer["billing_mode"].(string)
		want.BillingReason, _ = answer["billing_reason"].(string)
		want.BillingNote, _ = answer["billing_note"].(string)
		for _, f := range barndoor.Spec.SupportedFields() {
			if !platform.SameValue(f, got, want) {
				t.Errorf("round %d: %s read back = %v, want %v", i, f, got.Value(f), want.Value(f))
			}
		}
		fields := []platform.Field{platform.FieldName, platform.FieldBaseURL, platform.FieldAuthType, platform.FieldSettings,
			platform.FieldEnabled, platform.FieldEnforceHealthCheck}
		if err := platform.CheckEcho(barndoor.Spec, want, fields, got); err != nil {
			t.Errorf("round %d: CheckEcho: %v", i, err)
		}
	}
	if got := readBack["enforce_health_check"]; got != true {
		t.Errorf("final enforce_health_check = %v", got)
	}
	if _, ok := readBack["billing_reason"]; ok {
		t.Errorf("a cleared billing_reason is still returned: %v", readBack["billing_reason"])
	}
}

// TestCreateReportsSkew: against a platform version that does not know some fields, the
// create comes back with the record as the platform holds it and a *SkewError per field, for
// the fields of the create call and for those applied by the update after it.
func TestCreateReportsSkew(t *testing.T) {
	c, ms, _ := setup(t)
	ctx := t.Context()
	if err := ms.SetDroppedFields(string(barndoor.Name), []string{"request_timeout_secs", "connection_id"}); err != nil {
		t.Fatal(err)
	}
	in := platform.Record{Name: "skew-create", ModelProvider: "openai", APIKey: secretKey, RequestTimeoutSecs: ptr(int64(30))}
	got, err := platform.Create(ctx, c, in)
	skews := platform.SkewErrors(err)
	if len(skews) != 1 || skews[0].Field != platform.FieldRequestTimeoutSecs || !skews[0].Missing || skews[0].Sent != int64(30) {
		t.Fatalf("Create error = %v, want one missing request_timeout_secs", err)
	}
	if got.ID == "" || got.RequestTimeoutSecs != nil {
		t.Errorf("record = %+v, want the created one, without the dropped timeout", got)
	}

	// enabled goes in the update after the create; a version that drops it is caught there.
	if err := ms.SetDroppedFields(string(barndoor.Name), []string{"enabled"}); err != nil {
		t.Fatal(err)
	}
	in = platform.Record{Name: "skew-enabled", ModelProvider: "openai", APIKey: secretKey, Enabled: ptr(false)}
	got, err = platform.Create(ctx, c, in)
	skews = platform.SkewErrors(err)
	if len(skews) != 1 || skews[0].Field != platform.FieldEnabled || !skews[0].Missing || got.ID == "" {
		t.Fatalf("Create = %+v, %v; want the record and one missing enabled", got, err)
	}

	// The same creates on a version that knows the fields succeed.
	ms.ClearDroppedFields()
	in = platform.Record{Name: "skew-none", ModelProvider: "openai", APIKey: secretKey, RequestTimeoutSecs: ptr(int64(30)), Enabled: ptr(false)}
	if _, err := platform.Create(ctx, c, in); err != nil {
		t.Fatalf("Create on a current version: %v", err)
	}
}

// TestEnforceHealthCheckBodies: the field is a plain value under its wire name on create and
// update, false included, and left out when unset so the platform applies its default.
func TestEnforceHealthCheckBodies(t *testing.T) {
	create, err := barndoor.CreateBody(platform.Record{Name: "n", ModelProvider: "openai", EnforceHealthCheck: ptr(false)})
	if err != nil || create["enforce_health_check"] != false {
		t.Errorf("CreateBody = %v, %v; want enforce_health_check false", create, err)
	}
	if create, _ := barndoor.CreateBody(platform.Record{Name: "n", ModelProvider: "openai"}); create["enforce_health_check"] != nil {
		t.Errorf("CreateBody without the field = %v", create)
	}
	update, err := updateBody(platform.Patch{Fields: []platform.Field{platform.FieldEnforceHealthCheck}, Values: platform.Record{EnforceHealthCheck: ptr(true)}})
	if err != nil || !reflect.DeepEqual(update, map[string]any{"enforce_health_check": true}) {
		t.Errorf("UpdateBody = %v, %v", update, err)
	}
	// It is not clearable: removing it from the configuration keeps the platform's value.
	if _, err := updateBody(platform.Patch{Fields: []platform.Field{platform.FieldEnforceHealthCheck}}); err == nil {
		t.Error("UpdateBody cleared enforce_health_check")
	}
}
