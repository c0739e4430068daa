package platform_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

const (
	testClientID     = "ci-client"
	testClientSecret = "cs-0a1b2c3d4e5f-secret"
	// refactorList is the refactor collection under the mock root.
	refactorList = "/v1/llm-providers"
)

// oauthMock serves the mock with a token endpoint; the static token is empty so that only
// issued access tokens are accepted.
func oauthMock(t *testing.T, opts ...mockserver.Option) (*mockserver.Server, *httptest.Server) {
	t.Helper()
	srv := mockserver.New("", append([]mockserver.Option{mockserver.WithClientCredentials(testClientID, testClientSecret)}, opts...)...)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// newOAuthHTTP builds the transport for refactor on the mock with client credentials.
func newOAuthHTTP(t *testing.T, root, secret string) (*platform.HTTP, *platform.ClientCredentials) {
	t.Helper()
	tokens, err := platform.NewClientCredentials(root+mockserver.TokenPath, testClientID, secret, []string{"llm.admin"}, nil)
	if err != nil {
		t.Fatalf("NewClientCredentials: %v", err)
	}
	h := newTestHTTP(t, root+"/api", func(c *platform.HTTPConfig) {
		c.Token = ""
		c.TokenSource = tokens
	})
	return h, tokens
}

// statuses lists "METHOD path status" for each journaled request, in order.
func statuses(entries []mockserver.Entry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, fmt.Sprintf("%s %s %d", e.Method, e.Path, e.Status))
	}
	return out
}

func TestClientCredentialsReusesOneTokenAcrossConcurrentRequests(t *testing.T) {
	srv, ts := oauthMock(t)
	h, _ := newOAuthHTTP(t, ts.URL, testClientSecret)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: refactorList})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
	}
	if got := srv.TokensIssued(); got != 1 {
		t.Fatalf("20 concurrent requests minted %d tokens, want 1 shared token", got)
	}
}

func TestClientCredentialsRenewsBeforeExpiry(t *testing.T) {
	// A 1 s token is renewed a third of its life early, so at 750 ms it is replaced before any
	// platform refuses it.
	srv, ts := oauthMock(t, mockserver.WithTokenTTL(time.Second))
	h, tokens := newOAuthHTTP(t, ts.URL, testClientSecret)
	get := func() {
		t.Helper()
		if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: refactorList}); err != nil {
			t.Fatalf("GET: %v", err)
		}
	}
	get()
	get()
	if got := srv.TokensIssued(); got != 1 {
		t.Fatalf("two requests within the token's life minted %d tokens, want 1", got)
	}
	// Three quarters of the token's life later, by the client's clock: nothing waits.
	later := time.Now().Add(750 * time.Millisecond)
	platform.SetClock(tokens, func() time.Time { return later })
	get()
	if got := srv.TokensIssued(); got != 2 {
		t.Fatalf("a request at 3/4 of the token's life minted %d tokens in all, want 2 (renewed early)", got)
	}
	for _, e := range srv.Requests() {
		if e.Status == http.StatusUnauthorized {
			t.Fatalf("a request was refused although renewal is proactive: %v", statuses(srv.Requests()))
		}
	}
}

func TestClientCredentialsRenewsOnceAndRetriesOn401(t *testing.T) {
	srv, ts := oauthMock(t)
	h, _ := newOAuthHTTP(t, ts.URL, testClientSecret)
	// The platform refuses the create's first attempt as it would a revoked token.
	if err := srv.SetFaults([]mockserver.FaultRule{{Method: http.MethodPost, Path: "/api" + refactorList, Status: http.StatusUnauthorized, Count: 1}}); err != nil {
		t.Fatal(err)
	}
	_, err := h.Do(context.Background(), platform.Request{
		Method: http.MethodPost, Path: refactorList, NotIdempotent: true,
		Body: map[string]any{"provider": "openai", "enabled": true, "credentials": map[string]string{"api_key": "sk-oauth-test"}},
	})
	if err != nil {
		t.Fatalf("create after a 401: %v", err)
	}
	want := []string{
		"POST /oauth/token 200",
		"POST /api/v1/llm-providers 401",
		"POST /oauth/token 200",
		"POST /api/v1/llm-providers 200",
	}
	if got := statuses(srv.Requests()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("journal:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestClientCredentialsRenewedTokenRefusedTooStops(t *testing.T) {
	srv, ts := oauthMock(t)
	h, _ := newOAuthHTTP(t, ts.URL, testClientSecret)
	if err := srv.SetFaults([]mockserver.FaultRule{{Path: "/api" + refactorList, Status: http.StatusUnauthorized}}); err != nil {
		t.Fatal(err)
	}
	_, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: refactorList})
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		t.Fatalf("want the second 401 as an *APIError, got %v", err)
	}
	want := []string{
		"POST /oauth/token 200",
		"GET /api/v1/llm-providers 401",
		"POST /oauth/token 200",
		"GET /api/v1/llm-providers 401",
	}
	if got := statuses(srv.Requests()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("journal:\n%s\nwant one renewal and one retry:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestClientCredentialsStaticTokenIsNotRenewed(t *testing.T) {
	srv, ts := oauthMock(t)
	h := newTestHTTP(t, ts.URL+"/api", func(c *platform.HTTPConfig) { c.Token = "not-a-valid-token" })
	if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: refactorList}); err == nil {
		t.Fatal("a refused static token succeeded")
	}
	if got := statuses(srv.Requests()); len(got) != 1 {
		t.Fatalf("a refused static token was retried: %v", got)
	}
}

