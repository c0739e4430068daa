package mockserver_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

const (
	clientID = "terraform-ci"
	// clientSecret holds characters that form encoding changes, so both Basic decoding and body
	// parsing are exercised.
	clientSecret = "s3cr/t+&=%ü"
)

func newOAuthFake(t *testing.T, opts ...mockserver.Option) *fake {
	t.Helper()
	ms := mockserver.New(token, append([]mockserver.Option{mockserver.WithClientCredentials(clientID, clientSecret)}, opts...)...)
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	return &fake{t: t, ms: ms, srv: srv, client: srv.Client()}
}

// tokenRequest describes one POST to the token endpoint.
type tokenRequest struct {
	form url.Values
	// basic sends the client as golang.org/x/oauth2 does with AuthStyleInHeader: each part
	// form-encoded, then HTTP Basic.
	basic       bool
	id, secret  string
	contentType string
	method      string
}

func (f *fake) token(tr tokenRequest) answer {
	f.t.Helper()
	method := tr.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, f.srv.URL+mockserver.TokenPath, strings.NewReader(tr.form.Encode()))
	if err != nil {
		f.t.Fatal(err)
	}
	ct := tr.contentType
	if ct == "" {
		ct = "application/x-www-form-urlencoded"
	}
	req.Header.Set("Content-Type", ct)
	if tr.basic {
		req.SetBasicAuth(url.QueryEscape(tr.id), url.QueryEscape(tr.secret))
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// inBody is the form golang.org/x/oauth2 sends with AuthStyleInParams, for the test's client.
func inBody(secret string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
}

func grantOnly() url.Values { return url.Values{"grant_type": {"client_credentials"}} }

// mint gets a token with HTTP Basic and fails the test otherwise.
func (f *fake) mint() string {
	f.t.Helper()
	a := f.token(tokenRequest{form: grantOnly(), basic: true, id: clientID, secret: clientSecret})
	if a.status != http.StatusOK {
		f.t.Fatalf("token: %d %s", a.status, a.raw)
	}
	tok, _ := a.object(f.t)["access_token"].(string)
	if tok == "" {
		f.t.Fatalf("token answer has no access_token: %s", a.raw)
	}
	return tok
}

func expectOAuthError(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.raw)
	}
	if got := a.object(t)["error"]; got != code {
		t.Errorf("error = %v, want %s: %s", got, code, a.raw)
	}
	if a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("error answer Cache-Control = %q", a.header.Get("Cache-Control"))
	}
}

