// Package mockserver is an in-memory, concurrency-safe fake of the four platforms' APIs at their
// documented paths, with a request journal, reset and fault injection. It is the reference for
// every test and the embedded default platform for the demo.
//
// Paths under one root: refactor at /api/v1/..., flashback at /ai/llm, barndoor at
// /api/llm-gateway/admin/..., keywordsai at /api/providers/. Every platform accepts the static
// bearer token given to New and, with WithClientCredentials, the access tokens that the OAuth2
// client_credentials endpoint POST /oauth/token issues, until they expire (WithTokenTTL).
// WithLatency delays every platform request.
//
// Control endpoints, never journaled nor delayed:
//
//	GET    /_mock/requests     the journal: [{time, method, path, query, body, status, fault, platform}]
//	DELETE /_mock/requests     clear the journal
//	POST   /_mock/reset        empty all data, the journal, the faults and the dropped fields
//	GET    /_mock/faults       the fault rules in force
//	POST   /_mock/faults       set fault rules: one rule, an array, or {"rules": [...]}
//	DELETE /_mock/faults       clear the fault rules
//	GET    /_mock/drop-fields  [{platform, fields}]: the fields each platform does not know
//	POST   /_mock/drop-fields  {platform, fields[, requests_only]} or an array: replace those platforms' lists
//	                           (requests_only: answers keep the platform's own values of the fields)
//	DELETE /_mock/drop-fields  every platform knows every field again
//	GET    /_mock/modes        the platform modes in force (see Modes)
//	POST   /_mock/modes        change modes: the fields sent change, the others stay
//	DELETE /_mock/modes        restore the modes given at construction
//	POST   /_mock/flashback/repos       {aiLlmId, name}: attach a repository to a configuration
//	DELETE /_mock/flashback/repos?aiLlmId=ID  detach every repository from it
//	POST   /_mock/flashback/validation  {aiLlmId, valid, message}: what its validate answers
//
// The journal holds no request header, so no Authorization, and of a token request only
// grant_type and scope.
package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/barndoor"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/flashback"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/keywordsai"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/refactor"
)

// Entry is one journaled request to a platform path or the token endpoint (control endpoints
// are not journaled). No header is journaled, so neither is any Authorization.
type Entry struct {
	Time   string          `json:"time"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query"`
	Body   json.RawMessage `json:"body"`
	Status int             `json:"status"`
	// Fault names the injected fault that hit this request: "status", "drop", or empty.
	Fault string `json:"fault,omitempty"`
	// Platform is the platform whose fake served the request, or "oauth" for the token
	// endpoint, whose Body and Query hold only grant_type and scope.
	Platform string `json:"platform"`
}

// FaultRule injects failures into requests whose method and path match.
type FaultRule struct {
	// Method matches the HTTP method; empty matches any.
	Method string `json:"method,omitempty"`
	// Path is a pattern in which * matches any run of characters, e.g. "/ai/llm*".
	Path string `json:"path"`
	// Status, when set, answers with this status in the platform's envelope without processing.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as the Retry-After header with Status.
	RetryAfter string `json:"retry_after,omitempty"`
	// LatencyMS delays the request before anything else.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Drop processes the request, then closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
	// Count limits the rule to the next N matching requests; 0 means no limit.
	Count int `json:"count,omitempty"`
	// Probability fires the rule for this share of matching requests; 0 means always.
	Probability float64 `json:"probability,omitempty"`
}

type activeFault struct {
	FaultRule
	pattern   *regexp.Regexp
	remaining int
}