func TestClientCredentialsRefusedSecret(t *testing.T) {
	srv, ts := oauthMock(t)
	h, tokens := newOAuthHTTP(t, ts.URL, "cs-wrong-secret-value")
	_, err := tokens.Token(context.Background())
	var tokenErr *platform.TokenError
	if !errors.As(err, &tokenErr) {
		t.Fatalf("want a *TokenError, got %v", err)
	}
	if tokenErr.Code != "invalid_client" || tokenErr.Status != http.StatusUnauthorized || !tokenErr.Refused() {
		t.Fatalf("want a refused invalid_client 401, got %+v", tokenErr)
	}
	if !strings.Contains(err.Error(), ts.URL+mockserver.TokenPath) || strings.Contains(err.Error(), "cs-wrong-secret-value") {
		t.Fatalf("the error must name the token URL and never the secret: %v", err)
	}
	// A platform call with a refused client is not retried: the token endpoint sees the one
	// auto-detecting pair of attempts per call, and the platform sees nothing.
	before := len(srv.Requests())
	if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: refactorList}); !errors.As(err, &tokenErr) {
		t.Fatalf("want the token error from Do, got %v", err)
	}
	for _, e := range srv.Requests()[before:] {
		if e.Platform != "oauth" {
			t.Fatalf("a request reached the platform without a token: %v", statuses(srv.Requests()))
		}
	}
	if n := len(srv.Requests()) - before; n > 2 {
		t.Fatalf("a refused client was retried: %d token requests for one call", n)
	}
}

func TestClientCredentialsErrorsNeverHoldTokensOrSecret(t *testing.T) {
	srv := mockserver.New("", mockserver.WithClientCredentials(testClientID, testClientSecret))
	// Platform paths echo the Authorization header in a 401; the token endpoint is the mock's.
	mux := http.NewServeMux()
	mux.Handle(mockserver.TokenPath, srv)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"error":{"code":"UNAUTHORIZED","message":"refused %s"}}`, r.Header.Get("Authorization"))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	h, _ := newOAuthHTTP(t, ts.URL, testClientSecret)
	_, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: refactorList})
	if err == nil {
		t.Fatal("want the echoed 401")
	}
	issued := srv.IssuedTokens()
	if len(issued) != 2 {
		t.Fatalf("want the first token and one renewal, got %d tokens", len(issued))
	}
	if !strings.Contains(err.Error(), platform.RedactedMarker) {
		t.Fatalf("the echo was not redacted: %v", err)
	}
	for _, secret := range append(issued, testClientSecret) {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("the error holds a token or the client secret: %v", err)
		}
	}

	// A token endpoint that echoes the client secret in its error keeps it out of the TokenError.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, secret, _ := r.BasicAuth()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"error":"invalid_client","error_description":"bad secret %s%s"}`, secret, r.PostForm.Get("client_secret"))
	}))
	t.Cleanup(echo.Close)
	tokens, err := platform.NewClientCredentials(echo.URL+"/token", testClientID, testClientSecret, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tokens.Token(context.Background())
	if err == nil || strings.Contains(err.Error(), testClientSecret) || !strings.Contains(err.Error(), platform.RedactedMarker) {
		t.Fatalf("want a token error with the echoed secret redacted, got %v", err)
	}
}

func TestCheckTokenURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://auth.example.com/realms/x/protocol/openid-connect/token": true,
		"http://127.0.0.1:8080/oauth/token":                               true,
		"http://localhost/oauth/token":                                    true,
		"http://[::1]:9000/token":                                         true,
		"http://auth.example.com/token":                                   false,
		"ftp://auth.example.com/token":                                    false,
		"auth.example.com/token":                                          false,
	} {
		_, err := platform.CheckTokenURL(url)
		if (err == nil) != ok {
			t.Errorf("CheckTokenURL(%q) = %v, want ok=%v", url, err, ok)
		}
		_, err = platform.NewClientCredentials(url, testClientID, testClientSecret, nil, nil)
		if (err == nil) != ok {
			t.Errorf("NewClientCredentials(%q) = %v, want ok=%v", url, err, ok)
		}
	}
}
