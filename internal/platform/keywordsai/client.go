// Package keywordsai is the client of the keywordsai platform (Keywords AI, now Respan): custom
// providers under /api/providers/, a Django REST Framework API whose paths end in a slash, whose
// records are keyed by the user-chosen provider_id, and whose create is an upsert by provider_id.
package keywordsai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// collectionPath is the provider collection; every path keeps its trailing slash, which Django needs.
const collectionPath = "/api/providers/"

// baseURLKey is where the base URL lives inside extra_kwargs.
const baseURLKey = "base_url"

// maxListPages bounds how many pages List follows, so a server that keeps answering a next link
// cannot keep it busy forever.
const maxListPages = 1000

// Client talks to the keywordsai custom provider API.
type Client struct {
	http *platform.HTTP
}

var _ platform.Client = (*Client)(nil)

// New builds a client; the platform name in cfg is forced to keywordsai.
func New(cfg platform.HTTPConfig) (*Client, error) {
	cfg.Platform = platform.KeywordsAI
	h, err := platform.NewHTTP(cfg, DecodeErrorBody)
	if err != nil {
		return nil, err
	}
	return &Client{http: h}, nil
}

// Platform names the platform.
func (c *Client) Platform() platform.Name { return platform.KeywordsAI }

// itemPath is the path of one provider. The id is the provider_id, which names a URL path segment,
// so one that cannot be a segment is refused before any request.
func itemPath(id string) (string, error) {
	if id == "" || id == "." || id == ".." || strings.Contains(id, "/") {
		return "", fmt.Errorf("keywordsai: %q is not a valid provider_id: it must be a non-empty name without a slash", id)
	}
	return collectionPath + url.PathEscape(id) + "/", nil
}

