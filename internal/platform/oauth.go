package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TokenSource supplies the bearer token of every attempt and renews it when a platform refuses it.
// One source is shared by every request of a Terraform provider instance.
type TokenSource interface {
	// Token returns a token to send now, fetching a new one when the held one is about to expire.
	Token(ctx context.Context) (string, error)
	// Renew fetches a new token because a platform refused refused. When another request has
	// already replaced refused, it returns that newer token instead of fetching again.
	Renew(ctx context.Context, refused string) (string, error)
}

// maxRenewalMargin is how long before its expiry a token is replaced, for tokens that live
// long enough; x/oauth2 uses the same 10 s.
const maxRenewalMargin = 10 * time.Second

// ClientCredentials is a TokenSource that mints access tokens with the OAuth2 client_credentials
// grant (RFC 6749 section 4.4) and holds one token at a time.
type ClientCredentials struct {
	config     clientcredentials.Config
	tokenURL   string
	httpClient *http.Client
	// lock is a one-slot semaphore rather than a mutex, so that a request waiting for another's
	// token fetch can give up when its own context ends. Holding it during the fetch makes
	// concurrent requests share one fetch instead of each minting a token.
	lock    chan struct{}
	current string
	// renewAt is when current is replaced; zero means never (the endpoint gave no expires_in).
	renewAt time.Time
	// now is the clock renewal is decided by (tests set their own).
	now func() time.Time
}

var _ TokenSource = (*ClientCredentials)(nil)

// NewClientCredentials builds the token source. tokenURL must be https, or plain http to a
// loopback address only, because the client secret travels in the token request. scopes may be
// empty. httpClient carries the token requests; nil means a pooled client with a 30 s timeout.
// No request is made until the first Token.
func NewClientCredentials(tokenURL, clientID, clientSecret string, scopes []string, httpClient *http.Client) (*ClientCredentials, error) {
	if _, err := CheckTokenURL(tokenURL); err != nil {
		return nil, err
	}
	if clientID == "" || clientSecret == "" {
		return nil, errors.New("client credentials need both a client ID and a client secret")
	}
	if httpClient == nil {
		httpClient = cleanhttp.DefaultPooledClient()
		httpClient.Timeout = DefaultRequestTimeout
	}
	return &ClientCredentials{
		// AuthStyle is left to auto-detection: HTTP Basic first, then the secret in the body,
		// as identity providers differ in which they accept.
		config:     clientcredentials.Config{ClientID: clientID, ClientSecret: clientSecret, TokenURL: tokenURL, Scopes: scopes},
		tokenURL:   tokenURL,
		now:        time.Now,
		httpClient: httpClient,
		lock:       make(chan struct{}, 1),
	}, nil
}

// CheckTokenURL allows https anywhere and http only to a loopback address, so the client secret
// never crosses a network in clear text.
func CheckTokenURL(tokenURL string) (*url.URL, error) {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("token URL %q is not an absolute http(s) URL", tokenURL)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("token URL %q uses plain http to a remote host: the client secret would travel unencrypted; use https (plain http is allowed only to a loopback address such as 127.0.0.1 or localhost)", tokenURL)
	}
	return u, nil
}

// TokenURL is the token endpoint, for messages.
func (c *ClientCredentials) TokenURL() string { return c.tokenURL }

// Token returns the held token while it is fresh, and otherwise fetches a new one.
func (c *ClientCredentials) Token(ctx context.Context) (string, error) {
	if err := c.acquire(ctx); err != nil {
		return "", err
	}
	defer c.release()
	if c.current != "" && (c.renewAt.IsZero() || c.now().Before(c.renewAt)) {
		return c.current, nil
	}
	return c.fetch(ctx)
}

// Renew fetches a new token unless another request already replaced the refused one.
func (c *ClientCredentials) Renew(ctx context.Context, refused string) (string, error) {
	if err := c.acquire(ctx); err != nil {
		return "", err
	}
	defer c.release()
	if c.current != "" && c.current != refused {
		return c.current, nil
	}
	return c.fetch(ctx)
}

func (c *ClientCredentials) acquire(ctx context.Context) error {
	select {
	case c.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *ClientCredentials) release() { <-c.lock }

// fetch mints a token; the caller holds the lock.
func (c *ClientCredentials) fetch(ctx context.Context) (string, error) {
	started := c.now()
	tok, err := c.config.Token(context.WithValue(ctx, oauth2.HTTPClient, c.httpClient))
	if err != nil {
		return "", c.tokenError(err)
	}
	if tok.AccessToken == "" {
		return "", &TokenError{TokenURL: c.tokenURL, Message: "the answer holds no access_token"}
	}
	c.current = tok.AccessToken
	c.renewAt = time.Time{}
	if !tok.Expiry.IsZero() {
		// x/oauth2's own cache replaces a token 10 s before it expires, which for a token that
		// lives 10 s or less means a new token for every request. The margin is therefore a third
		// of the lifetime, at most 10 s: a one-hour token is renewed 10 s early, a 3 s token 1 s
		// early, which still leaves time for a request sent just before the renewal to arrive.
		lifetime := tok.Expiry.Sub(started)
		c.renewAt = tok.Expiry.Add(-min(maxRenewalMargin, lifetime/3))
	}
	return c.current, nil
}

// TokenError says the token endpoint did not issue a token. Its text never holds the client
// secret: the endpoint's answer is redacted before it is kept.
type TokenError struct {
	TokenURL string
	// Status is the HTTP status of the endpoint's answer; 0 when none came.
	Status int
	// Code is the OAuth2 error code (RFC 6749 section 5.2), such as invalid_client.
	Code    string
	Message string
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "obtaining an access token from %s", e.TokenURL)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// Refused reports whether the endpoint refused the client itself (a wrong ID or secret, or a
// client not allowed this grant or scope): trying again cannot help.
func (e *TokenError) Refused() bool {
	switch e.Code {
	case "invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope", "unsupported_grant_type":
		return true
	}
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Status == http.StatusBadRequest
}

// tokenError turns x/oauth2's error into a *TokenError free of the client secret.
func (c *ClientCredentials) tokenError(err error) *TokenError {
	out := &TokenError{TokenURL: c.tokenURL}
	var retrieve *oauth2.RetrieveError
	switch {
	case errors.As(err, &retrieve):
		if retrieve.Response != nil {
			out.Status = retrieve.Response.StatusCode
		}
		out.Code = retrieve.ErrorCode
		out.Message = retrieve.ErrorDescription
		if out.Code == "" && out.Message == "" {
			out.Message = strings.TrimSpace(string(retrieve.Body))
		}
	default:
		out.Message = err.Error()
	}
	out.Code = Redact(out.Code, c.config.ClientSecret)
	out.Message = Redact(out.Message, c.config.ClientSecret)
	if len(out.Message) > 300 {
		out.Message = out.Message[:300] + "..."
	}
	return out
}
