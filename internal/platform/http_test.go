package platform_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/time/rate"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/refactor"
)

const testToken = "tok-0123456789abcdef"

// decodeTestEnvelope reads {"error":{"code","message"}}, the refactor-style envelope.
func decodeTestEnvelope(body []byte) (string, string) {
	var env struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) != nil {
		return "", ""
	}
	return env.Error.Code, env.Error.Message
}

// countingTransport counts round trips, including those that never reach a server.
type countingTransport struct {
	next  http.RoundTripper
	count atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.count.Add(1)
	return c.next.RoundTrip(r)
}

// newTestHTTP builds the transport against endpoint with fast retries; edit adjusts the config.
func newTestHTTP(t *testing.T, endpoint string, edit func(*platform.HTTPConfig)) *platform.HTTP {
	t.Helper()
	cfg := platform.HTTPConfig{
		Platform:     refactor.Name,
		Endpoint:     endpoint,
		Token:        testToken,
		UserAgent:    "terraform-provider-llm/test",
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
	if edit != nil {
		edit(&cfg)
	}
	h, err := platform.NewHTTP(cfg, decodeTestEnvelope)
	if err != nil {
		t.Fatalf("NewHTTP: %v", err)
	}
	return h
}

// scriptedServer answers attempt n (1-based) with the handler of that index, the last one repeating.
func scriptedServer(t *testing.T, handlers ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(attempts.Add(1))
		handlers[min(n, len(handlers))-1](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &attempts
}

func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		if code >= 400 {
			_, _ = fmt.Fprintf(w, `{"error":{"code":"E%d","message":"status %d"}}`, code, code)
			return
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
}

// hijackClose reads the whole request, then closes the connection without answering.
func hijackClose(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		_ = conn.Close()
	}
}

func TestHTTPSendsBearerUserAgentAndJSON(t *testing.T) {
	type seen struct {
		auth, ua, accept, ctype, method, path, query, body string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{r.Header.Get("Authorization"), r.Header.Get("User-Agent"), r.Header.Get("Accept"),
			r.Header.Get("Content-Type"), r.Method, r.URL.Path, r.URL.RawQuery, string(body)}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"abc"}`)
	}))
	defer srv.Close()

	h := newTestHTTP(t, srv.URL+"/api", nil)
	req := platform.Request{
		Method: http.MethodPost, Path: "/v1/llm-providers", Query: url.Values{"workspaceId": {"ws 1"}},
		Body: map[string]any{"provider": "openai", "enabled": true},
	}
	resp, err := h.Do(context.Background(), req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if resp.Status != http.StatusCreated || string(resp.Body) != `{"id":"abc"}` {
		t.Fatalf("response = %d %q", resp.Status, resp.Body)
	}
	s := <-got
	if s.auth != "Bearer "+testToken {
		t.Errorf("Authorization = %q", s.auth)
	}
	if s.ua != "terraform-provider-llm/test" {
		t.Errorf("User-Agent = %q", s.ua)
	}
	if s.accept != "application/json" || s.ctype != "application/json" {
		t.Errorf("Accept = %q, Content-Type = %q", s.accept, s.ctype)
	}
	if s.method != http.MethodPost || s.path != "/api/v1/llm-providers" || s.query != "workspaceId=ws+1" {
		t.Errorf("request line = %s %s ? %s", s.method, s.path, s.query)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(s.body), &body); err != nil || body["provider"] != "openai" || body["enabled"] != true {
		t.Errorf("body = %s (%v)", s.body, err)
	}

	var out struct{ ID string }
	if err := h.DecodeJSON(req, resp, &out); err != nil || out.ID != "abc" {
		t.Fatalf("DecodeJSON = %+v, %v", out, err)
	}
}

func TestHTTPGetWithoutBodySendsNoContentType(t *testing.T) {
	srv, _ := scriptedServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "" || r.ContentLength > 0 {
			t.Errorf("GET carried Content-Type %q and %d body bytes", r.Header.Get("Content-Type"), r.ContentLength)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	resp, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"})
	if err != nil || resp.Status != http.StatusNoContent || len(resp.Body) != 0 {
		t.Fatalf("Do = %+v, %v", resp, err)
	}
}

// TestHTTPRetryAfterHonoured: a 429 or 503 with Retry-After is retried after the wait it asks
// for, in seconds or as an HTTP date; the wait is the policy's answer, checked without waiting.
func TestHTTPRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	withHeader := func(code int, v string) *http.Response {
		return &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {v}}}
	}
	for _, tc := range []struct {
		name     string
		resp     *http.Response
		min, max time.Duration
	}{
		{"429 seconds", withHeader(http.StatusTooManyRequests, "1"), time.Second, time.Second},
		{"503 seconds", withHeader(http.StatusServiceUnavailable, "7"), 7 * time.Second, 7 * time.Second},
		// An HTTP date has whole seconds: one that is 3 s ahead is 2 to 3 s away.
		{"date", withHeader(http.StatusTooManyRequests, time.Now().Add(3*time.Second).UTC().Format(http.TimeFormat)), time.Second, 3 * time.Second},
		{"no header: jittered backoff", &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{}}, 5 * time.Millisecond, 20 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := platform.Backoff(10*time.Millisecond, 20*time.Millisecond, 1, tc.resp); got < tc.min || got > tc.max {
				t.Fatalf("wait = %v, want %v to %v", got, tc.min, tc.max)
			}
		})
	}
	// End to end, the 429 is retried once and the retry succeeds.
	srv, attempts := scriptedServer(t, status(http.StatusTooManyRequests, "Retry-After", "1"), status(http.StatusOK))
	resp, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"})
	if err != nil || resp.Status != http.StatusOK || attempts.Load() != 2 {
		t.Fatalf("Do = %+v, %v after %d attempts; want 200 after 2", resp, err, attempts.Load())
	}
}

func TestHTTPRetriesIdempotentServerErrors(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		for _, code := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
			t.Run(fmt.Sprintf("%s %d", method, code), func(t *testing.T) {
				srv, attempts := scriptedServer(t, status(code), status(http.StatusOK))
				resp, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: method, Path: "/x", Body: map[string]any{"a": 1}})
				if err != nil || resp.Status != http.StatusOK {
					t.Fatalf("Do = %+v, %v", resp, err)
				}
				if got := attempts.Load(); got != 2 {
					t.Fatalf("attempts = %d, want 2", got)
				}
			})
		}
	}
}

func TestHTTPDoesNotRetryOtherStatuses(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 422, 500} {
		srv, attempts := scriptedServer(t, status(code), status(http.StatusOK))
		_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"})
		if err == nil {
			t.Errorf("%d: no error", code)
		}
		if got := attempts.Load(); got != 1 {
			t.Errorf("%d: attempts = %d, want 1", code, got)
		}
	}
}

func TestHTTPNotIdempotentServerErrorIsAmbiguous(t *testing.T) {
	for _, code := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			srv, attempts := scriptedServer(t, status(code, "Retry-After", "0"), status(http.StatusOK))
			_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(),
				platform.Request{Method: http.MethodPost, Path: "/create", Body: map[string]any{"a": 1}, NotIdempotent: true})
			if !errors.Is(err, platform.ErrAmbiguous) {
				t.Fatalf("err = %v, want ErrAmbiguous", err)
			}
			var apiErr *platform.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != code || apiErr.Kind != platform.KindServer {
				t.Fatalf("err = %v, want an *APIError with status %d underneath", err, code)
			}
			if got := attempts.Load(); got != 1 {
				t.Fatalf("attempts = %d; a create that may have been processed must not be resent", got)
			}
		})
	}
}

func TestHTTPNotIdempotentRetriedOn429(t *testing.T) {
	// A 429 says the request was not processed, so even a create may go again.
	srv, attempts := scriptedServer(t, status(http.StatusTooManyRequests), status(http.StatusOK))
	_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(),
		platform.Request{Method: http.MethodPost, Path: "/create", Body: map[string]any{}, NotIdempotent: true})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if got := attempts.Load(); got != 2 {
		t.Fatalf("attempts = %d, want 2", got)
	}
}

func TestHTTPNotIdempotentDroppedConnectionIsAmbiguous(t *testing.T) {
	srv, attempts := scriptedServer(t, hijackClose(t), status(http.StatusOK))
	_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(),
		platform.Request{Method: http.MethodPost, Path: "/create", Body: map[string]any{"name": "x"}, NotIdempotent: true})
	if !errors.Is(err, platform.ErrAmbiguous) {
		t.Fatalf("err = %v, want ErrAmbiguous", err)
	}
	if got := attempts.Load(); got != 1 {
		t.Fatalf("attempts = %d, want 1", got)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("error holds the token: %v", err)
	}
}

func TestHTTPIdempotentDroppedConnectionIsRetried(t *testing.T) {
	srv, attempts := scriptedServer(t, hijackClose(t), status(http.StatusOK))
	resp, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodPut, Path: "/x", Body: map[string]any{"a": 1}})
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("Do = %+v, %v", resp, err)
	}
	if got := attempts.Load(); got != 2 {
		t.Fatalf("attempts = %d, want 2", got)
	}
}

// closedPortURL returns a loopback URL nothing listens on.
func closedPortURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr
}

func TestHTTPNotIdempotentDialErrorIsRetried(t *testing.T) {
	counter := &countingTransport{next: cleanhttp.DefaultTransport()}
	h := newTestHTTP(t, closedPortURL(t), func(c *platform.HTTPConfig) {
		c.MaxRetries = 2
		c.Transport = counter
	})
	_, err := h.Do(context.Background(), platform.Request{Method: http.MethodPost, Path: "/create", Body: map[string]any{}, NotIdempotent: true})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if errors.Is(err, platform.ErrAmbiguous) {
		t.Fatalf("a request that never connected is reported ambiguous: %v", err)
	}
	if got := counter.count.Load(); got != 3 {
		t.Fatalf("attempts = %d, want 3 (the first and 2 retries)", got)
	}
}

func TestHTTPMaxRetries(t *testing.T) {
	for _, tc := range []struct{ maxRetries, want int32 }{{-1, 1}, {0, 1}, {1, 2}, {4, 5}} {
		t.Run(fmt.Sprint(tc.maxRetries), func(t *testing.T) {
			srv, attempts := scriptedServer(t, status(http.StatusServiceUnavailable))
			_, err := newTestHTTP(t, srv.URL, func(c *platform.HTTPConfig) { c.MaxRetries = int(tc.maxRetries) }).
				Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"})
			var apiErr *platform.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable {
				t.Fatalf("err = %v, want the last 503 as an *APIError", err)
			}
			if errors.Is(err, platform.ErrAmbiguous) {
				t.Fatalf("a GET is reported ambiguous: %v", err)
			}
			if got := attempts.Load(); got != tc.want {
				t.Fatalf("attempts = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestHTTPContextCancelStopsRetryWait(t *testing.T) {
	t.Parallel()
	for _, notIdempotent := range []bool{false, true} {
		t.Run(fmt.Sprintf("not idempotent %v", notIdempotent), func(t *testing.T) {
			srv, attempts := scriptedServer(t, status(http.StatusTooManyRequests, "Retry-After", "30"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Cancel when the retry wait begins: the 30 s wait must end at once, which a test that
			// hung until its timeout would show.
			h := newTestHTTP(t, srv.URL, func(c *platform.HTTPConfig) {
				c.Log = func(_ context.Context, _, msg string, _ map[string]any) {
					if msg == "retrying request" {
						cancel()
					}
				}
			})
			_, err := h.Do(ctx, platform.Request{Method: http.MethodPost, Path: "/x", Body: map[string]any{}, NotIdempotent: notIdempotent})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if errors.Is(err, platform.ErrAmbiguous) {
				t.Fatalf("a 429 means not processed, yet the error is ambiguous: %v", err)
			}
			if got := attempts.Load(); got != 1 {
				t.Fatalf("attempts = %d, want 1", got)
			}
		})
	}
}

func TestHTTPCancelledContextBeforeCall(t *testing.T) {
	srv, attempts := scriptedServer(t, status(http.StatusOK))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newTestHTTP(t, srv.URL, nil).Do(ctx, platform.Request{Method: http.MethodGet, Path: "/x"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := attempts.Load(); got != 0 {
		t.Fatalf("attempts = %d, want 0", got)
	}
}

func TestHTTPErrorEnvelopeDecoded(t *testing.T) {
	for _, tc := range []struct {
		status int
		kind   platform.Kind
	}{
		{400, platform.KindValidation}, {401, platform.KindAuth}, {403, platform.KindPermission},
		{404, platform.KindNotFound}, {409, platform.KindConflict}, {422, platform.KindValidation},
		{500, platform.KindServer}, {418, platform.KindOther},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			srv, _ := scriptedServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, `{"error":{"code":"SOME_CODE","message":"the platform says no"}}`)
			})
			_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/v1/llm-provider/openai"})
			var apiErr *platform.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %T %v, want *APIError", err, err)
			}
			want := platform.APIError{Platform: refactor.Name, Kind: tc.kind, Status: tc.status, Code: "SOME_CODE",
				Message: "the platform says no", Method: http.MethodGet, Path: "/v1/llm-provider/openai"}
			if *apiErr != want {
				t.Fatalf("APIError = %+v, want %+v", *apiErr, want)
			}
			if platform.KindOf(err) != tc.kind {
				t.Fatalf("KindOf = %v", platform.KindOf(err))
			}
			msg := err.Error()
			for _, part := range []string{"refactor", "GET", "/v1/llm-provider/openai", fmt.Sprint(tc.status), "SOME_CODE", "the platform says no"} {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q does not mention %q", msg, part)
				}
			}
		})
	}
}

func TestHTTPErrorWithoutEnvelopeKeepsRawBody(t *testing.T) {
	srv, _ := scriptedServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "  plain text failure\n")
	})
	_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"})
	var apiErr *platform.APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "plain text failure" || apiErr.Code != "" {
		t.Fatalf("err = %#v", err)
	}

	srv, _ = scriptedServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	_, err = newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"})
	if !platform.IsNotFound(err) || !strings.Contains(err.Error(), "(no message in the response)") {
		t.Fatalf("empty 404 = %v", err)
	}
}

func TestHTTPErrorsNeverHoldSecrets(t *testing.T) {
	const apiKey, credential = "sk-live-SECRETKEY123", "cred-value-987"
	echo := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			msg := fmt.Sprintf("bad request from %s with body %s", r.Header.Get("Authorization"), body)
			w.WriteHeader(code)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
				"code": "ECHO " + testToken, "message": msg,
			}})
		}
	}
	rawEcho := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, "raw echo: %s %s", r.Header.Get("Authorization"), body)
	}
	cases := map[string]struct {
		handler       http.HandlerFunc
		notIdempotent bool
	}{
		"envelope 400":        {echo(http.StatusBadRequest), false},
		"envelope 500 create": {echo(http.StatusInternalServerError), true},
		"raw body 400":        {rawEcho, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, _ := scriptedServer(t, tc.handler)
			_, err := newTestHTTP(t, srv.URL, nil).Do(context.Background(), platform.Request{
				Method: http.MethodPost, Path: "/x", NotIdempotent: tc.notIdempotent,
				Body:    map[string]any{"api_key": apiKey, "credentials": map[string]string{"other": credential}},
				Secrets: []string{apiKey, credential},
			})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, secret := range []string{testToken, apiKey, credential} {
				if strings.Contains(msg, secret) {
					t.Errorf("error holds %q: %s", secret, msg)
				}
			}
			if !strings.Contains(msg, platform.RedactedMarker) {
				t.Errorf("error %q shows no redaction marker; did the echo reach it?", msg)
			}
		})
	}

	t.Run("nil decoder", func(t *testing.T) {
		srv, _ := scriptedServer(t, rawEcho)
		h, err := platform.NewHTTP(platform.HTTPConfig{Platform: keywordsai.Name, Endpoint: srv.URL, Token: testToken}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = h.Do(context.Background(), platform.Request{Method: http.MethodPost, Path: "/x", Body: map[string]string{"api_key": apiKey}, Secrets: []string{apiKey}})
		if err == nil || strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), apiKey) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("DecodeJSON", func(t *testing.T) {
		srv, _ := scriptedServer(t, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"key": `+apiKey)
		})
		h := newTestHTTP(t, srv.URL, nil)
		req := platform.Request{Method: http.MethodGet, Path: "/x", Secrets: []string{apiKey}}
		resp, err := h.Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		err = h.DecodeJSON(req, resp, &out)
		var decodeErr *platform.DecodeError
		if !errors.As(err, &decodeErr) || decodeErr.Platform != refactor.Name {
			t.Fatalf("DecodeJSON = %v, want *DecodeError", err)
		}
		if strings.Contains(err.Error(), apiKey) {
			t.Fatalf("decode error holds the secret: %v", err)
		}
	})
}

