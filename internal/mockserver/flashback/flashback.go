// Package flashback is the in-memory fake of the flashback platform's AI LLM configuration API
// (/ai/llm). It follows api-notes section 2 and the seed of PUT /ai/llm/{id}: every error is
// {"success":false,"message":...}, create answers only the new aiLlmId, there is no get-one
// endpoint (records are read through the list, optionally filtered by workspace), names are
// unique within a workspace, and key and secret are stored but never returned.
package flashback

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// basePath is the collection path; every flashback path hangs from it.
const basePath = "/ai/llm"

// AITypes is the documented aiType enum.
var AITypes = []string{"OPENAI", "GOOGLE", "ANTHROPIC", "AWS", "OTHER"}

// Messages the fake answers with; tests compare against them.
const (
	MessageCreated   = "AI LLM configuration created successfully"
	MessageUpdated   = "AI LLM configuration updated successfully"
	MessageDeleted   = "AI LLM configuration deleted successfully"
	MessageValidated = "AI LLM configuration validated successfully"
	MessageNotFound  = "AI LLM configuration not found"
	// MessageWorkspaceImmutable answers an update that names a workspace: a record never moves.
	MessageWorkspaceImmutable = "workspaceId cannot be changed"
	// MessageInUsePrefix starts the 403 that refuses to delete a configuration repositories use.
	MessageInUsePrefix = "AI LLM configuration is in use by"
)

// record is one stored configuration. Key and secret are kept only to be written, as the real
// service encrypts them and never returns them.
type record struct {
	id          string
	workspaceID string
	name        string
	aiType      string
	endpoint    string
	key         *string
	secret      string
	// apiKeyID is the apiKeyUuid of a stored API key the configuration uses instead of its own.
	apiKeyID  *string
	createdAt string
	// repos are the repositories using the configuration; a delete is refused while any does.
	repos []repoDTO
	// invalid and invalidMessage are what POST .../validate answers (SetValidation).
	invalid        bool
	invalidMessage string
}