// Create creates the provider. The platform's create is an upsert that would silently take over a
// provider_id that already exists, so the client first looks the provider_id up and refuses to
// create over an existing record: the user should import it instead.
func (c *Client) Create(ctx context.Context, r platform.Record) (platform.Record, error) {
	body, err := CreateBody(r)
	if err != nil {
		return platform.Record{}, err
	}
	if _, found, err := c.FindExisting(ctx, r); err != nil {
		return platform.Record{}, err
	} else if found {
		return platform.Record{}, &platform.APIError{
			Platform: platform.KeywordsAI,
			Kind:     platform.KindConflict,
			Status:   http.StatusConflict,
			Message:  fmt.Sprintf("provider_id %q already exists on keywordsai; import it instead of creating it", r.ProviderID),
			Method:   http.MethodPost,
			Path:     collectionPath,
		}
	}
	req := platform.Request{
		Method:        http.MethodPost,
		Path:          collectionPath,
		Body:          body,
		Secrets:       platform.SecretsOf(r),
		NotIdempotent: true,
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	rec, err := c.decodeRecord(req, resp)
	if err != nil {
		return platform.Record{}, err
	}
	if resp.Status != http.StatusCreated {
		// A 200 means the upsert updated a provider that someone created between the lookup and
		// the create: it now holds this configuration, but it was not ours to take over.
		return rec, &platform.APIError{
			Platform: platform.KeywordsAI,
			Kind:     platform.KindConflict,
			Status:   resp.Status,
			Message: fmt.Sprintf("provider_id %q was created by someone else while this create was in flight, and keywordsai's create overwrote it (HTTP %d instead of 201); check that record and import it",
				r.ProviderID, resp.Status),
			Method: req.Method,
			Path:   req.Path,
		}
	}
	return rec, nil
}

// Get reads one provider by its id (the provider_id).
func (c *Client) Get(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	path, err := itemPath(ref.ID)
	if err != nil {
		return platform.Record{}, err
	}
	req := platform.Request{Method: http.MethodGet, Path: path}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	return c.decodeRecord(req, resp)
}

// List returns every provider the token can see. The documented answer is a bare array; a DRF page
// wrapper is followed through its next links in case the platform starts paginating.
func (c *Client) List(ctx context.Context, _ platform.ListOptions) ([]platform.Record, error) {
	var all []platform.Record
	seen := map[string]bool{}
	query := url.Values(nil)
	for range maxListPages {
		req := platform.Request{Method: http.MethodGet, Path: collectionPath, Query: query}
		resp, err := c.http.Do(ctx, req)
		if err != nil {
			return nil, err
		}
		records, next, err := decodePage(resp.Body)
		if err != nil {
			return nil, &platform.DecodeError{Platform: platform.KeywordsAI, Method: req.Method, Path: req.Path, Err: err}
		}
		all = append(all, records...)
		if next == "" {
			return all, nil
		}
		nextURL, err := url.Parse(next)
		if err != nil || seen[nextURL.RawQuery] || nextURL.RawQuery == "" {
			return nil, &platform.DecodeError{Platform: platform.KeywordsAI, Method: req.Method, Path: req.Path,
				Err: fmt.Errorf("the page's next link %q cannot be followed", next)}
		}
		seen[nextURL.RawQuery] = true
		query = nextURL.Query()
	}
	return nil, fmt.Errorf("keywordsai: the provider list has more than %d pages", maxListPages)
}

// Update sends one PATCH holding exactly UpdateBody(p); an empty patch reads the record instead.
func (c *Client) Update(ctx context.Context, ref platform.Ref, p platform.Patch) (platform.Record, error) {
	body, err := UpdateBody(p)
	if err != nil {
		return platform.Record{}, err
	}
	if len(body) == 0 {
		return c.Get(ctx, ref)
	}
	path, err := itemPath(ref.ID)
	if err != nil {
		return platform.Record{}, err
	}
	req := platform.Request{Method: http.MethodPatch, Path: path, Body: body, Secrets: platform.SecretsOf(p.Values)}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	return c.decodeRecord(req, resp)
}

// Delete removes the provider; one already gone is not an error. A managed provider answers 403,
// returned as a permission error carrying the platform's message.
func (c *Client) Delete(ctx context.Context, ref platform.Ref) error {
	path, err := itemPath(ref.ID)
	if err != nil {
		return err
	}
	_, err = c.http.Do(ctx, platform.Request{Method: http.MethodDelete, Path: path})
	if platform.IsNotFound(err) {
		return nil
	}
	return err
}

// FindExisting looks the provider up by provider_id, the platform's unique key.
func (c *Client) FindExisting(ctx context.Context, r platform.Record) (platform.Record, bool, error) {
	if r.ProviderID == "" {
		return platform.Record{}, false, errors.New("keywordsai: provider_id is required to look a provider up")
	}
	rec, err := c.Get(ctx, platform.Ref{ID: r.ProviderID})
	if platform.IsNotFound(err) {
		return platform.Record{}, false, nil
	}
	if err != nil {
		return platform.Record{}, false, err
	}
	return rec, true, nil
}

func (c *Client) decodeRecord(req platform.Request, resp platform.Response) (platform.Record, error) {
	rec, err := DecodeRecord(resp.Body)
	if err != nil {
		return platform.Record{}, &platform.DecodeError{Platform: platform.KeywordsAI, Method: req.Method, Path: req.Path, Err: err}
	}
	return rec, nil
}

// unsupportedFields lists the attributes keywordsai has no field for, in documentation order.
func unsupportedFields(r platform.Record) []platform.Field {
	set := map[platform.Field]bool{
		platform.FieldModelProvider:         r.ModelProvider != "",
		platform.FieldEnabled:               r.Enabled != nil,
		platform.FieldSecret:                r.Secret != "",
		platform.FieldCredentials:           len(r.Credentials) > 0,
		platform.FieldWorkspaceID:           r.WorkspaceID != "",
		platform.FieldAuthType:              r.AuthType != "",
		platform.FieldConnectionID:          r.ConnectionID != "",
		platform.FieldCatalogID:             r.CatalogID != "",
		platform.FieldSettings:              len(r.Settings) > 0,
		platform.FieldRequestTimeoutSecs:    r.RequestTimeoutSecs != nil,
		platform.FieldStreamIdleTimeoutSecs: r.StreamIdleTimeoutSecs != nil,
	}
	var out []platform.Field
	for _, f := range platform.AllFields {
		if set[f] {
			out = append(out, f)
		}
	}
	return out
}

func unsupportedError(fs []platform.Field) error {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	return fmt.Errorf("keywordsai has no %s: it supports only %s", strings.Join(names, ", "), platform.Specs[platform.KeywordsAI].SupportedList())
}

// extraKwargs is the wire extra_kwargs: the configured object with base_url set on top. Setting
// base_url both ways is refused, since one would silently win over the other.
func extraKwargs(r platform.Record) (map[string]any, error) {
	if _, clash := r.ExtraKwargs[baseURLKey]; clash && r.BaseURL != "" {
		return nil, fmt.Errorf("keywordsai: base_url is set both as base_url and inside extra_kwargs; set it in one place only")
	}
	var extra map[string]any
	if r.BaseURL != "" {
		extra = map[string]any{baseURLKey: r.BaseURL}
	}
	return platform.MergedObject(r.ExtraKwargs, extra), nil
}

// CreateBody maps a record to the wire body of POST /api/providers/.
func CreateBody(r platform.Record) (map[string]any, error) {
	if fs := unsupportedFields(r); len(fs) > 0 {
		return nil, unsupportedError(fs)
	}
	if r.ProviderID == "" {
		return nil, errors.New("keywordsai: provider_id is required to create a provider")
	}
	if r.Name == "" {
		return nil, errors.New("keywordsai: name (provider_name) is required to create a provider")
	}
	body := map[string]any{"provider_id": r.ProviderID, "provider_name": r.Name}
	if r.APIKey != "" {
		body["api_key"] = r.APIKey
	}
	if r.BaseURL != "" || len(r.ExtraKwargs) > 0 {
		extra, err := extraKwargs(r)
		if err != nil {
			return nil, err
		}
		body["extra_kwargs"] = extra
	}
	return body, nil
}

// UpdateBody maps a patch to the wire body of PATCH /api/providers/{id}/: exactly the fields it
// touches. extra_kwargs is replaced whole by the platform, so a change of base_url or extra_kwargs
// sends the full merged object ({} when both were cleared). A cleared api_key is sent as "".
func UpdateBody(p platform.Patch) (map[string]any, error) {
	spec := platform.Specs[platform.KeywordsAI]
	var unsupported []platform.Field
	for _, f := range p.Fields {
		if !spec.Supports(f) {
			unsupported = append(unsupported, f)
		}
	}
	if len(unsupported) > 0 {
		return nil, unsupportedError(unsupported)
	}
	if p.Has(platform.FieldProviderID) {
		return nil, errors.New("keywordsai: provider_id is read-only after create: changing it needs a new provider (replace)")
	}
	body := map[string]any{}
	if p.Has(platform.FieldName) {
		if p.Values.Name == "" {
			return nil, errors.New("keywordsai: name (provider_name) cannot be cleared")
		}
		body["provider_name"] = p.Values.Name
	}
	if p.Has(platform.FieldAPIKey) {
		body["api_key"] = p.Values.APIKey
	}
	if p.HasAny(platform.FieldExtraKwargs, platform.FieldBaseURL) {
		extra, err := extraKwargs(p.Values)
		if err != nil {
			return nil, err
		}
		body["extra_kwargs"] = extra
	}
	return body, nil
}

// wireProvider is a provider object as the platform answers it. api_key is never read back.
type wireProvider struct {
	ID           json.RawMessage `json:"id"`
	ProviderID   *string         `json:"provider_id"`
	ProviderName *string         `json:"provider_name"`
	IsManaged    *bool           `json:"is_managed"`
	CreatedAt    *string         `json:"created_at"`
	UpdatedAt    *string         `json:"updated_at"`
	ExtraKwargs  json.RawMessage `json:"extra_kwargs"`
}

// DecodeRecord reads one provider object. Unknown fields are ignored; a body that is not an object,
// a field of the wrong type, or an object without any id is an error.
func DecodeRecord(body []byte) (platform.Record, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return platform.Record{}, errors.New("expected a provider object")
	}
	var w wireProvider
	if err := json.Unmarshal(trimmed, &w); err != nil {
		return platform.Record{}, err
	}
	return w.record()
}

