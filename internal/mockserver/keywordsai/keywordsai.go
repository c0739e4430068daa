// Package keywordsai is the in-memory fake of the keywordsai (Keywords AI, now Respan) custom
// provider API: a Django REST Framework service under /api/providers/ whose paths all end in a
// slash, whose records are keyed by the user-chosen provider_id, and whose create is an upsert.
//
// It serves two API generations (SetModes). v1, the default, is Keywords AI's and respan-api
// 0.1.29's: a bare-array list, the credential as a top-level api_key, extra_kwargs never
// answered. v2 is the newer Respan generation (respan-python-api 0.1.4x): a paged list
// {count, next, previous, current_filters, results}, the credential under extra_kwargs.api_key
// (a top-level api_key is silently ignored, as DRF ignores a field its serializer no longer
// has), PUT requiring provider_name, and extra_kwargs answered with the stored credentials.
package keywordsai

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// Paths and limits of the fake.
const (
	collectionPath = "/api/providers/"
	// maxNameLength is the column size a DRF CharField for provider_name would carry.
	maxNameLength = 255
)

// ManagedProviderID is the provider the platform itself owns; the fake starts with it so the
// 403 answers to changing or deleting a managed provider can be exercised.
const (
	ManagedProviderID   = "respan-managed-openai"
	ManagedProviderName = "Respan managed OpenAI"
	managedCreatedAt    = "2024-01-01T00:00:00.000Z"
)

// Messages the platform answers with, word for word where the docs show them.
const (
	msgNotFound         = "Not found."
	msgRequired         = "This field is required."
	msgNotNull          = "This field may not be null."
	msgNotBlank         = "This field may not be blank."
	msgNotString        = "Not a valid string."
	msgPattern          = "This value does not match the required pattern."
	msgReadOnly         = "This field is read-only."
	msgManagedDelete    = "Cannot delete managed provider. This provider is managed by Respan and cannot be deleted."
	msgManagedNoChanges = "Managed providers cannot be modified."
)

// providerIDPattern is the shape of a user-chosen provider_id: it is used in URL paths, so it
// holds no slash, and it starts with a letter or digit.
var providerIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// provider is one stored record. APIKey and ExtraKwargs are write-only: kept, never answered.
type provider struct {
	ProviderID  string
	Name        string
	APIKey      string
	ExtraKwargs map[string]any
	Managed     bool
	CreatedAt   string
	UpdatedAt   *string
}

// view is the provider as the API answers it: never the top-level api_key, and extra_kwargs as
// the mode says (ExtraKwargsNone leaves the field out).
func (p *provider) view(extraMode string) map[string]any {
	var updated any
	if p.UpdatedAt != nil {
		updated = *p.UpdatedAt
	}
	v := map[string]any{
		"id":            p.ProviderID,
		"provider_id":   p.ProviderID,
		"provider_name": p.Name,
		"is_managed":    p.Managed,
		"created_at":    p.CreatedAt,
		"updated_at":    updated,
	}
	switch extraMode {
	case ExtraKwargsFull:
		v["extra_kwargs"] = orEmpty(maps.Clone(p.ExtraKwargs))
	case ExtraKwargsPartial:
		kept := map[string]any{}
		for key, value := range p.ExtraKwargs {
			if !secretKeyPattern.MatchString(key) {
				kept[key] = value
			}
		}
		v["extra_kwargs"] = kept
	}
	return v
}

// orEmpty answers a provider without extra_kwargs with {} rather than null.
func orEmpty(kwargs map[string]any) map[string]any {
	if kwargs == nil {
		return map[string]any{}
	}
	return kwargs
}

// API generations and the ways answers carry extra_kwargs.
const (
	GenerationV1 = "v1"
	GenerationV2 = "v2"
	// ExtraKwargsNone never answers extra_kwargs (the older docs: write-only).
	ExtraKwargsNone = "none"
	// ExtraKwargsPartial answers extra_kwargs without its secret keys (respan-api 0.1.29:
	// "Secret values are not returned here").
	ExtraKwargsPartial = "partial"
	// ExtraKwargsFull answers extra_kwargs as stored, credentials included (respan-api 0.1.4x:
	// "The current backend returns this object, including credentials it contains").
	ExtraKwargsFull = "full"
)