func TestHTTPLogNeverGetsTheToken(t *testing.T) {
	srv, _ := scriptedServer(t, status(http.StatusServiceUnavailable), status(http.StatusOK))
	var mu sync.Mutex
	var lines []string
	h := newTestHTTP(t, srv.URL, func(c *platform.HTTPConfig) {
		c.Log = func(_ context.Context, level, msg string, fields map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, fmt.Sprintf("%s %s %v", level, msg, fields))
		}
	})
	if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x", Secrets: []string{"sk-not-logged"}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(lines, "\n")
	if !strings.Contains(all, "retrying request") || strings.Count(all, "sending request") != 2 {
		t.Fatalf("log lines do not show two attempts and a retry:\n%s", all)
	}
	if strings.Contains(all, testToken) || strings.Contains(all, "sk-not-logged") {
		t.Fatalf("log holds a secret:\n%s", all)
	}
}

func TestCheckEndpoint(t *testing.T) {
	for _, ok := range []string{
		"https://api.psci.ai/api", "https://acme.platform.barndoor.ai/api/llm-gateway", "https://10.0.0.1:8443",
		"http://127.0.0.1:8080", "http://localhost:1234/api", "http://LOCALHOST", "http://[::1]:9000", "http://127.0.0.2",
	} {
		if _, err := platform.CheckEndpoint(ok); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v", ok, err)
		}
	}
	for _, remote := range []string{"http://api.psci.ai/api", "http://10.0.0.1:8080", "http://localhost.example.com", "http://127.0.0.1.nip.io"} {
		_, err := platform.CheckEndpoint(remote)
		if err == nil {
			t.Errorf("CheckEndpoint(%q) allowed plain http to a remote host", remote)
			continue
		}
		for _, why := range []string{"plain http", "https", "loopback"} {
			if !strings.Contains(err.Error(), why) {
				t.Errorf("refusal of %q does not say %q: %v", remote, why, err)
			}
		}
	}
	for _, bad := range []string{"", "not a url", "api.psci.ai", "localhost:8080", "ftp://127.0.0.1", "https://", "/api/v1", "127.0.0.1:8080"} {
		_, err := platform.CheckEndpoint(bad)
		if err == nil {
			t.Errorf("CheckEndpoint(%q) accepted a non-URL", bad)
			continue
		}
		if !strings.Contains(err.Error(), "not an absolute http(s) URL") {
			t.Errorf("CheckEndpoint(%q) = %v", bad, err)
		}
	}
	if _, err := platform.NewHTTP(platform.HTTPConfig{Endpoint: "http://example.com", Token: testToken}, nil); err == nil {
		t.Error("NewHTTP accepted plain http to a remote host")
	}
}

