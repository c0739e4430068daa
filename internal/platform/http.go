package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Defaults of the transport; the Terraform provider block can override each.
const (
	DefaultMaxRetries     = 4
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
)

// maxIdleConnsPerHost keeps a connection open for each of Terraform's parallel operations (10 by
// default, more with -parallelism), where cleanhttp keeps GOMAXPROCS+1: with fewer, every burst of
// parallel requests closes connections and opens new ones, each a TCP and TLS handshake of CPU and
// round trips.
const maxIdleConnsPerHost = 64

// HTTPConfig configures the HTTP layer every platform client shares.
type HTTPConfig struct {
	Platform Name
	// Endpoint is the server root the platform's documented paths hang from.
	Endpoint string
	// Token is the static bearer token, used when TokenSource is nil.
	Token string
	// TokenSource, when set, supplies the bearer token of every attempt instead of Token, and is
	// asked once for a new token when a platform answers 401.
	TokenSource TokenSource
	// UserAgent is sent on every request, e.g. "terraform-provider-llm/1.2.3".
	UserAgent string
	// MaxRetries is the number of retries after the first attempt; negative means none.
	MaxRetries int
	// RequestTimeout bounds one attempt; the caller's context bounds the whole operation.
	RequestTimeout time.Duration
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	// Limiter, when set, is shared by every request of the Terraform provider instance.
	Limiter *rate.Limiter
	// Log receives one line per attempt, response and retry decision, with the request's own
	// context (the Terraform provider bridges it to tflog). Never given a body, header or token.
	Log func(ctx context.Context, level, msg string, fields map[string]any)
	// Transport replaces the default transport (tests).
	Transport http.RoundTripper
	// APIVersion picks the platform's API generation where it has several (Spec.APIVersions);
	// empty is the platform's default.
	APIVersion string
}

// ErrorDecoder reads a platform's error envelope into a code and a message. It returns empty
// strings when the body is not in the envelope; the HTTP layer then uses the raw body.
type ErrorDecoder func(body []byte) (code, message string)

// HTTP is the shared transport: bearer token, user agent, retries with backoff and jitter that
// honour Retry-After, a shared rate limit, error envelopes decoded into *APIError, and redaction.
type HTTP struct {
	cfg    HTTPConfig
	base   *url.URL
	decode ErrorDecoder
	client *retryablehttp.Client
}

// Request is one API call.
type Request struct {
	Method string
	// Path is appended to the endpoint as is, trailing slash included.
	Path  string
	Query url.Values
	// Body is marshalled to JSON when not nil.
	Body any
	// Secrets are redacted from any error built for this request (the token always is).
	Secrets []string
	// NotIdempotent marks a request that must not be resent once it may have reached the platform
	// (a create). Such a request is retried only on 429 or when the connection was never made;
	// other failures come back wrapped as ambiguous so the caller can look the record up.
	NotIdempotent bool
}

// Response is a successful (2xx) answer.
type Response struct {
	Status int
	Body   []byte
}

type requestKey struct{}