// Server serves all four platforms under one root.
type Server struct {
	token     string
	platforms []mockapi.Platform
	// The platforms by type, for their Go APIs (see Refactor, Flashback, Barndoor, KeywordsAI).
	refactor   *refactor.Mock
	flashback  *flashback.Mock
	barndoor   *barndoor.Mock
	keywordsai *keywordsai.Mock
	// startModes are the modes given at construction; Reset restores them. modes are the
	// modes as last set, guarded by mu.
	startModes Modes
	// latency delays every platform request; see WithLatency. wait is how a delay is spent
	// (WithWait); nil waits on a timer.
	latency time.Duration
	wait    func(ctx context.Context, d time.Duration) error
	// oauth is the token endpoint, nil unless WithClientCredentials; tokenTTL overrides its
	// default lifetime.
	oauth    *tokenIssuer
	tokenTTL time.Duration
	// clock, when set (WithClock), is the token endpoint's clock for issuing and expiring tokens.
	clock func() time.Time

	mu      sync.Mutex
	modes   Modes
	journal []Entry
	faults  []*activeFault
	// dropped maps a platform to the fields it does not know; see DroppedFields.
	dropped map[string][]string
	// requestsOnly marks the platforms that drop their fields from requests only.
	requestsOnly map[string]bool
	// beforeAnswer, when set, sees each platform request after it was processed and before its
	// answer is sent; see WithBeforeAnswer.
	beforeAnswer func(Entry)
	// beforeProcess, when set, sees each platform request before the platform processes it; see
	// WithBeforeProcess.
	beforeProcess func(Entry)
}

// WithBeforeProcess calls f for each authorised platform request before the platform processes
// it, so a test can make something happen between a client's decision and the platform acting on
// it (another actor creating the same record, say). f may call the server itself.
func WithBeforeProcess(f func(Entry)) Option {
	return func(s *Server) { s.beforeProcess = f }
}

// WithBeforeAnswer calls f for each platform request after the platform processed it and before
// the answer is sent, with the entry as it will be journaled (its Status is the answer's). A hook
// that blocks holds the answer, so a test can stop a client between the platform carrying a
// request out and the client learning of it (a killed apply, an expired deadline) without timing
// anything. The hook must not block forever: release it before the server closes.
func WithBeforeAnswer(f func(Entry)) Option {
	return func(s *Server) { s.beforeAnswer = f }
}

// Option configures a Server at construction.
type Option func(*Server)

// WithLatency delays every platform request by d before anything else, as a slow network or
// service would, and gives up early when the client cancels. Control endpoints under /_mock/
// are not delayed, so a test can always inspect and reset the mock promptly. A fault rule's
// latency_ms adds to it.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = max(d, 0) }
}

// WithWait makes the server spend each delay (WithLatency, a fault's latency_ms) by calling
// wait, which returns the context's error when the client gave up first. Tests record the delays
// asked for instead of timing them.
func WithWait(wait func(ctx context.Context, d time.Duration) error) Option {
	return func(s *Server) { s.wait = wait }
}