// Paging of the v2 list. DRF's PageNumberPagination with a page_size query parameter; the
// default size is INF.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// secretKeyPattern names the extra_kwargs keys the partial answer leaves out.
var secretKeyPattern = regexp.MustCompile(`(?i)(key|secret|token|password|credential)`)

// CheckModes reports whether generation and extraKwargs are valid SetModes arguments.
func CheckModes(generation, extraKwargs string) error {
	switch generation {
	case "", GenerationV1, GenerationV2:
	default:
		return fmt.Errorf("keywordsai generation must be %s or %s, got %q", GenerationV1, GenerationV2, generation)
	}
	switch extraKwargs {
	case "", ExtraKwargsNone, ExtraKwargsPartial, ExtraKwargsFull:
	default:
		return fmt.Errorf("keywordsai extra_kwargs mode must be %s, %s or %s, got %q", ExtraKwargsNone, ExtraKwargsPartial, ExtraKwargsFull, extraKwargs)
	}
	return nil
}

// SetModes switches the API generation (empty means v1) and how answers carry extra_kwargs
// (empty means the generation's default: none on v1, full on v2). Stored data stays.
func (m *Mock) SetModes(generation, extraKwargs string) error {
	if err := CheckModes(generation, extraKwargs); err != nil {
		return err
	}
	if generation == "" {
		generation = GenerationV1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.generation, m.extraKwargs = generation, extraKwargs
	return nil
}

// Modes returns the generation and the extra_kwargs mode in force, defaults filled in.
func (m *Mock) Modes() (generation, extraKwargs string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.generation, m.extraMode()
}

// extraMode is the extra_kwargs mode in force; the caller holds m.mu.
func (m *Mock) extraMode() string {
	switch {
	case m.extraKwargs != "":
		return m.extraKwargs
	case m.generation == GenerationV2:
		return ExtraKwargsFull
	default:
		return ExtraKwargsNone
	}
}

// StoredAPIKey returns the credential the platform would call the provider with: the
// top-level api_key on v1, extra_kwargs.api_key on v2. Tests use it to prove a key was not
// lost; nothing else should print it.
func (m *Mock) StoredAPIKey(providerID string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.providers[providerID]
	if !ok {
		return "", false
	}
	if m.generation == GenerationV2 {
		key, ok := p.ExtraKwargs["api_key"].(string)
		return key, ok && key != ""
	}
	return p.APIKey, p.APIKey != ""
}

// StoredExtraKwargs returns a copy of a provider's stored extra_kwargs, secrets included.
func (m *Mock) StoredExtraKwargs(providerID string) (map[string]any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.providers[providerID]
	if !ok {
		return nil, false
	}
	return maps.Clone(p.ExtraKwargs), true
}

// Mock is the keywordsai fake. It is safe for concurrent use.
type Mock struct {
	mu sync.Mutex
	// generation and extraKwargs are the modes; see SetModes.
	generation  string
	extraKwargs string
	providers   map[string]*provider
	// order keeps creation order for the list.
	order []string
}

// New returns a fake holding only the managed provider.
func New() *Mock {
	m := &Mock{generation: GenerationV1}
	m.Reset()
	return m
}

// Name is the platform name.
func (m *Mock) Name() string { return "keywordsai" }

// Match claims /api/providers with or without a trailing slash, so that a path missing its slash
// gets the platform's own 404 rather than the core's.
func (m *Mock) Match(path string) bool {
	return path == strings.TrimSuffix(collectionPath, "/") || strings.HasPrefix(path, collectionPath)
}

// WriteError answers in DRF's {"detail": ...} envelope.
func (m *Mock) WriteError(w http.ResponseWriter, status int, message string) {
	if status == http.StatusUnauthorized {
		// DRF's token authentication names its scheme in the challenge.
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
	}
	mockapi.WriteJSON(w, status, map[string]string{"detail": message})
}

// Reset drops every custom provider and restores the managed one.
func (m *Mock) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.providers = map[string]*provider{
		ManagedProviderID: {
			ProviderID: ManagedProviderID,
			Name:       ManagedProviderName,
			Managed:    true,
			CreatedAt:  managedCreatedAt,
		},
	}
	m.order = []string{ManagedProviderID}
}