// NewHTTP builds the transport. It refuses to send the token over plain HTTP to a remote host.
func NewHTTP(cfg HTTPConfig, decode ErrorDecoder) (*HTTP, error) {
	base, err := CheckEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	cfg.RetryWaitMax = max(cfg.RetryWaitMax, cfg.RetryWaitMin)
	transport := cfg.Transport
	if transport == nil {
		pooled := cleanhttp.DefaultPooledTransport()
		pooled.MaxIdleConnsPerHost = maxIdleConnsPerHost
		transport = pooled
	}
	rc := retryablehttp.NewClient()
	tokens := cfg.TokenSource
	if tokens == nil {
		tokens = staticToken(cfg.Token)
	}
	// The token is taken after the rate limiter's wait, right before each attempt, so a request
	// that waited for the limiter or a retry backoff never leaves with a token that expired meanwhile.
	auth := &authTransport{next: transport, tokens: tokens}
	rc.HTTPClient = &http.Client{Transport: &limitedTransport{next: auth, limiter: cfg.Limiter}, Timeout: cfg.RequestTimeout}
	rc.RetryMax = max(cfg.MaxRetries, 0)
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	// retryablehttp's leveled logger has no request context, so its own lines are off and its
	// per-request hooks, which have one, carry the logging instead.
	rc.Logger = nil
	if cfg.Log != nil {
		rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			cfg.Log(req.Context(), "debug", "sending request", map[string]any{
				"platform": string(cfg.Platform), "method": req.Method, "path": req.URL.Path, "attempt": attempt + 1,
			})
		}
		rc.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			level := "debug"
			if resp.StatusCode >= 400 {
				level = "warn"
			}
			cfg.Log(resp.Request.Context(), level, "received response", map[string]any{
				"platform": string(cfg.Platform), "method": resp.Request.Method, "path": resp.Request.URL.Path,
				"status": resp.StatusCode, "retry_after": resp.Header.Get("Retry-After"),
			})
		}
	}
	return &HTTP{cfg: cfg, base: base, decode: decode, client: rc}, nil
}

// CheckEndpoint parses an endpoint and allows https anywhere and http only to a loopback address,
// so the bearer token never crosses a network in clear text.
func CheckEndpoint(endpoint string) (*url.URL, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("endpoint %q is not an absolute http(s) URL", endpoint)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("endpoint %q uses plain http to a remote host: the token would travel unencrypted; use https (plain http is allowed only to a loopback address such as 127.0.0.1 or localhost)", endpoint)
	}
	return u, nil
}

// IsLoopbackHost reports whether host is localhost or a loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Do sends req and returns the 2xx response, or an error whose text holds no secret.
func (h *HTTP) Do(ctx context.Context, req Request) (Response, error) {
	info := &requestInfo{req: &req, log: h.cfg.Log, platform: h.cfg.Platform, secrets: append([]string{h.cfg.Token}, req.Secrets...)}
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = json.Marshal(req.Body); err != nil {
			return Response{}, fmt.Errorf("%s %s %s: encoding the request: %w", h.cfg.Platform, req.Method, req.Path, err)
		}
	}
	target := h.base.JoinPath(req.Path)
	// JoinPath drops a trailing slash that keywordsai's paths need.
	if strings.HasSuffix(req.Path, "/") && !strings.HasSuffix(target.Path, "/") {
		target.Path += "/"
	}
	if len(req.Query) > 0 {
		target.RawQuery = req.Query.Encode()
	}
	ctx = context.WithValue(ctx, requestKey{}, info)
	resp, err := h.send(ctx, req, target.String(), body)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && h.cfg.TokenSource != nil {
		// The token expired or was revoked: renew it once and send the call once more. A 401
		// means the platform refused the request before acting on it, so resending is safe even
		// for a create. A second 401 is returned as is: the new token is refused too.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if h.cfg.Log != nil {
			h.cfg.Log(ctx, "info", "renewing the access token after a 401", map[string]any{
				"platform": string(h.cfg.Platform), "method": req.Method, "path": req.Path,
			})
		}
		if _, renewErr := h.cfg.TokenSource.Renew(ctx, info.lastSent()); renewErr != nil {
			return Response{}, fmt.Errorf("%s %s %s: the platform refused the access token (HTTP 401) and renewing it failed: %s",
				h.cfg.Platform, req.Method, req.Path, Redact(renewErr.Error(), info.secretList()...))
		}
		resp, err = h.send(ctx, req, target.String(), body)
	}
	secrets := info.secretList()
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		var tokenErr *TokenError
		if errors.As(err, &tokenErr) && ctx.Err() == nil {
			// Nothing was sent; the token error's text is already free of the client secret.
			return Response{}, fmt.Errorf("%s %s %s: %w", h.cfg.Platform, req.Method, req.Path, tokenErr)
		}
		msg := Redact(err.Error(), secrets...)
		wrapped := fmt.Errorf("%s %s %s: %s", h.cfg.Platform, req.Method, req.Path, msg)
		if ctx.Err() != nil {
			wrapped = fmt.Errorf("%w (%s)", ctx.Err(), wrapped.Error())
		}
		// A deadline or a cancellation while a create was in flight leaves its outcome unknown
		// just as a dropped connection does: the platform may have carried it out.
		if req.NotIdempotent && !neverSent(err) && !info.refused() {
			return Response{}, &AmbiguousError{Err: wrapped}
		}
		return Response{}, wrapped
	}
	defer resp.Body.Close()
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if readErr != nil {
		wrapped := fmt.Errorf("%s %s %s: reading the response: %s", h.cfg.Platform, req.Method, req.Path, Redact(readErr.Error(), secrets...))
		if req.NotIdempotent {
			return Response{}, &AmbiguousError{Err: wrapped}
		}
		return Response{}, wrapped
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return Response{Status: resp.StatusCode, Body: data}, nil
	}
	code, message := "", ""
	if h.decode != nil {
		code, message = h.decode(data)
	}
	if message == "" {
		// Redact before cutting, so a secret that crosses the cut cannot leave its start behind.
		message = Redact(strings.TrimSpace(string(data)), secrets...)
		if len(message) > 500 {
			message = message[:500] + "..."
		}
	}
	apiErr := &APIError{
		Platform: h.cfg.Platform,
		Kind:     KindForStatus(resp.StatusCode),
		Status:   resp.StatusCode,
		Code:     Redact(code, secrets...),
		Message:  Redact(message, secrets...),
		Method:   req.Method,
		Path:     req.Path,
	}
	if req.NotIdempotent && resp.StatusCode >= 500 {
		return Response{}, &AmbiguousError{Err: apiErr}
	}
	return Response{}, apiErr
}