func TestTokenEndpointIssuesTokens(t *testing.T) {
	f := newOAuthFake(t, mockserver.WithTokenTTL(90*time.Second))
	for name, tr := range map[string]tokenRequest{
		"basic": {form: grantOnly(), basic: true, id: clientID, secret: clientSecret},
		"body":  {form: inBody(clientSecret)},
		// A client may name itself in the body as well as in the header.
		"basic with client_id in body": {form: url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}}, basic: true, id: clientID, secret: clientSecret},
		"charset in content type":      {form: inBody(clientSecret), contentType: "application/x-www-form-urlencoded; charset=utf-8"},
	} {
		t.Run(name, func(t *testing.T) {
			a := f.token(tr)
			if a.status != http.StatusOK {
				t.Fatalf("status %d: %s", a.status, a.raw)
			}
			if a.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
				t.Errorf("headers = %v", a.header)
			}
			obj := a.object(t)
			if len(obj) != 3 || obj["token_type"] != "Bearer" || obj["expires_in"] != float64(90) {
				t.Errorf("answer = %s, want access_token, token_type Bearer, expires_in 90", a.raw)
			}
			if tok, _ := obj["access_token"].(string); len(tok) < 32 || strings.Contains(tok, clientSecret) {
				t.Errorf("access_token %q is not an opaque random token", tok)
			}
		})
	}
	first, second := f.mint(), f.mint()
	if first == second {
		t.Error("two token requests got the same token")
	}
	if got := f.ms.TokensIssued(); got != 6 {
		t.Errorf("TokensIssued() = %d, want 6", got)
	}

	form := grantOnly()
	form.Set("scope", "admin read")
	a := f.token(tokenRequest{form: form, basic: true, id: clientID, secret: clientSecret})
	if a.status != http.StatusOK || a.object(t)["scope"] != "admin read" {
		t.Errorf("scope not echoed: %d %s", a.status, a.raw)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	f := newOAuthFake(t)
	for name, tc := range map[string]struct {
		tr     tokenRequest
		status int
		code   string
		// challenge says whether WWW-Authenticate: Basic is due.
		challenge bool
	}{
		"wrong secret in basic": {tokenRequest{form: grantOnly(), basic: true, id: clientID, secret: "nope"}, 401, "invalid_client", true},
		"wrong id in basic":     {tokenRequest{form: grantOnly(), basic: true, id: "other", secret: clientSecret}, 401, "invalid_client", true},
		"wrong secret in body":  {tokenRequest{form: inBody("nope")}, 401, "invalid_client", false},
		"unencoded basic":       {tokenRequest{form: grantOnly(), basic: true, id: clientID, secret: "%zz"}, 401, "invalid_client", true},
		"no client at all":      {tokenRequest{form: grantOnly()}, 401, "invalid_client", false},
		"no grant_type":         {tokenRequest{form: url.Values{"client_id": {clientID}, "client_secret": {clientSecret}}}, 400, "invalid_request", false},
		"password grant":        {tokenRequest{form: url.Values{"grant_type": {"password"}, "client_id": {clientID}, "client_secret": {clientSecret}}}, 400, "unsupported_grant_type", false},
		"repeated parameter":    {tokenRequest{form: url.Values{"grant_type": {"client_credentials", "client_credentials"}}, basic: true, id: clientID, secret: clientSecret}, 400, "invalid_request", false},
		"json body":             {tokenRequest{form: inBody(clientSecret), contentType: "application/json"}, 400, "invalid_request", false},
		"two client methods":    {tokenRequest{form: inBody(clientSecret), basic: true, id: clientID, secret: clientSecret}, 400, "invalid_request", false},
		"client_id differs":     {tokenRequest{form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"x"}}, basic: true, id: clientID, secret: clientSecret}, 400, "invalid_request", false},
		"GET instead of POST":   {tokenRequest{form: inBody(clientSecret), method: http.MethodGet}, 405, "invalid_request", false},
	} {
		t.Run(name, func(t *testing.T) {
			a := f.token(tc.tr)
			expectOAuthError(t, a, tc.status, tc.code)
			if got := a.header.Get("WWW-Authenticate"); (got != "") != tc.challenge || (tc.challenge && !strings.HasPrefix(got, "Basic")) {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
	if got := f.ms.TokensIssued(); got != 0 {
		t.Errorf("refused requests issued %d tokens", got)
	}
}

// TestTokenEndpointAutoDetect follows golang.org/x/oauth2's AuthStyleAutoDetect: HTTP Basic
// first and, only when that fails, the body. Against the mock the first try succeeds.
func TestTokenEndpointAutoDetect(t *testing.T) {
	f := newOAuthFake(t)
	a := f.token(tokenRequest{form: grantOnly(), basic: true, id: clientID, secret: clientSecret})
	if a.status != http.StatusOK {
		t.Fatalf("basic try: %d %s", a.status, a.raw)
	}
	if got := f.ms.Requests(); len(got) != 1 {
		t.Fatalf("journal = %+v, want one token request", got)
	}
}

func TestIssuedTokensWorkOnEveryPlatformUntilTheyExpire(t *testing.T) {
	var clock atomic.Int64 // Nanoseconds the mock's clock is ahead of the real one.
	f := newOAuthFake(t, mockserver.WithTokenTTL(time.Second), mockserver.WithClock(func() time.Time { return time.Now().Add(time.Duration(clock.Load())) }))
	tok := f.mint()
	for _, p := range platforms {
		a, err := f.send(http.MethodGet, p.collection, tok, nil)
		if err != nil || a.status != http.StatusOK {
			t.Fatalf("GET %s with an issued token: %v %d %s", p.collection, err, a.status, a.raw)
		}
	}
	// Past the expiry, by the mock's clock: nothing waits.
	clock.Store(int64(2 * time.Second))
	for _, p := range platforms {
		expired, err := f.send(http.MethodGet, p.collection, tok, nil)
		if err != nil {
			t.Fatal(err)
		}
		wrong, err := f.send(http.MethodGet, p.collection, "wrong-token", nil)
		if err != nil {
			t.Fatal(err)
		}
		if expired.status != http.StatusUnauthorized {
			t.Fatalf("GET %s with an expired token: %d %s", p.collection, expired.status, expired.raw)
		}
		// Same envelope as any other 401 of the platform: the same keys at the top.
		if keysOf(expired.object(t)) != keysOf(wrong.object(t)) {
			t.Errorf("%s: expired-token 401 %s is not in the envelope of %s", p.name, expired.raw, wrong.raw)
		}
		if !strings.Contains(string(expired.raw), "expired") {
			t.Errorf("%s: the 401 does not say the token expired: %s", p.name, expired.raw)
		}
		// The static token keeps working.
		if a := f.do(http.MethodGet, p.collection, nil); a.status != http.StatusOK {
			t.Errorf("%s: static token after expiry: %d", p.name, a.status)
		}
	}
	// A fresh token works again.
	if a, _ := f.send(http.MethodGet, "/ai/llm", f.mint(), nil); a.status != http.StatusOK {
		t.Errorf("renewed token: %d %s", a.status, a.raw)
	}
}

func keysOf(obj map[string]any) string {
	return strings.Join(slices.Sorted(maps.Keys(obj)), ",")
}

func TestTokenEndpointJournalHoldsNoSecrets(t *testing.T) {
	f := newOAuthFake(t)
	tok := f.mint()
	withScope := inBody(clientSecret)
	withScope.Set("scope", "admin")
	if a := f.token(tokenRequest{form: withScope}); a.status != http.StatusOK {
		t.Fatalf("body token: %d", a.status)
	}
	f.token(tokenRequest{form: inBody("wrong-secret-value")})
	// The secret in the query string, where no client should put it, is not journaled either.
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+mockserver.TokenPath+"?client_secret="+url.QueryEscape(clientSecret)+"&grant_type=client_credentials", nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := f.client.Do(req); err == nil {
		resp.Body.Close()
	}
	if a, _ := f.send(http.MethodGet, "/ai/llm", tok, nil); a.status != http.StatusOK {
		t.Fatalf("GET with the issued token: %d", a.status)
	}
	f.do(http.MethodGet, "/ai/llm", nil)

	a := f.do(http.MethodGet, "/_mock/requests", nil)
	raw := string(a.raw)
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID) + ":" + url.QueryEscape(clientSecret)))
	for _, secret := range []string{clientSecret, url.QueryEscape(clientSecret), "wrong-secret-value", tok, token, basic, "client_secret", "Authorization", "Bearer"} {
		if strings.Contains(raw, secret) {
			t.Errorf("the journal holds %q: %s", secret, raw)
		}
	}
	var entries []mockserver.Entry
	if err := json.Unmarshal(a.raw, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 6 {
		t.Fatalf("journal has %d entries, want 6: %s", len(entries), raw)
	}
	for i, want := range []struct {
		status int
		body   string
	}{
		{200, `{"grant_type":"client_credentials"}`},
		{200, `{"grant_type":"client_credentials","scope":"admin"}`},
		{401, `{"grant_type":"client_credentials"}`},
		// Parameters count in the body only, so the query's grant_type does not either.
		{400, `null`},
	} {
		e := entries[i]
		if e.Method != http.MethodPost || e.Path != mockserver.TokenPath || e.Platform != "oauth" || e.Status != want.status || string(e.Body) != want.body {
			t.Errorf("entry %d = %+v (body %s), want POST %s oauth %d %s", i, e, e.Body, mockserver.TokenPath, want.status, want.body)
		}
	}
	if e := entries[3]; e.Query != "grant_type=client_credentials" {
		t.Errorf("query journaled as %q", e.Query)
	}
	if got := f.ms.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued() = %d, want 2", got)
	}
}