// Handle routes an authenticated request.
func (m *Mock) Handle(w http.ResponseWriter, r *http.Request, body []byte) {
	path := r.URL.Path
	switch {
	case path == collectionPath:
		switch r.Method {
		case http.MethodGet:
			m.list(w, r)
		case http.MethodPost:
			m.create(w, body)
		default:
			methodNotAllowed(w, r.Method, "GET, POST")
		}
		return
	case strings.HasPrefix(path, collectionPath) && strings.HasSuffix(path, "/"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, collectionPath), "/")
		if id == "" || strings.Contains(id, "/") {
			break
		}
		switch r.Method {
		case http.MethodGet:
			m.get(w, id)
		case http.MethodPatch, http.MethodPut:
			// On v1, DRF's non-partial update only sets the fields it was given when none is
			// required, and the docs list every PUT field as optional, so PUT behaves as PATCH.
			// On v2, PUT requires provider_name.
			m.update(w, id, body, r.Method == http.MethodPut)
		case http.MethodDelete:
			m.delete(w, id)
		default:
			methodNotAllowed(w, r.Method, "GET, PUT, PATCH, DELETE")
		}
		return
	}
	// Django resolves no route for a path without its trailing slash.
	m.WriteError(w, http.StatusNotFound, msgNotFound)
}

func methodNotAllowed(w http.ResponseWriter, method, allow string) {
	w.Header().Set("Allow", allow)
	mockapi.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": fmt.Sprintf("Method %q not allowed.", method)})
}

func (m *Mock) list(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	out := make([]map[string]any, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, m.providers[id].view(m.extraMode()))
	}
	generation := m.generation
	m.mu.Unlock()
	if generation != GenerationV2 {
		mockapi.WriteJSON(w, http.StatusOK, out)
		return
	}
	m.writePage(w, r, out)
}

// writePage answers the v2 list: DRF's PageNumberPagination, with absolute next and previous
// links and the filters in force (none: the endpoint has no filter parameters).
func (m *Mock) writePage(w http.ResponseWriter, r *http.Request, all []map[string]any) {
	q := r.URL.Query()
	page, size := 1, DefaultPageSize
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err == nil && n > 0 {
			size = min(n, MaxPageSize)
		}
	}
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			m.WriteError(w, http.StatusNotFound, "Invalid page.")
			return
		}
		page = n
	}
	pages := max(1, (len(all)+size-1)/size)
	if page > pages {
		m.WriteError(w, http.StatusNotFound, "Invalid page.")
		return
	}
	link := func(n int) any {
		if n < 1 || n > pages {
			return nil
		}
		u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
		v := url.Values{}
		v.Set("page", strconv.Itoa(n))
		if q.Get("page_size") != "" {
			v.Set("page_size", strconv.Itoa(size))
		}
		u.RawQuery = v.Encode()
		return u.String()
	}
	start := (page - 1) * size
	results := all[start:min(start+size, len(all))]
	mockapi.WriteJSON(w, http.StatusOK, map[string]any{
		"count": len(all), "next": link(page + 1), "previous": link(page - 1),
		"current_filters": map[string]any{}, "results": results,
	})
}

// generationNow is the generation in force.
func (m *Mock) generationNow() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.generation
}

// ignoreRetiredFields drops the top-level api_key on v2: the newer serializer has no such
// field, and DRF ignores fields a serializer does not declare, so the request succeeds and the
// key is lost. Clients must send it as extra_kwargs.api_key.
func ignoreRetiredFields(obj map[string]json.RawMessage, generation string) {
	if generation == GenerationV2 {
		delete(obj, "api_key")
	}
}