// send makes one call, retries included.
func (h *HTTP) send(ctx context.Context, req Request, target string, body []byte) (*http.Response, error) {
	var reader any
	if body != nil {
		reader = body
	}
	hreq, err := retryablehttp.NewRequestWithContext(ctx, req.Method, target, reader)
	if err != nil {
		// Never sent, so never ambiguous, even for a create.
		return nil, &notSentError{err: fmt.Errorf("building the request: %w", err)}
	}
	hreq.Header.Set("User-Agent", h.cfg.UserAgent)
	hreq.Header.Set("Accept", "application/json")
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	return h.client.Do(hreq)
}

// DecodeJSON unmarshals a response body, turning a malformed body into a *DecodeError.
func (h *HTTP) DecodeJSON(req Request, resp Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return &DecodeError{Platform: h.cfg.Platform, Method: req.Method, Path: req.Path, Err: errors.New(Redact(err.Error(), append([]string{h.cfg.Token}, req.Secrets...)...))}
	}
	return nil
}

// AmbiguousError says a non-idempotent request failed in a way that leaves unknown whether the
// platform processed it.
type AmbiguousError struct{ Err error }

func (e *AmbiguousError) Error() string {
	return e.Err.Error() + " (the platform may have processed it)"
}

// Unwrap returns the underlying failure.
func (e *AmbiguousError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrAmbiguous) true.
func (e *AmbiguousError) Is(target error) bool { return target == ErrAmbiguous }

