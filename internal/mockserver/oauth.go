package mockserver

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// TokenPath is the OAuth2 token endpoint under the mock root.
const TokenPath = "/oauth/token"

// DefaultTokenTTL is how long an issued access token lives unless WithTokenTTL says otherwise.
const DefaultTokenTTL = time.Hour

// tokenPlatform is the name journal entries of the token endpoint carry.
const tokenPlatform = "oauth"

// WithClientCredentials serves an OAuth2 client_credentials token endpoint at ROOT/oauth/token
// for this one client. The access tokens it issues are accepted by every platform, beside the
// static token, until they expire. Barndoor's own clients mint their token this way.
func WithClientCredentials(clientID, clientSecret string) Option {
	return func(s *Server) {
		s.oauth = &tokenIssuer{clientID: clientID, clientSecret: clientSecret, ttl: DefaultTokenTTL, tokens: map[string]time.Time{}, now: time.Now}
	}
}

// WithTokenTTL sets the lifetime of issued access tokens; under a second counts as a second,
// because expires_in is whole seconds and 0 would read as "no expiry". It has effect only with
// WithClientCredentials, in either order.
func WithTokenTTL(ttl time.Duration) Option {
	return func(s *Server) { s.tokenTTL = max(ttl, time.Second) }
}

// WithClock gives the token endpoint a clock of its own, so a test can move past a token's
// expiry instead of waiting for it.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.clock = now }
}

// tokenIssuer is the token endpoint and the store of the tokens it issued. It implements
// mockapi.Platform so that the core journals it and injects faults into it like a platform.
type tokenIssuer struct {
	clientID, clientSecret string
	ttl                    time.Duration
	now                    func() time.Time

	mu sync.Mutex
	// tokens maps each unexpired issued token to its expiry.
	tokens map[string]time.Time
	// history is every token issued, expired ones included, for IssuedTokens.
	history []string
}

func (o *tokenIssuer) Name() string           { return tokenPlatform }
func (o *tokenIssuer) Match(path string) bool { return path == TokenPath }

// Reset keeps the issued tokens: they belong to the identity provider, not to the platforms'
// data, and a client holding one would otherwise be refused after a test resets the mock.
func (o *tokenIssuer) Reset() {}

// WriteError answers in the RFC 6749 section 5.2 shape; the core uses it for injected faults.
func (o *tokenIssuer) WriteError(w http.ResponseWriter, status int, message string) {
	code := "invalid_request"
	switch {
	case status == http.StatusUnauthorized:
		code = "invalid_client"
	case status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests:
		code = "temporarily_unavailable"
	case status >= 500:
		code = "server_error"
	}
	o.writeError(w, status, code, message)
}

func (o *tokenIssuer) writeError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	mockapi.WriteJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// Handle serves POST /oauth/token for grant_type=client_credentials (RFC 6749 section 4.4). The
// client authenticates with HTTP Basic or with client_id and client_secret in the body (section
// 2.3.1); golang.org/x/oauth2 tries the first, then the second.
func (o *tokenIssuer) Handle(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		o.writeError(w, http.StatusMethodNotAllowed, "invalid_request", "the token endpoint accepts POST only")
		return
	}
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType != "application/x-www-form-urlencoded" {
		o.writeError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		o.writeError(w, http.StatusBadRequest, "invalid_request", "the body is not valid form encoding")
		return
	}
	// Section 3.2: parameters must not be repeated.
	for name, values := range form {
		if len(values) > 1 {
			o.writeError(w, http.StatusBadRequest, "invalid_request", "parameter "+name+" is repeated")
			return
		}
	}
	switch grant := form.Get("grant_type"); grant {
	case "client_credentials":
	case "":
		o.writeError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	default:
		o.writeError(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type=client_credentials is supported")
		return
	}

	id, secret, basic := r.BasicAuth()
	if basic {
		// Section 2.3.1: the Basic user and password are form-encoded before base64, which is
		// what golang.org/x/oauth2 sends (url.QueryEscape).
		if _, inBody := form["client_secret"]; inBody {
			o.writeError(w, http.StatusBadRequest, "invalid_request", "the client authenticated twice: use HTTP Basic or client_secret in the body, not both")
			return
		}
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			o.invalidClient(w, true)
			return
		}
		if bodyID, ok := form["client_id"]; ok && bodyID[0] != id {
			o.writeError(w, http.StatusBadRequest, "invalid_request", "client_id in the body differs from the HTTP Basic user")
			return
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if !o.validClient(id, secret) {
		o.invalidClient(w, basic)
		return
	}

	token, expiresIn := o.issue()
	answer := map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": expiresIn}
	if scope := form.Get("scope"); scope != "" {
		answer["scope"] = scope
	}
	// Section 5.1: a token answer must not be cached.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	mockapi.WriteJSON(w, http.StatusOK, answer)
}

// validClient compares in constant time, as an identity provider would.
func (o *tokenIssuer) validClient(id, secret string) bool {
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(o.clientID))
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(o.clientSecret))
	return id != "" && idOK&secretOK == 1
}

// invalidClient is section 5.2's 401; a client that tried HTTP Basic gets the challenge.
func (o *tokenIssuer) invalidClient(w http.ResponseWriter, basic bool) {
	if basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="llm-mock"`)
	}
	o.writeError(w, http.StatusUnauthorized, "invalid_client", "client authentication failed: unknown client_id or wrong client_secret")
}

// issue stores a new random token and returns it with its lifetime in whole seconds.
func (o *tokenIssuer) issue() (string, int64) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	// Forget expired tokens, so a long run of renewals does not grow the store.
	for t, exp := range o.tokens {
		if !now.Before(exp) {
			delete(o.tokens, t)
		}
	}
	o.tokens[token] = now.Add(o.ttl)
	o.history = append(o.history, token)
	return token, int64(o.ttl / time.Second)
}

// tokenState is what a bearer token is to the issuer.
type tokenState int

const (
	tokenUnknown tokenState = iota
	tokenValid
	tokenExpired
)

func (o *tokenIssuer) check(token string) tokenState {
	o.mu.Lock()
	defer o.mu.Unlock()
	exp, ok := o.tokens[token]
	switch {
	case !ok:
		return tokenUnknown
	case o.now().Before(exp):
		return tokenValid
	default:
		return tokenExpired
	}
}

func (o *tokenIssuer) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.history)
}

// redactTokenRequest is what the journal keeps of a token request: grant_type and scope only.
// The client secret, and anything else a client might put there, is never journaled.
func redactTokenRequest(params string) url.Values {
	form, _ := url.ParseQuery(params)
	kept := url.Values{}
	for _, name := range []string{"grant_type", "scope"} {
		if v, ok := form[name]; ok {
			kept[name] = v
		}
	}
	return kept
}

// tokenJournalBody is the redacted body as a JSON object of strings.
func tokenJournalBody(body []byte) json.RawMessage {
	kept := redactTokenRequest(string(body))
	if len(kept) == 0 {
		return json.RawMessage("null")
	}
	obj := make(map[string]string, len(kept))
	for k, v := range kept {
		obj[k] = strings.Join(v, " ")
	}
	data, _ := json.Marshal(obj)
	return data
}