func TestFaultsTargetTheTokenEndpoint(t *testing.T) {
	f := newOAuthFake(t)
	f.setFaults(map[string]any{"path": "/oauth/*", "status": 503, "retry_after": "2", "count": 1})
	a := f.token(tokenRequest{form: grantOnly(), basic: true, id: clientID, secret: clientSecret})
	expectOAuthError(t, a, http.StatusServiceUnavailable, "temporarily_unavailable")
	if a.header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After = %q", a.header.Get("Retry-After"))
	}
	if got := f.ms.TokensIssued(); got != 0 {
		t.Errorf("a faulted token request issued %d tokens", got)
	}
	f.mint()
	f.setFaults(map[string]any{"path": mockserver.TokenPath, "drop": true, "count": 1})
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+mockserver.TokenPath, strings.NewReader(inBody(clientSecret).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := f.client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a dropped token request got an answer")
	}
	// A dropped request was processed: the token was issued and lost, as on a real network.
	if got := f.ms.TokensIssued(); got != 2 {
		t.Errorf("TokensIssued() = %d after a dropped request, want 2", got)
	}
	entries := f.ms.Requests()
	if len(entries) != 3 || entries[0].Fault != "status" || entries[2].Fault != "drop" || entries[2].Status != http.StatusOK {
		t.Errorf("journal = %+v", entries)
	}
}

func TestTokenEndpointOnlyWithClientCredentials(t *testing.T) {
	f := newFake(t)
	a := f.token(tokenRequest{form: inBody(clientSecret)})
	if a.status != http.StatusNotFound {
		t.Fatalf("token endpoint without client credentials: %d %s", a.status, a.raw)
	}
	if f.ms.TokensIssued() != 0 || len(f.ms.Requests()) != 0 {
		t.Error("a 404 token request was counted or journaled")
	}
}

func TestIssuedTokensSurviveReset(t *testing.T) {
	f := newOAuthFake(t)
	tok := f.mint()
	f.ms.Reset()
	if a, _ := f.send(http.MethodGet, "/api/providers/", tok, nil); a.status != http.StatusOK {
		t.Fatalf("issued token after reset: %d %s", a.status, a.raw)
	}
	if got := f.ms.TokensIssued(); got != 1 {
		t.Errorf("TokensIssued() after reset = %d, want 1", got)
	}
}

func TestTokenEndpointIsNotDelayed(t *testing.T) {
	// An hour is beyond any test timeout: a delayed token request would never answer.
	f := newOAuthFake(t, mockserver.WithLatency(time.Hour))
	f.mint()
}