// sleep spends a delay, or returns the context's error when the request is cancelled first.
func (s *Server) sleep(ctx context.Context, d time.Duration) error {
	if s.wait != nil {
		return s.wait(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// New returns a server that accepts the bearer token (an empty token accepts none) on every
// platform.
func New(token string, opts ...Option) *Server {
	s := &Server{
		token: token, refactor: refactor.New(), flashback: flashback.New(), barndoor: barndoor.New(),
		keywordsai: keywordsai.New(),
	}
	s.platforms = []mockapi.Platform{s.refactor, s.flashback, s.barndoor, s.keywordsai}
	s.startModes = modesFromEnv()
	for _, opt := range opts {
		opt(s)
	}
	// WithModes was checked when it was given; the defaults are always valid.
	_ = s.SetModes(s.startModes)
	if s.oauth != nil && s.clock != nil {
		s.oauth.now = s.clock
	}
	if s.oauth != nil && s.tokenTTL > 0 {
		s.oauth.ttl = s.tokenTTL
	}
	return s
}

// TokensIssued is how many access tokens the token endpoint has issued since the server
// started (Reset does not change it); 0 without WithClientCredentials. Tests count renewals
// with it.
func (s *Server) TokensIssued() int {
	if s.oauth == nil {
		return 0
	}
	return s.oauth.count()
}

// IssuedTokens returns every access token the token endpoint has issued, oldest first. It is for
// tests that search logs, plans and state for them; the tokens are secrets, so nothing else
// should print them.
func (s *Server) IssuedTokens() []string {
	if s.oauth == nil {
		return nil
	}
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return append([]string{}, s.oauth.history...)
}

// Requests returns a copy of the journal.
func (s *Server) Requests() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	// An empty journal is an empty JSON array, never null.
	return append([]Entry{}, s.journal...)
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journal = nil
}

// Reset empties every platform's data, the journal, the faults and the dropped fields, and
// restores the modes given at construction. Tokens the token endpoint issued stay valid.
func (s *Server) Reset() {
	for _, p := range s.platforms {
		p.Reset()
	}
	_ = s.SetModes(s.startModes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journal = nil
	s.faults = nil
	s.dropped = nil
	s.requestsOnly = nil
}

// SetFaults replaces the fault rules; an empty list clears them.
func (s *Server) SetFaults(rules []FaultRule) error {
	active := make([]*activeFault, 0, len(rules))
	for _, r := range rules {
		if r.Path == "" {
			return fmt.Errorf("a fault rule needs a path pattern (\"*\" matches every path)")
		}
		pattern, err := globPattern(r.Path)
		if err != nil {
			return err
		}
		active = append(active, &activeFault{FaultRule: r, pattern: pattern, remaining: r.Count})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = active
	return nil
}

// Faults returns the rules in force, with Count holding what remains of each.
func (s *Server) Faults() []FaultRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FaultRule, 0, len(s.faults))
	for _, f := range s.faults {
		// A counted rule that is used up is gone; showing it with count 0 would read as "no limit".
		if f.Count > 0 && f.remaining <= 0 {
			continue
		}
		r := f.FaultRule
		r.Count = f.remaining
		out = append(out, r)
	}
	return out
}

func globPattern(glob string) (*regexp.Regexp, error) {
	parts := strings.Split(glob, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.Compile("^" + strings.Join(parts, ".*") + "$")
}

// pickFault returns the first rule that fires for the request, spending one of its count.
func (s *Server) pickFault(method, path string) *FaultRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if (f.Method != "" && !strings.EqualFold(f.Method, method)) || !f.pattern.MatchString(path) {
			continue
		}
		if f.Count > 0 && f.remaining <= 0 {
			continue
		}
		if f.Probability > 0 && rand.Float64() >= f.Probability {
			continue
		}
		if f.Count > 0 {
			f.remaining--
		}
		rule := f.FaultRule
		return &rule
	}
	return nil
}

func (s *Server) record(e Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.journal = append(s.journal, e)
}

// ServeHTTP routes control endpoints under /_mock/ and platform paths to their fakes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_mock/") {
		s.serveControl(w, r)
		return
	}
	var platform mockapi.Platform
	tokenEndpoint := s.oauth != nil && s.oauth.Match(r.URL.Path)
	if tokenEndpoint {
		platform = s.oauth
	}
	for _, p := range s.platforms {
		if platform == nil && p.Match(r.URL.Path) {
			platform = p
		}
	}
	if platform == nil {
		mockapi.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "no platform serves " + r.URL.Path})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	entry := Entry{
		Time: mockapi.Now(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Body: journalBody(body), Platform: platform.Name(),
	}
	if tokenEndpoint {
		// The token request carries the client secret and its answer the access token:
		// neither may reach the journal, which tests print.
		entry.Body = tokenJournalBody(body)
		entry.Query = redactTokenRequest(r.URL.RawQuery).Encode()
	}
	rec := &statusRecorder{ResponseWriter: w}
	recorded := false
	defer func() {
		if !recorded {
			entry.Status = rec.status
			s.record(entry)
		}
	}()

	fault := s.pickFault(r.Method, r.URL.Path)
	// The token endpoint belongs to the identity provider, not to the platform being slowed.
	delay := s.latency
	if tokenEndpoint {
		delay = 0
	}
	if fault != nil {
		delay += time.Duration(fault.LatencyMS) * time.Millisecond
	}
	if delay > 0 {
		if err := s.sleep(r.Context(), delay); err != nil {
			// 499 is nginx's "client closed request": nothing was answered.
			rec.status = 499
			return
		}
	}
	if !tokenEndpoint {
		if problem := s.unauthorized(r); problem != "" {
			platform.WriteError(rec, http.StatusUnauthorized, problem)
			return
		}
	}
	if fault != nil && fault.Status != 0 {
		entry.Fault = "status"
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		platform.WriteError(rec, fault.Status, "injected fault")
		return
	}
	// An older platform version does not know the dropped fields; the token endpoint has none.
	var dropped, droppedInAnswers []string
	if !tokenEndpoint {
		dropped, droppedInAnswers = s.droppedFor(platform.Name())
	}
	if fault != nil && fault.Drop {
		entry.Fault = "drop"
		processed := httptest.NewRecorder()
		platform.Handle(processed, r, dropFromRequest(body, dropped))
		// Journal before closing: a client that sees the broken connection must find the entry.
		entry.Status = processed.Code
		s.record(entry)
		recorded = true
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		// Without a hijackable connection, abort the handler so the client sees a broken response.
		panic(http.ErrAbortHandler)
	}
	if s.beforeProcess != nil && !tokenEndpoint {
		s.beforeProcess(entry)
	}
	if s.beforeAnswer != nil && !tokenEndpoint {
		// Process into a buffer, show the hook, then answer.
		processed := httptest.NewRecorder()
		if len(dropped) > 0 {
			handleDropping(platform, processed, r, body, dropped, droppedInAnswers)
		} else {
			platform.Handle(processed, r, body)
		}
		held := entry
		held.Status = processed.Code
		s.beforeAnswer(held)
		for k, vs := range processed.Header() {
			w.Header()[k] = vs
		}
		rec.WriteHeader(processed.Code)
		_, _ = rec.Write(processed.Body.Bytes())
		return
	}
	if len(dropped) > 0 {
		handleDropping(platform, rec, r, body, dropped, droppedInAnswers)
		return
	}
	platform.Handle(rec, r, body)
}