func TestHTTPPathJoining(t *testing.T) {
	paths := make(chan string, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths <- r.URL.Path
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	for _, tc := range []struct{ endpoint, path, want string }{
		{srv.URL, "/api/providers/p1/", "/api/providers/p1/"},
		{srv.URL, "/api/providers/", "/api/providers/"},
		{srv.URL, "/ai/llm/abc", "/ai/llm/abc"},
		{srv.URL + "/api", "/v1/llm-provider/openai", "/api/v1/llm-provider/openai"},
		{srv.URL + "/api/", "/v1/llm-providers", "/api/v1/llm-providers"},
		{srv.URL + "/api/llm-gateway", "/admin/providers/", "/api/llm-gateway/admin/providers/"},
	} {
		if _, err := newTestHTTP(t, tc.endpoint, nil).Do(context.Background(), platform.Request{Method: http.MethodGet, Path: tc.path}); err != nil {
			t.Fatalf("%s + %s: %v", tc.endpoint, tc.path, err)
		}
		if got := <-paths; got != tc.want {
			t.Errorf("%s + %s reached %q, want %q", tc.endpoint, tc.path, got, tc.want)
		}
	}
}

// TestHTTPLimiterSpacesRequests: every request waits for the shared limiter. A limiter that
// refills nothing lets exactly its burst through and refuses the next request before it is sent,
// which shows the limiter was asked without timing anything.
func TestHTTPLimiterSpacesRequests(t *testing.T) {
	t.Parallel()
	srv, attempts := scriptedServer(t, status(http.StatusOK))
	h := newTestHTTP(t, srv.URL, func(c *platform.HTTPConfig) { c.Limiter = rate.NewLimiter(0, 3) })
	for i := range 3 {
		if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"}); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodPost, Path: "/x", NotIdempotent: true}); err == nil || errors.Is(err, platform.ErrAmbiguous) {
		t.Fatalf("a request past the limiter's burst = %v, want a refusal that is not ambiguous (it was never sent)", err)
	}
	if got := attempts.Load(); got != 3 {
		t.Fatalf("attempts = %d, want the limiter's burst, 3", got)
	}
}

// TestHTTPLimiterCoversRetries: each attempt, retries included, waits for the shared limiter.
func TestHTTPLimiterCoversRetries(t *testing.T) {
	t.Parallel()
	srv, attempts := scriptedServer(t, status(http.StatusServiceUnavailable), status(http.StatusServiceUnavailable), status(http.StatusOK))
	h := newTestHTTP(t, srv.URL, func(c *platform.HTTPConfig) { c.Limiter = rate.NewLimiter(0, 2) })
	if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"}); err == nil {
		t.Fatal("the third attempt went out past a limiter with a burst of 2")
	}
	if got := attempts.Load(); got != 2 {
		t.Fatalf("attempts = %d, want 2: the retry after them waited for the limiter", got)
	}
}

func TestHTTPKeepsAConnectionPerParallelRequest(t *testing.T) {
	const parallel, bursts = 10, 20
	var opened atomic.Int32
	var arrived sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every request of a burst is in flight at once, so each needs a connection of its own.
		arrived.Done()
		arrived.Wait()
		_, _ = io.WriteString(w, `{}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	h := newTestHTTP(t, srv.URL, nil)
	for range bursts {
		arrived.Add(parallel)
		var done sync.WaitGroup
		for range parallel {
			done.Add(1)
			go func() {
				defer done.Done()
				if _, err := h.Do(context.Background(), platform.Request{Method: http.MethodGet, Path: "/x"}); err != nil {
					t.Error(err)
				}
			}()
		}
		done.Wait()
	}
	if got := opened.Load(); got > 2*parallel {
		t.Errorf("%d bursts of %d parallel requests opened %d connections, want about %d (one per parallel request, kept)", bursts, parallel, got, parallel)
	}
}