func (w wireProvider) record() (platform.Record, error) {
	id, err := decodeID(w.ID)
	if err != nil {
		return platform.Record{}, err
	}
	r := platform.Record{ID: id}
	if w.ProviderID != nil {
		r.ProviderID = *w.ProviderID
	}
	if r.ID == "" {
		// The id has always equalled provider_id; a response without it still names the record.
		r.ID = r.ProviderID
	}
	if r.ID == "" {
		return platform.Record{}, errors.New("the provider object has neither id nor provider_id")
	}
	if w.ProviderName != nil {
		r.Name = *w.ProviderName
	}
	if w.IsManaged != nil {
		r.Managed = *w.IsManaged
	}
	if w.CreatedAt != nil {
		r.CreatedAt = *w.CreatedAt
	}
	if w.UpdatedAt != nil {
		r.UpdatedAt = *w.UpdatedAt
	}
	if len(w.ExtraKwargs) > 0 && string(w.ExtraKwargs) != "null" {
		var extra map[string]any
		if err := json.Unmarshal(w.ExtraKwargs, &extra); err != nil {
			return platform.Record{}, fmt.Errorf("extra_kwargs: %w", err)
		}
		// A non-string base_url is left in extra_kwargs, so the unexpected value shows as drift.
		if s, ok := extra[baseURLKey].(string); ok {
			r.BaseURL = s
			delete(extra, baseURLKey)
		}
		if len(extra) > 0 {
			r.ExtraKwargs = extra
		}
	}
	return r, nil
}