// unauthorized says why the request's bearer token is refused, or "" when it is the static
// token or an unexpired token the token endpoint issued.
func (s *Server) unauthorized(r *http.Request) string {
	const refused = "invalid or missing bearer token"
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return refused
	}
	if s.token != "" && tok == s.token {
		return ""
	}
	if s.oauth != nil {
		switch s.oauth.check(tok) {
		case tokenValid:
			return ""
		case tokenExpired:
			return "invalid bearer token: the access token has expired; request a new one"
		}
	}
	return refused
}

// journalBody keeps a JSON body as JSON and anything else as a JSON string.
func journalBody(body []byte) json.RawMessage {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return json.RawMessage("null")
	}
	if json.Valid(trimmed) {
		return json.RawMessage(trimmed)
	}
	quoted, _ := json.Marshal(string(body))
	return quoted
}

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_mock/requests" && r.Method == http.MethodGet:
		mockapi.WriteJSON(w, http.StatusOK, s.Requests())
	case r.URL.Path == "/_mock/requests" && r.Method == http.MethodDelete:
		s.ClearRequests()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_mock/reset" && r.Method == http.MethodPost:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_mock/faults" && r.Method == http.MethodGet:
		mockapi.WriteJSON(w, http.StatusOK, s.Faults())
	case r.URL.Path == "/_mock/faults" && r.Method == http.MethodDelete:
		_ = s.SetFaults(nil)
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_mock/faults" && r.Method == http.MethodPost:
		rules, err := decodeFaultRules(r.Body)
		if err == nil {
			err = s.SetFaults(rules)
		}
		if err != nil {
			mockapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		mockapi.WriteJSON(w, http.StatusOK, s.Faults())
	case r.URL.Path == "/_mock/drop-fields" && r.Method == http.MethodGet:
		mockapi.WriteJSON(w, http.StatusOK, s.DroppedFields())
	case r.URL.Path == "/_mock/drop-fields" && r.Method == http.MethodDelete:
		s.ClearDroppedFields()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_mock/drop-fields" && r.Method == http.MethodPost:
		rules, err := decodeDroppedFields(r.Body)
		if err == nil {
			err = s.setDroppedFieldsRules(rules)
		}
		if err != nil {
			mockapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		mockapi.WriteJSON(w, http.StatusOK, s.DroppedFields())
	default:
		if s.serveModeControl(w, r) {
			return
		}
		mockapi.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "unknown control endpoint " + r.Method + " " + r.URL.Path})
	}
}

// decodeFaultRules accepts a JSON array of rules, {"rules": [...]}, or one rule object.
func decodeFaultRules(body io.Reader) ([]FaultRule, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	var rules []FaultRule
	if len(data) > 0 && data[0] == '[' {
		err = json.Unmarshal(data, &rules)
		return rules, err
	}
	var wrapper struct {
		Rules []FaultRule `json:"rules"`
	}
	if err = json.Unmarshal(data, &wrapper); err == nil && wrapper.Rules != nil {
		return wrapper.Rules, nil
	}
	var one FaultRule
	if err = json.Unmarshal(data, &one); err != nil {
		return nil, err
	}
	return []FaultRule{one}, nil
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