func (m *Mock) get(w http.ResponseWriter, id string) {
	m.mu.Lock()
	p, ok := m.providers[id]
	var view map[string]any
	if ok {
		view = p.view(m.extraMode())
	}
	m.mu.Unlock()
	if !ok {
		m.WriteError(w, http.StatusNotFound, msgNotFound)
		return
	}
	mockapi.WriteJSON(w, http.StatusOK, view)
}

// create is the documented upsert: a new provider_id answers 201, an existing one is updated in
// place with the fields sent and answers 200.
func (m *Mock) create(w http.ResponseWriter, body []byte) {
	obj, problem := parseBody(body)
	if problem != nil {
		mockapi.WriteJSON(w, http.StatusBadRequest, problem)
		return
	}
	ignoreRetiredFields(obj, m.generationNow())
	f, errs := validate(obj, true)
	if len(errs) > 0 {
		mockapi.WriteJSON(w, http.StatusBadRequest, errs)
		return
	}
	m.mu.Lock()
	if existing, found := m.providers[*f.ProviderID]; found {
		if existing.Managed {
			m.mu.Unlock()
			m.WriteError(w, http.StatusForbidden, msgManagedNoChanges)
			return
		}
		f.apply(existing)
		view := existing.view(m.extraMode())
		m.mu.Unlock()
		mockapi.WriteJSON(w, http.StatusOK, view)
		return
	}
	p := &provider{ProviderID: *f.ProviderID, Name: *f.Name, CreatedAt: mockapi.Now()}
	if f.APIKey != nil {
		p.APIKey = *f.APIKey
	}
	if f.HasExtra {
		p.ExtraKwargs = f.ExtraKwargs
	}
	m.providers[p.ProviderID] = p
	m.order = append(m.order, p.ProviderID)
	view := p.view(m.extraMode())
	m.mu.Unlock()
	mockapi.WriteJSON(w, http.StatusCreated, view)
}

// update serves PATCH and PUT. Like DRF, it finds the object (404) and checks the permission (403)
// before it reports what is wrong with the body (400).
func (m *Mock) update(w http.ResponseWriter, id string, body []byte, replace bool) {
	obj, problem := parseBody(body)
	var f fields
	if problem == nil {
		var errs fieldErrors
		generation := m.generationNow()
		ignoreRetiredFields(obj, generation)
		f, errs = validate(obj, false)
		if _, sent := obj["provider_name"]; replace && generation == GenerationV2 && !sent {
			errs.add("provider_name", msgRequired)
		}
		// provider_id is read-only: repeating the current value is harmless, changing it is refused.
		if raw, sent := obj["provider_id"]; sent {
			var same string
			if json.Unmarshal(raw, &same) != nil || same != id {
				errs["provider_id"] = []string{msgReadOnly}
			}
		}
		if len(errs) > 0 {
			problem = errs
		}
	}

	m.mu.Lock()
	p, found := m.providers[id]
	switch {
	case !found:
		m.mu.Unlock()
		m.WriteError(w, http.StatusNotFound, msgNotFound)
	case p.Managed:
		m.mu.Unlock()
		m.WriteError(w, http.StatusForbidden, msgManagedNoChanges)
	case problem != nil:
		m.mu.Unlock()
		mockapi.WriteJSON(w, http.StatusBadRequest, problem)
	default:
		f.apply(p)
		view := p.view(m.extraMode())
		m.mu.Unlock()
		mockapi.WriteJSON(w, http.StatusOK, view)
	}
}

func (m *Mock) delete(w http.ResponseWriter, id string) {
	m.mu.Lock()
	p, found := m.providers[id]
	if !found {
		m.mu.Unlock()
		m.WriteError(w, http.StatusNotFound, msgNotFound)
		return
	}
	if p.Managed {
		m.mu.Unlock()
		mockapi.WriteJSON(w, http.StatusForbidden, map[string]string{"error": msgManagedDelete})
		return
	}
	delete(m.providers, id)
	m.order = removeID(m.order, id)
	m.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func removeID(order []string, id string) []string {
	out := order[:0]
	for _, v := range order {
		if v != id {
			out = append(out, v)
		}
	}
	return out
}
