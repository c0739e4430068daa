// Package flashback is the client of the flashback platform's AI LLM configuration API (/ai/llm).
//
// The API has no get-one endpoint: a record is read by listing (filtered by workspace when the
// workspace is known) and picking the id. Create answers only the new aiLlmId, so the client
// lists once more to fill the computed fields. Key and secret are write-only.
package flashback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// collectionPath is where every flashback path hangs from, under the endpoint.
const collectionPath = "/ai/llm"

// Client talks to one flashback endpoint.
type Client struct {
	http *platform.HTTP
}

var _ platform.Client = (*Client)(nil)

// New builds a client; cfg.Platform is forced to flashback.
func New(cfg platform.HTTPConfig) (*Client, error) {
	cfg.Platform = platform.Flashback
	h, err := platform.NewHTTP(cfg, DecodeError)
	if err != nil {
		return nil, err
	}
	return &Client{http: h}, nil
}

// Platform names the platform.
func (c *Client) Platform() platform.Name { return platform.Flashback }

// DecodeError reads flashback's error envelope {"success":false,"message":"..."}. The envelope
// has no code, so the code is always empty.
func DecodeError(body []byte) (code, message string) {
	var envelope struct {
		Message any `json:"message"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return "", ""
	}
	if s, ok := envelope.Message.(string); ok {
		return "", s
	}
	return "", ""
}

// wireRecord is the AiLlmDTO of the list endpoints. key (always null or masked), userId and
// repos are left out on purpose: none of them maps to the Record, and leaving them out keeps
// the decoder tolerant of whatever the platform puts there.
type wireRecord struct {
	ID          string `json:"id"`
	OrgID       string `json:"orgId"`
	WorkspaceID string `json:"workspaceId"`
	Name        string `json:"name"`
	AIType      string `json:"aiType"`
	Endpoint    string `json:"endpoint"`
	CreatedAt   string `json:"createdAt"`
}

// wireList is GetAiLlmsResponse. AiLlms is raw so that a missing list is told apart from an
// empty one: reading a missing list as empty would make every record look deleted.
type wireList struct {
	Success *bool           `json:"success"`
	Message string          `json:"message"`
	AiLlms  json.RawMessage `json:"aiLlms"`
}

// wireWriteResult is CreateAiLlmResponse and UpdateAiLlmResponse.
type wireWriteResult struct {
	Success *bool  `json:"success"`
	AiLlmID string `json:"aiLlmId"`
	Message string `json:"message"`
}

// unsupportedOnCreate lists the configurable attributes flashback does not have, each with a
// test of whether the record sets it.
var unsupportedOnCreate = []struct {
	field platform.Field
	set   func(platform.Record) bool
}{
	{platform.FieldProviderID, func(r platform.Record) bool { return r.ProviderID != "" }},
	{platform.FieldEnabled, func(r platform.Record) bool { return r.Enabled != nil }},
	{platform.FieldCredentials, func(r platform.Record) bool { return len(r.Credentials) > 0 }},
	{platform.FieldAuthType, func(r platform.Record) bool { return r.AuthType != "" }},
	{platform.FieldConnectionID, func(r platform.Record) bool { return r.ConnectionID != "" }},
	{platform.FieldCatalogID, func(r platform.Record) bool { return r.CatalogID != "" }},
	{platform.FieldSettings, func(r platform.Record) bool { return len(r.Settings) > 0 }},
	{platform.FieldExtraKwargs, func(r platform.Record) bool { return len(r.ExtraKwargs) > 0 }},
	{platform.FieldRequestTimeoutSecs, func(r platform.Record) bool { return r.RequestTimeoutSecs != nil }},
	{platform.FieldStreamIdleTimeoutSecs, func(r platform.Record) bool { return r.StreamIdleTimeoutSecs != nil }},
}

// CreateBody maps a record to the body of POST /ai/llm. It refuses a record that lacks a
// required field or sets an attribute flashback does not have, so nothing is dropped silently.
func CreateBody(r platform.Record) (map[string]any, error) {
	for _, u := range unsupportedOnCreate {
		if u.set(r) {
			return nil, notSupported(u.field)
		}
	}
	required := []struct {
		field platform.Field
		value string
	}{
		{platform.FieldName, r.Name},
		{platform.FieldModelProvider, r.ModelProvider},
		{platform.FieldBaseURL, r.BaseURL},
		{platform.FieldSecret, r.Secret},
		{platform.FieldWorkspaceID, r.WorkspaceID},
	}
	for _, req := range required {
		if req.value == "" {
			return nil, fmt.Errorf("flashback: %s is required to create an AI LLM configuration", req.field)
		}
	}
	aiType, err := platform.ModelProviderToWire(platform.Flashback, r.ModelProvider)
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"name":        r.Name,
		"aiType":      aiType,
		"endpoint":    r.BaseURL,
		"secret":      r.Secret,
		"workspaceId": r.WorkspaceID,
	}
	if r.APIKey != "" {
		body["key"] = r.APIKey
	}
	return body, nil
}

// UpdateBody maps a patch to the body of PUT /ai/llm/{id}: exactly the wire fields the patch
// touches. A cleared API key is an explicit null, which the platform takes as "remove the key".
// A patch touching workspace_id (which forces a new record) or an attribute flashback does not
// have is an error.
func UpdateBody(p platform.Patch) (map[string]any, error) {
	body := map[string]any{}
	v := p.Values
	for _, f := range p.Fields {
		switch f {
		case platform.FieldName:
			if v.Name == "" {
				return nil, cannotClear(f)
			}
			body["name"] = v.Name
		case platform.FieldModelProvider:
			if v.ModelProvider == "" {
				return nil, cannotClear(f)
			}
			aiType, err := platform.ModelProviderToWire(platform.Flashback, v.ModelProvider)
			if err != nil {
				return nil, err
			}
			body["aiType"] = aiType
		case platform.FieldBaseURL:
			if v.BaseURL == "" {
				return nil, cannotClear(f)
			}
			body["endpoint"] = v.BaseURL
		case platform.FieldAPIKey:
			if v.APIKey == "" {
				body["key"] = nil
			} else {
				body["key"] = v.APIKey
			}
		case platform.FieldSecret:
			if v.Secret == "" {
				return nil, cannotClear(f)
			}
			body["secret"] = v.Secret
		case platform.FieldWorkspaceID:
			return nil, fmt.Errorf("flashback: %s cannot be changed in place (the platform refuses it); the record must be replaced", f)
		default:
			return nil, notSupported(f)
		}
	}
	return body, nil
}

func notSupported(f platform.Field) error {
	return fmt.Errorf("flashback: %s is not supported by flashback (supported: %s)", f, platform.Specs[platform.Flashback].SupportedList())
}

func cannotClear(f platform.Field) error {
	return fmt.Errorf("flashback: %s is required and cannot be cleared", f)
}

// DecodeRecord decodes one AiLlmDTO. Secrets are never read back; aiType maps to the first
// canonical model provider that has that wire value.
func DecodeRecord(body []byte) (platform.Record, error) {
	var w wireRecord
	if err := json.Unmarshal(body, &w); err != nil {
		return platform.Record{}, err
	}
	return w.toRecord()
}

// DecodeList decodes GetAiLlmsResponse {success, aiLlms: [AiLlmDTO...]}. A body without an
// aiLlms array, or with success false, is an error rather than an empty list.
func DecodeList(body []byte) ([]platform.Record, error) {
	var w wireList
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	if w.Success != nil && !*w.Success {
		return nil, fmt.Errorf("the list answered success false: %q", w.Message)
	}
	if len(w.AiLlms) == 0 || string(w.AiLlms) == "null" {
		return nil, errors.New("the list has no aiLlms array")
	}
	var items []wireRecord
	if err := json.Unmarshal(w.AiLlms, &items); err != nil {
		return nil, fmt.Errorf("aiLlms: %w", err)
	}
	out := make([]platform.Record, 0, len(items))
	for i, item := range items {
		rec, err := item.toRecord()
		if err != nil {
			return nil, fmt.Errorf("aiLlms[%d]: %w", i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func (w wireRecord) toRecord() (platform.Record, error) {
	if w.ID == "" {
		return platform.Record{}, errors.New("the AI LLM configuration has no id")
	}
	rec := platform.Record{
		ID:          w.ID,
		Name:        w.Name,
		BaseURL:     w.Endpoint,
		WorkspaceID: w.WorkspaceID,
		OrgID:       w.OrgID,
		CreatedAt:   w.CreatedAt,
	}
	if w.AIType != "" {
		rec.ModelProvider = platform.ModelProviderFromWire(platform.Flashback, w.AIType)
	}
	return rec, nil
}

// itemPath is the path of one record. The id is escaped, and "." and ".." are refused, so an
// id can never point the request at another path.
func itemPath(id string) (string, error) {
	if id == "" || id == "." || id == ".." {
		return "", fmt.Errorf("flashback: %q is not a valid AI LLM configuration id", id)
	}
	return collectionPath + "/" + url.PathEscape(id), nil
}

// List returns the records the token can see, only those of opts.WorkspaceID when it is set.
// A caching or coalescing layer can wrap this call: Get goes through it.
func (c *Client) List(ctx context.Context, opts platform.ListOptions) ([]platform.Record, error) {
	req := platform.Request{Method: http.MethodGet, Path: collectionPath}
	if opts.WorkspaceID != "" {
		req.Query = url.Values{"workspaceId": {opts.WorkspaceID}}
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	records, err := DecodeList(resp.Body)
	if err != nil {
		return nil, c.decodeError(req, err)
	}
	if opts.WorkspaceID == "" {
		return records, nil
	}
	// The server filters already; filtering again keeps a server that ignores the query from
	// handing another workspace's record to the caller.
	filtered := records[:0]
	for _, r := range records {
		if r.WorkspaceID == opts.WorkspaceID {
			filtered = append(filtered, r)
		}
	}
	return filtered, nil
}

// Get reads one record through the list, filtered by ref.WorkspaceID when it is known (an
// import knows only the id and lists every accessible workspace).
func (c *Client) Get(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	records, err := c.List(ctx, platform.ListOptions{WorkspaceID: ref.WorkspaceID})
	if err != nil {
		return platform.Record{}, err
	}
	if rec, ok := findIn(records, ref.ID); ok {
		return rec, nil
	}
	return platform.Record{}, notFound(ref)
}

// findIn returns the record with the id.
func findIn(records []platform.Record, id string) (platform.Record, bool) {
	for _, r := range records {
		if r.ID == id {
			return r, true
		}
	}
	return platform.Record{}, false
}

func notFound(ref platform.Ref) *platform.APIError {
	where := "any accessible workspace"
	if ref.WorkspaceID != "" {
		where = "workspace " + ref.WorkspaceID
	}
	return &platform.APIError{
		Platform: platform.Flashback,
		Kind:     platform.KindNotFound,
		Status:   http.StatusNotFound,
		Message:  fmt.Sprintf("AI LLM configuration %s not found in %s", ref.ID, where),
		Method:   http.MethodGet,
		Path:     collectionPath,
	}
}

// Create posts the record, then lists its workspace once to fill the computed fields, because
// the create answer holds only the id. When the post succeeded but the read failed, it returns
// the record with its ID set together with the error, so the caller can keep track of it.
func (c *Client) Create(ctx context.Context, r platform.Record) (platform.Record, error) {
	body, err := CreateBody(r)
	if err != nil {
		return platform.Record{}, err
	}
	req := platform.Request{
		Method: http.MethodPost, Path: collectionPath, Body: body,
		Secrets: platform.SecretsOf(r), NotIdempotent: true,
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	id, err := c.decodeWriteResult(req, resp)
	if err != nil {
		return platform.Record{}, err
	}
	created := r
	created.ID = id
	stored, err := c.Get(ctx, platform.Ref{ID: id, WorkspaceID: r.WorkspaceID})
	if err != nil {
		return created, fmt.Errorf("flashback: created AI LLM configuration %s, but reading it back failed: %w", id, err)
	}
	return stored, nil
}

// Update sends one PUT holding exactly UpdateBody(p), then reads the record back. An empty patch
// sends nothing.
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
	req := platform.Request{Method: http.MethodPut, Path: path, Body: body, Secrets: platform.SecretsOf(p.Values)}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	id, err := c.decodeWriteResult(req, resp)
	if err != nil {
		return platform.Record{}, err
	}
	// The answer holds only the id. A read-back would cost a list call per update; the caller
	// already knows what it sent, and the next refresh shows any difference.
	if id == "" {
		id = ref.ID
	}
	return platform.Record{ID: id}, nil
}

// Delete removes the record; one that is already gone is not an error.
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

// FindExisting looks the record up by its name within its workspace, where flashback keeps
// names unique (exact match).
func (c *Client) FindExisting(ctx context.Context, r platform.Record) (platform.Record, bool, error) {
	if r.WorkspaceID == "" || r.Name == "" {
		return platform.Record{}, false, errors.New("flashback: looking up an existing AI LLM configuration needs its workspace_id and name")
	}
	records, err := c.List(ctx, platform.ListOptions{WorkspaceID: r.WorkspaceID})
	if err != nil {
		return platform.Record{}, false, err
	}
	var matches []platform.Record
	for _, rec := range records {
		if rec.Name == r.Name {
			matches = append(matches, rec)
		}
	}
	switch len(matches) {
	case 0:
		return platform.Record{}, false, nil
	case 1:
		return matches[0], true, nil
	default:
		return platform.Record{}, false, fmt.Errorf("flashback: %d AI LLM configurations are named %q in workspace %s, expected at most one", len(matches), r.Name, r.WorkspaceID)
	}
}

// decodeWriteResult reads the answer of a create or an update and returns its aiLlmId.
func (c *Client) decodeWriteResult(req platform.Request, resp platform.Response) (string, error) {
	var w wireWriteResult
	if err := c.http.DecodeJSON(req, resp, &w); err != nil {
		return "", err
	}
	if w.Success != nil && !*w.Success {
		return "", c.decodeError(req, fmt.Errorf("the platform answered success false: %q", w.Message))
	}
	if w.AiLlmID == "" {
		return "", c.decodeError(req, errors.New("the answer has no aiLlmId"))
	}
	return w.AiLlmID, nil
}

func (c *Client) decodeError(req platform.Request, err error) error {
	return &platform.DecodeError{
		Platform: platform.Flashback, Method: req.Method, Path: req.Path,
		Err: errors.New(platform.Redact(err.Error(), req.Secrets...)),
	}
}