// decodeID accepts the documented string id and, from the older docs' integer pk, a number.
func decodeID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if _, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return n.String(), nil
		}
	}
	return "", fmt.Errorf("id: expected a string or an integer, got %s", truncate(string(raw), 40))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// DecodeList reads the provider list: the documented bare array, or one DRF page
// {count, next, previous, results}.
func DecodeList(body []byte) ([]platform.Record, error) {
	records, _, err := decodePage(body)
	return records, err
}

// decodePage reads one list answer and the next page's link, empty for a bare array or the last page.
func decodePage(body []byte) ([]platform.Record, string, error) {
	trimmed := bytes.TrimSpace(body)
	var items []wireProvider
	next := ""
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &items); err != nil {
			return nil, "", err
		}
	case len(trimmed) > 0 && trimmed[0] == '{':
		var page struct {
			Results *[]wireProvider `json:"results"`
			Next    *string         `json:"next"`
		}
		if err := json.Unmarshal(trimmed, &page); err != nil {
			return nil, "", err
		}
		if page.Results == nil {
			return nil, "", errors.New("expected an array of providers or a page with results")
		}
		items = *page.Results
		if page.Next != nil {
			next = *page.Next
		}
	default:
		return nil, "", errors.New("expected an array of providers")
	}
	out := make([]platform.Record, 0, len(items))
	for i, w := range items {
		r, err := w.record()
		if err != nil {
			return nil, "", fmt.Errorf("provider %d: %w", i, err)
		}
		out = append(out, r)
	}
	return out, next, nil
}

// DecodeErrorBody reads DRF's error envelopes: {"detail": "..."}, {"error": "..."} or
// {"error": {"message": "..."}}, then field errors {"field": ["msg", ...]} joined as
// "field: msg; field2: msg" (non_field_errors without its name), or a bare array of messages.
func DecodeErrorBody(body []byte) (code, message string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return "", strings.Join(messagesOf(trimmed), "; ")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &obj); err != nil {
		return "", ""
	}
	if raw, ok := obj["detail"]; ok {
		if msgs := messagesOf(raw); len(msgs) > 0 {
			return "", strings.Join(msgs, "; ")
		}
	}
	if raw, ok := obj["error"]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil && s != "" {
			return "", s
		}
		var e struct {
			Message string `json:"message"`
			Code    any    `json:"code"`
			Type    string `json:"type"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Message != "" {
			code := e.Type
			if e.Code != nil {
				code = fmt.Sprint(e.Code)
			}
			return code, e.Message
		}
	}
	fields := make([]string, 0, len(obj))
	for k := range obj {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	var parts []string
	for _, field := range fields {
		for _, msg := range messagesOf(obj[field]) {
			if field == "non_field_errors" {
				parts = append(parts, msg)
			} else {
				parts = append(parts, field+": "+msg)
			}
		}
	}
	return "", strings.Join(parts, "; ")
}

// messagesOf reads a DRF error value: a string, an array of strings, or nested objects of them
// (the errors of a nested serializer), flattened with their keys.
func messagesOf(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, item := range list {
			out = append(out, messagesOf(item)...)
		}
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			for _, msg := range messagesOf(obj[k]) {
				out = append(out, k+": "+msg)
			}
		}
		return out
	}
	return nil
}