// notSentError marks a request refused before it left this process (the rate limiter).
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "not sent: " + e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// neverSent reports a failure that happened before the request could reach the server.
func neverSent(err error) bool {
	var notSent *notSentError
	if errors.As(err, &notSent) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	info, _ := ctx.Value(requestKey{}).(*requestInfo)
	if info != nil && resp != nil {
		info.answered(resp.StatusCode)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry, policyErr := retryDecision(ctx, info, resp, err)
	if retry && info != nil && info.log != nil {
		fields := map[string]any{"platform": string(info.platform), "method": info.req.Method, "path": info.req.Path}
		if err != nil {
			fields["error"] = Redact(err.Error(), info.secretList()...)
		} else {
			fields["status"] = resp.StatusCode
		}
		info.log(ctx, "info", "retrying request", fields)
	}
	return retry, policyErr
}

// requestInfo travels in the request context so the retry policy knows the request.
type requestInfo struct {
	req      *Request
	log      func(ctx context.Context, level, msg string, fields map[string]any)
	platform Name

	mu sync.Mutex
	// secrets are the static token, the request's secrets and every token sent for the request,
	// redacted from errors and logged errors.
	secrets []string
	// last is the token of the latest attempt.
	last string
	// lastStatus is the status of the latest attempt's answer; 0 while it is in flight.
	lastStatus int
}

// answered records the status of the latest attempt's answer.
func (i *requestInfo) answered(status int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.lastStatus = status
}

// refused reports that the latest attempt was answered with a refusal (4xx, 429 included): the
// platform did not act on it, so a deadline or a cancellation that came afterwards, during a
// retry wait, leaves nothing ambiguous.
func (i *requestInfo) refused() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.lastStatus >= 400 && i.lastStatus < 500
}

// sent records the token of an attempt.
func (i *requestInfo) sent(token string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.last, i.lastStatus = token, 0
	if !slices.Contains(i.secrets, token) {
		i.secrets = append(i.secrets, token)
	}
}

func (i *requestInfo) lastSent() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.last
}

func (i *requestInfo) secretList() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return slices.Clone(i.secrets)
}

func retryDecision(ctx context.Context, info *requestInfo, resp *http.Response, err error) (bool, error) {
	notIdempotent := info != nil && info.req.NotIdempotent
	var tokenErr *TokenError
	if errors.As(err, &tokenErr) {
		// The request never left; a refused client cannot succeed on a retry, a busy or
		// unreachable token endpoint may.
		return !tokenErr.Refused(), nil
	}
	if err != nil {
		if notIdempotent && !neverSent(err) {
			return false, nil
		}
		// Bad URLs and TLS certificate errors do not heal; retryablehttp's policy knows them.
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true, nil
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return !notIdempotent, nil
	}
	return false, nil
}

// backoff honours Retry-After (seconds or an HTTP date) on 429 and 503, and otherwise waits an
// exponentially growing time with full jitter so that parallel resources do not retry in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && resp.Header.Get("Retry-After") != "" &&
		(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		// Honour the platform's wait in full; the operation's timeouts block bounds it.
		return retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp)
	}
	ceiling := minWait << min(attempt, 20)
	if ceiling > maxWait || ceiling <= 0 {
		ceiling = maxWait
	}
	return minWait/2 + rand.N(ceiling-minWait/2+1)
}

// limitedTransport waits for the shared rate limiter before every attempt, retries included.
type limitedTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.limiter != nil {
		if err := t.limiter.Wait(req.Context()); err != nil {
			return nil, &notSentError{err: err}
		}
	}
	return t.next.RoundTrip(req)
}

// staticToken is the TokenSource of a fixed token; it is never renewed.
type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }

func (s staticToken) Renew(context.Context, string) (string, error) { return string(s), nil }

// authTransport sets the bearer token of each attempt and records it for redaction.
type authTransport struct {
	next   http.RoundTripper
	tokens TokenSource
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	token, err := t.tokens.Token(req.Context())
	if err != nil {
		var tokenErr *TokenError
		if errors.As(err, &tokenErr) {
			return nil, &notSentError{err: tokenErr}
		}
		return nil, &notSentError{err: err}
	}
	if info, ok := req.Context().Value(requestKey{}).(*requestInfo); ok {
		info.sent(token)
	}
	// A RoundTripper must not change the request it is given.
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+token)
	return t.next.RoundTrip(req)
}