// dto is the AiLlmDTO the list endpoints return. Key is always null; there is no secret and no
// updatedAt, as documented.
type dto struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"orgId"`
	WorkspaceID string    `json:"workspaceId"`
	UserID      string    `json:"userId"`
	Name        string    `json:"name"`
	AIType      string    `json:"aiType"`
	Endpoint    string    `json:"endpoint"`
	Key         *string   `json:"key"`
	APIKeyID    *string   `json:"apiKeyId,omitempty"`
	CreatedAt   string    `json:"createdAt"`
	Repos       []repoDTO `json:"repos"`
}

// repoDTO is a repository using the configuration; tests attach them with AttachRepo.
type repoDTO struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
}

// Mock is the flashback fake. It is safe for concurrent use.
type Mock struct {
	// orgID and userID are fixed per instance: the fake knows one organisation and one user,
	// the owner of the single token the core accepts.
	orgID  string
	userID string

	mu sync.Mutex
	// records is kept in creation order, which the list answers in.
	records []*record
}

// New returns an empty fake.
func New() *Mock {
	return &Mock{orgID: mockapi.NewUUID(), userID: mockapi.NewUUID()}
}

// Name is the platform name.
func (m *Mock) Name() string { return "flashback" }

// Match claims /ai/llm and everything below it.
func (m *Mock) Match(path string) bool {
	return path == basePath || strings.HasPrefix(path, basePath+"/")
}

// OrgID is the organisation every record belongs to, so tests can compare the DTO's orgId.
func (m *Mock) OrgID() string { return m.orgID }

// UserID is the user every record is created by.
func (m *Mock) UserID() string { return m.userID }

// WriteError answers in flashback's envelope.
func (m *Mock) WriteError(w http.ResponseWriter, status int, message string) {
	mockapi.WriteJSON(w, status, map[string]any{"success": false, "message": message})
}

// Reset empties all data. The organisation and the user stay: they belong to the token.
func (m *Mock) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.records = nil
}

// Handle routes an authenticated request.
func (m *Mock) Handle(w http.ResponseWriter, r *http.Request, body []byte) {
	segments, ok := pathSegments(r.URL.EscapedPath())
	if !ok {
		m.WriteError(w, http.StatusBadRequest, "malformed path "+r.URL.Path)
		return
	}
	switch {
	case len(segments) == 0:
		switch r.Method {
		case http.MethodGet:
			m.list(w, r)
		case http.MethodPost:
			m.create(w, body)
		default:
			m.methodNotAllowed(w, r, "GET, POST")
		}
	case len(segments) == 1 && segments[0] == "available" && r.Method == http.MethodGet:
		m.available(w)
	case len(segments) == 1 && segments[0] == "stats" && r.Method == http.MethodGet:
		m.stats(w, r)
	case len(segments) == 1:
		switch r.Method {
		case http.MethodPut:
			m.update(w, segments[0], body)
		case http.MethodDelete:
			m.delete(w, segments[0])
		default:
			// There is no GET /ai/llm/{id}. A 405 rather than a 404 keeps a client that wrongly
			// reads one record this way from mistaking the answer for "the record is gone".
			m.methodNotAllowed(w, r, "PUT, DELETE")
		}
	case len(segments) == 2 && segments[1] == "validate":
		if r.Method != http.MethodPost {
			m.methodNotAllowed(w, r, "POST")
			return
		}
		m.validate(w, segments[0])
	default:
		m.WriteError(w, http.StatusNotFound, fmt.Sprintf("Cannot %s %s", r.Method, r.URL.Path))
	}
}

// pathSegments splits the escaped path below /ai/llm into unescaped segments, so an escaped
// slash stays inside an id as it does in the real router. Like Express, which the real backend
// runs on, it routes "/ai/llm/" as "/ai/llm".
func pathSegments(escaped string) ([]string, bool) {
	if len(escaped) > len(basePath) {
		escaped = strings.TrimSuffix(escaped, "/")
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(escaped, basePath), "/")
	if rest == "" {
		return nil, true
	}
	segments := strings.Split(rest, "/")
	for i, s := range segments {
		unescaped, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		segments[i] = unescaped
	}
	return segments, true
}

func (m *Mock) methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed string) {
	w.Header().Set("Allow", allowed)
	m.WriteError(w, http.StatusMethodNotAllowed, fmt.Sprintf("Cannot %s %s: allowed methods are %s", r.Method, r.URL.Path, allowed))
}

// list answers GET /ai/llm, filtered by an exact workspaceId when the query names one.
func (m *Mock) list(w http.ResponseWriter, r *http.Request) {
	workspaceID := r.URL.Query().Get("workspaceId")
	m.mu.Lock()
	out := make([]dto, 0, len(m.records))
	for _, rec := range m.records {
		if workspaceID == "" || rec.workspaceID == workspaceID {
			out = append(out, m.toDTO(rec))
		}
	}
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlms": out})
}

// available answers GET /ai/llm/available: every configuration, newest first. The fake treats
// every stored configuration as active.
func (m *Mock) available(w http.ResponseWriter) {
	m.mu.Lock()
	out := make([]dto, 0, len(m.records))
	for i := len(m.records) - 1; i >= 0; i-- {
		out = append(out, m.toDTO(m.records[i]))
	}
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlms": out})
}

func (m *Mock) toDTO(rec *record) dto {
	return dto{
		ID: rec.id, OrgID: m.orgID, WorkspaceID: rec.workspaceID, UserID: m.userID,
		Name: rec.name, AIType: rec.aiType, Endpoint: rec.endpoint, Key: nil, APIKeyID: rec.apiKeyID,
		CreatedAt: rec.createdAt, Repos: append([]repoDTO{}, rec.repos...),
	}
}

// create answers POST /ai/llm with only the new id.
func (m *Mock) create(w http.ResponseWriter, body []byte) {
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	rec := &record{}
	var problems []string
	check := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	check(requiredString(obj, "name", true, &rec.name))
	check(requiredString(obj, "aiType", true, &rec.aiType))
	if rec.aiType != "" {
		check(checkAIType(rec.aiType))
	}
	check(requiredString(obj, "endpoint", true, &rec.endpoint))
	if rec.endpoint != "" {
		check(checkEndpoint(rec.endpoint))
	}
	key, err := nullableString(obj, "key")
	check(err)
	rec.key = key
	apiKeyID, err := apiKeyUUID(obj)
	check(err)
	rec.apiKeyID = apiKeyID
	// The docs require secret; the client's type makes it optional since it gained apiKeyUuid,
	// which names a stored key instead. So a secret is required unless apiKeyUuid is given.
	if apiKeyID == nil || present(obj, "secret") {
		check(requiredString(obj, "secret", false, &rec.secret))
	}
	check(requiredString(obj, "workspaceId", true, &rec.workspaceID))
	if len(problems) > 0 {
		m.WriteError(w, http.StatusBadRequest, "Validation error: "+strings.Join(problems, "; "))
		return
	}

	m.mu.Lock()
	if m.nameTaken(rec.workspaceID, rec.name, "") {
		m.mu.Unlock()
		m.WriteError(w, http.StatusBadRequest, clashMessage(rec.name))
		return
	}
	rec.id = mockapi.NewUUID()
	rec.createdAt = mockapi.Now()
	m.records = append(m.records, rec)
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlmId": rec.id, "message": MessageCreated})
}

// update answers PUT /ai/llm/{id}: only the fields present change, key may be cleared with null,
// and the workspace can never change.
func (m *Mock) update(w http.ResponseWriter, id string, body []byte) {
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		m.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	if _, ok := obj["workspaceId"]; ok {
		m.WriteError(w, http.StatusBadRequest, MessageWorkspaceImmutable)
		return
	}
	var problems []string
	check := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	var name, aiType, endpoint, secret string
	// The client's UpdateAiLlmRequest allows null in endpoint, key and secret: null clears key
	// and leaves endpoint and secret, which a record cannot lack, unchanged (INF). name and
	// aiType are not nullable there, so a null in them is refused.
	_, hasName := obj["name"]
	_, hasAIType := obj["aiType"]
	hasEndpoint := present(obj, "endpoint")
	_, hasKey := obj["key"]
	hasSecret := present(obj, "secret")
	apiKeyID, err := apiKeyUUID(obj)
	check(err)
	if hasName {
		check(requiredString(obj, "name", true, &name))
	}
	if hasAIType {
		check(requiredString(obj, "aiType", true, &aiType))
		if aiType != "" {
			check(checkAIType(aiType))
		}
	}
	if hasEndpoint {
		check(requiredString(obj, "endpoint", true, &endpoint))
		if endpoint != "" {
			check(checkEndpoint(endpoint))
		}
	}
	key, err := nullableString(obj, "key")
	check(err)
	if hasSecret {
		check(requiredString(obj, "secret", false, &secret))
	}
	if len(problems) > 0 {
		m.WriteError(w, http.StatusBadRequest, "Validation error: "+strings.Join(problems, "; "))
		return
	}

	m.mu.Lock()
	rec := m.find(id)
	if rec == nil {
		m.mu.Unlock()
		m.WriteError(w, http.StatusNotFound, MessageNotFound)
		return
	}
	if hasName && m.nameTaken(rec.workspaceID, name, rec.id) {
		m.mu.Unlock()
		m.WriteError(w, http.StatusBadRequest, clashMessage(name))
		return
	}
	if hasName {
		rec.name = name
	}
	if hasAIType {
		rec.aiType = aiType
	}
	if hasEndpoint {
		rec.endpoint = endpoint
	}
	if hasKey {
		rec.key = key
	}
	if hasSecret {
		rec.secret = secret
	}
	if apiKeyID != nil {
		rec.apiKeyID = apiKeyID
	}
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "aiLlmId": id, "message": MessageUpdated})
}

// delete answers DELETE /ai/llm/{id}.
func (m *Mock) delete(w http.ResponseWriter, id string) {
	m.mu.Lock()
	i := slices.IndexFunc(m.records, func(rec *record) bool { return rec.id == id })
	if i < 0 {
		m.mu.Unlock()
		m.WriteError(w, http.StatusNotFound, MessageNotFound)
		return
	}
	if repos := m.records[i].repos; len(repos) > 0 {
		m.mu.Unlock()
		m.WriteError(w, http.StatusForbidden, inUseMessage(repos))
		return
	}
	m.records = slices.Delete(m.records, i, i+1)
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "message": MessageDeleted})
}

// validate answers POST /ai/llm/{id}/validate. The fake cannot reach the model provider, so
// every existing configuration validates.
func (m *Mock) validate(w http.ResponseWriter, id string) {
	m.mu.Lock()
	rec := m.find(id)
	var invalid bool
	var message string
	if rec != nil {
		invalid, message = rec.invalid, rec.invalidMessage
	}
	m.mu.Unlock()
	if rec == nil {
		m.WriteError(w, http.StatusNotFound, MessageNotFound)
		return
	}
	if invalid {
		// The request worked and its result is "invalid": a 200 with success false (INF).
		mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": false, "message": message})
		return
	}
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "message": MessageValidated})
}

// stats answers GET /ai/llm/stats[?aiLlmId=]: one entry per configuration (or for the one
// named), every counter a decimal string as the client's type has them. The fake serves no
// traffic, so every counter is "0"; an unknown aiLlmId gives an empty list (INF).
func (m *Mock) stats(w http.ResponseWriter, r *http.Request) {
	only := r.URL.Query().Get("aiLlmId")
	m.mu.Lock()
	out := []map[string]string{}
	for _, rec := range m.records {
		if only != "" && rec.id != only {
			continue
		}
		entry := map[string]string{"aiLlmId": rec.id}
		for _, k := range StatsCounters {
			entry[k] = "0"
		}
		out = append(out, entry)
	}
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{"success": true, "stats": out})
}

// StatsCounters are the counters of an AiLlmStatsResponse entry.
var StatsCounters = []string{
	"totalApiCalls", "totalTokensIn", "totalTokensOut", "totalLlmTokensIn", "totalLlmTokensOut",
	"totalPolicyViolations", "totalAlerts", "totalBlocks",
}

// Repo is a repository attached to a configuration, as AiLlmDTO.repos lists it.
type Repo = repoDTO

// AttachRepo makes a repository named name use the configuration, so its delete is refused
// until DetachRepos; the answer is the repository as the DTO lists it.
func (m *Mock) AttachRepo(aiLlmID, name string) (Repo, error) {
	if strings.TrimSpace(name) == "" {
		return Repo{}, fmt.Errorf("a repository needs a name")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := m.find(aiLlmID)
	if rec == nil {
		return Repo{}, fmt.Errorf("no AI LLM configuration has id %q", aiLlmID)
	}
	repo := Repo{ID: mockapi.NewUUID(), Name: name, CreatedAt: mockapi.Now()}
	rec.repos = append(rec.repos, repo)
	return repo, nil
}

// DetachRepos removes every repository from the configuration.
func (m *Mock) DetachRepos(aiLlmID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := m.find(aiLlmID)
	if rec == nil {
		return fmt.Errorf("no AI LLM configuration has id %q", aiLlmID)
	}
	rec.repos = nil
	return nil
}

// SetValidation chooses what POST /ai/llm/{id}/validate answers for the configuration: success
// (the default), or success false with message.
func (m *Mock) SetValidation(aiLlmID string, valid bool, message string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := m.find(aiLlmID)
	if rec == nil {
		return fmt.Errorf("no AI LLM configuration has id %q", aiLlmID)
	}
	if !valid && message == "" {
		message = "AI LLM configuration validation failed: the provider rejected the credentials"
	}
	rec.invalid, rec.invalidMessage = !valid, message
	return nil
}

// inUseMessage names the repositories that keep a configuration from being deleted.
func inUseMessage(repos []repoDTO) string {
	names := make([]string, len(repos))
	for i, r := range repos {
		names[i] = r.Name
	}
	noun := "repositories"
	if len(repos) == 1 {
		noun = "repository"
	}
	return fmt.Sprintf("%s %d %s (%s): remove it from them before deleting it", MessageInUsePrefix, len(repos), noun, strings.Join(names, ", "))
}

// present reports whether the field was sent with a value other than null.
func present(obj map[string]json.RawMessage, field string) bool {
	raw, ok := obj[field]
	return ok && !mockapi.IsNull(raw)
}

// apiKeyUUID reads the optional apiKeyUuid: a UUID string; null means omitted.
func apiKeyUUID(obj map[string]json.RawMessage) (*string, error) {
	if !present(obj, "apiKeyUuid") {
		return nil, nil
	}
	var s string
	if json.Unmarshal(obj["apiKeyUuid"], &s) != nil || !mockapi.IsUUID(s) {
		return nil, fmt.Errorf("apiKeyUuid must be a UUID")
	}
	return &s, nil
}

// find returns the record with the id; the caller holds m.mu.
func (m *Mock) find(id string) *record {
	for _, rec := range m.records {
		if rec.id == id {
			return rec
		}
	}
	return nil
}

// nameTaken reports whether another record of the workspace has exactly this name; the caller
// holds m.mu. The same name in another workspace is allowed.
func (m *Mock) nameTaken(workspaceID, name, exceptID string) bool {
	for _, rec := range m.records {
		if rec.workspaceID == workspaceID && rec.name == name && rec.id != exceptID {
			return true
		}
	}
	return false
}

func clashMessage(name string) string {
	return fmt.Sprintf("An AI LLM configuration named %q already exists in this workspace", name)
}

// requiredString reads a field that must be present and a JSON string (non-empty when
// nonEmpty). Messages never quote the value, because the field may be a secret.
func requiredString(obj map[string]json.RawMessage, field string, nonEmpty bool, out *string) error {
	raw, ok := obj[field]
	if !ok || mockapi.IsNull(raw) {
		return fmt.Errorf("%s is required", field)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return fmt.Errorf("%s must be a string", field)
	}
	if nonEmpty && strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s must not be empty", field)
	}
	*out = s
	return nil
}

// nullableString reads an optional field that is a JSON string or null; absent and null both
// return nil.
func nullableString(obj map[string]json.RawMessage, field string) (*string, error) {
	raw, ok := obj[field]
	if !ok || mockapi.IsNull(raw) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s must be a string or null", field)
	}
	return &s, nil
}

func checkAIType(v string) error {
	if !slices.Contains(AITypes, v) {
		return fmt.Errorf("aiType must be one of %s, got %q", strings.Join(AITypes, ", "), v)
	}
	return nil
}

func checkEndpoint(v string) error {
	u, err := url.Parse(v)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("endpoint must be an absolute http or https URL, got %q", v)
	}
	return nil
}
