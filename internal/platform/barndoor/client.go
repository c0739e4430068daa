// Package barndoor is the client of the Barndoor LLM gateway's admin API for providers
// (/admin/providers under the endpoint https://{organization_id}.platform.barndoor.ai/api/llm-gateway).
//
// The API answers every write with the full provider object, so no read-back is needed. Create
// has no enabled field: a disabled provider is created, then updated with {"enabled": false}.
// The server adds derived keys to settings (model_api_family and, per model provider,
// api_version or external_id); the record carries settings as returned, and comparing them as a
// subset is the caller's job. Secrets (api_key, credentials) are write-only.
package barndoor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// Paths under the endpoint.
const (
	providersPath   = "/admin/providers"
	connectionsPath = "/admin/connections"
)

// Client talks to one Barndoor LLM gateway endpoint.
type Client struct {
	http *platform.HTTP
}

var _ platform.Client = (*Client)(nil)

// New builds a client; cfg.Platform is forced to barndoor.
func New(cfg platform.HTTPConfig) (*Client, error) {
	cfg.Platform = platform.Barndoor
	h, err := platform.NewHTTP(cfg, DecodeError)
	if err != nil {
		return nil, err
	}
	return &Client{http: h}, nil
}

// Platform names the platform.
func (c *Client) Platform() platform.Name { return platform.Barndoor }

// DecodeError reads the gateway's OpenAI-style envelope {"error":{"message":"...","type":"..."}};
// the type (invalid_request_error, not_found_error, ...) becomes the code. A bare
// {"error":"..."} or {"message":"..."}, as a proxy in front of the gateway may answer, is read
// too.
func DecodeError(body []byte) (code, message string) {
	var envelope struct {
		Error   json.RawMessage `json:"error"`
		Message any             `json:"message"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return "", ""
	}
	var inner struct {
		Message any `json:"message"`
		Type    any `json:"type"`
	}
	if len(envelope.Error) > 0 && json.Unmarshal(envelope.Error, &inner) == nil {
		msg, _ := inner.Message.(string)
		typ, _ := inner.Type.(string)
		if msg != "" || typ != "" {
			return typ, msg
		}
	}
	var bare string
	if len(envelope.Error) > 0 && json.Unmarshal(envelope.Error, &bare) == nil && bare != "" {
		return "", bare
	}
	msg, _ := envelope.Message.(string)
	return "", msg
}

// wireProvider is the Provider object. Nullable columns are pointers so null and absent read as
// unset; unknown fields (health_status, billing_*, secret_path, ...) are ignored.
type wireProvider struct {
	ID                    string         `json:"id"`
	OrgID                 string         `json:"org_id"`
	Name                  string         `json:"name"`
	ModelProvider         string         `json:"model_provider"`
	AuthType              string         `json:"auth_type"`
	BaseURL               string         `json:"base_url"`
	Enabled               *bool          `json:"enabled"`
	Settings              map[string]any `json:"settings"`
	CatalogID             *string        `json:"catalog_id"`
	ConnectionID          *string        `json:"connection_id"`
	RequestTimeoutSecs    *int64         `json:"request_timeout_secs"`
	StreamIdleTimeoutSecs *int64         `json:"stream_idle_timeout_secs"`
	CatalogSlug           *string        `json:"catalog_slug"`
	CreatedAt             string         `json:"created_at"`
	UpdatedAt             string         `json:"updated_at"`
}

func (w wireProvider) toRecord() (platform.Record, error) {
	if w.ID == "" {
		return platform.Record{}, errors.New("the provider has no id")
	}
	rec := platform.Record{
		ID:                    w.ID,
		OrgID:                 w.OrgID,
		Name:                  w.Name,
		AuthType:              w.AuthType,
		BaseURL:               w.BaseURL,
		Enabled:               w.Enabled,
		Settings:              w.Settings,
		CatalogID:             deref(w.CatalogID),
		ConnectionID:          deref(w.ConnectionID),
		RequestTimeoutSecs:    w.RequestTimeoutSecs,
		StreamIdleTimeoutSecs: w.StreamIdleTimeoutSecs,
		CatalogSlug:           deref(w.CatalogSlug),
		CreatedAt:             w.CreatedAt,
		UpdatedAt:             w.UpdatedAt,
	}
	if w.ModelProvider != "" {
		rec.ModelProvider = platform.ModelProviderFromWire(platform.Barndoor, w.ModelProvider)
	}
	return rec, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// DecodeRecord decodes one Provider object. Secrets are never read back.
func DecodeRecord(body []byte) (platform.Record, error) {
	var w wireProvider
	if err := json.Unmarshal(body, &w); err != nil {
		return platform.Record{}, err
	}
	return w.toRecord()
}

// DecodeList decodes the bare JSON array of GET /admin/providers. A body that is not an array
// (null included) is an error rather than an empty list: reading it as empty would make every
// record look deleted.
func DecodeList(body []byte) ([]platform.Record, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, err
	}
	if trimmed := strings.TrimSpace(string(raw)); !strings.HasPrefix(trimmed, "[") {
		return nil, errors.New("the provider list is not a JSON array")
	}
	var items []wireProvider
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, err
	}
	out := make([]platform.Record, 0, len(items))
	for i, item := range items {
		rec, err := item.toRecord()
		if err != nil {
			return nil, fmt.Errorf("providers[%d]: %w", i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// unsupported lists the canonical attributes barndoor does not have, each with a test of
// whether the record sets it.
var unsupported = []struct {
	field platform.Field
	set   func(platform.Record) bool
}{
	{platform.FieldProviderID, func(r platform.Record) bool { return r.ProviderID != "" }},
	{platform.FieldSecret, func(r platform.Record) bool { return r.Secret != "" }},
	{platform.FieldWorkspaceID, func(r platform.Record) bool { return r.WorkspaceID != "" }},
	{platform.FieldExtraKwargs, func(r platform.Record) bool { return len(r.ExtraKwargs) > 0 }},
}

// CreateBody maps a record to the body of POST /admin/providers. enabled is never part of it:
// the endpoint has no such field and refuses it; Create disables in a second request. Empty
// optional fields are left out so the server applies its defaults (base_url and auth_type per
// model provider, settings {}).
func CreateBody(r platform.Record) (map[string]any, error) {
	for _, u := range unsupported {
		if u.set(r) {
			return nil, notSupported(u.field)
		}
	}
	if r.Name == "" {
		return nil, errors.New("barndoor: name is required to create a provider")
	}
	if r.ModelProvider == "" {
		return nil, errors.New("barndoor: model_provider is required to create a provider")
	}
	modelProvider, err := platform.ModelProviderToWire(platform.Barndoor, r.ModelProvider)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"name": r.Name, "model_provider": modelProvider}
	optional := []struct {
		key   string
		value string
	}{
		{"base_url", r.BaseURL},
		{"auth_type", r.AuthType},
		{"api_key", r.APIKey},
		{"connection_id", r.ConnectionID},
		{"catalog_id", r.CatalogID},
	}
	for _, o := range optional {
		if o.value != "" {
			body[o.key] = o.value
		}
	}
	if len(r.Credentials) > 0 {
		body["credentials"] = r.Credentials
	}
	if len(r.Settings) > 0 {
		body["settings"] = r.Settings
	}
	if r.RequestTimeoutSecs != nil {
		body["request_timeout_secs"] = *r.RequestTimeoutSecs
	}
	if r.StreamIdleTimeoutSecs != nil {
		body["stream_idle_timeout_secs"] = *r.StreamIdleTimeoutSecs
	}
	return body, nil
}

// UpdateBody maps a patch to the body of PUT /admin/providers/{id}: exactly the wire fields the
// patch touches. A cleared connection_id or timeout is an explicit null, which the platform
// takes as "clear"; cleared settings are {}. model_provider and catalog_id cannot change in
// place, and name, base_url, auth_type and enabled cannot be cleared. An emptied api_key or
// credentials is dropped when the same patch attaches a connection (the connection then holds
// the secret); otherwise it is an error, as the platform has no way to remove a secret.
func UpdateBody(p platform.Patch) (map[string]any, error) {
	body := map[string]any{}
	v := p.Values
	attachesConnection := p.Has(platform.FieldConnectionID) && v.ConnectionID != ""
	for _, f := range p.Fields {
		switch f {
		case platform.FieldName:
			if v.Name == "" {
				return nil, cannotClear(f)
			}
			body["name"] = v.Name
		case platform.FieldModelProvider, platform.FieldCatalogID:
			return nil, fmt.Errorf("barndoor: %s cannot be changed in place (it is fixed when the provider is created); the provider must be replaced", f)
		case platform.FieldBaseURL:
			if v.BaseURL == "" {
				return nil, cannotClear(f)
			}
			body["base_url"] = v.BaseURL
		case platform.FieldAuthType:
			if v.AuthType == "" {
				return nil, cannotClear(f)
			}
			body["auth_type"] = v.AuthType
		case platform.FieldEnabled:
			if v.Enabled == nil {
				return nil, cannotClear(f)
			}
			body["enabled"] = *v.Enabled
		case platform.FieldAPIKey:
			switch {
			case v.APIKey != "":
				body["api_key"] = v.APIKey
			case !attachesConnection:
				return nil, cannotRemoveSecret(f)
			}
		case platform.FieldCredentials:
			switch {
			case len(v.Credentials) > 0:
				body["credentials"] = v.Credentials
			case !attachesConnection:
				return nil, cannotRemoveSecret(f)
			}
		case platform.FieldConnectionID:
			if v.ConnectionID == "" {
				body["connection_id"] = nil
			} else {
				body["connection_id"] = v.ConnectionID
			}
		case platform.FieldSettings:
			if v.Settings == nil {
				body["settings"] = map[string]any{}
			} else {
				body["settings"] = v.Settings
			}
		case platform.FieldRequestTimeoutSecs:
			body["request_timeout_secs"] = nullableInt(v.RequestTimeoutSecs)
		case platform.FieldStreamIdleTimeoutSecs:
			body["stream_idle_timeout_secs"] = nullableInt(v.StreamIdleTimeoutSecs)
		default:
			return nil, notSupported(f)
		}
	}
	return body, nil
}

// nullableInt is the wire value of a nullable integer: nil becomes JSON null.
func nullableInt(v *int64) any {
	if v == nil {
		return nil
	}
	return *v
}

func notSupported(f platform.Field) error {
	return fmt.Errorf("barndoor: %s is not supported by barndoor (supported: %s)", f, platform.Specs[platform.Barndoor].SupportedList())
}

func cannotClear(f platform.Field) error {
	return fmt.Errorf("barndoor: %s cannot be cleared once set; set a value instead", f)
}

func cannotRemoveSecret(f platform.Field) error {
	return fmt.Errorf("barndoor: %s cannot be removed from a provider: send a new value, or attach a connection_id that holds the secret", f)
}

// itemPath is the path of one record in a collection. The id is escaped, and "." and ".." are
// refused, so an id can never point the request at another path.
func itemPath(collection, id string) (string, error) {
	if id == "" || id == "." || id == ".." {
		return "", fmt.Errorf("barndoor: %q is not a valid id", id)
	}
	return collection + "/" + url.PathEscape(id), nil
}

// Create posts the record without enabled, since the create endpoint has none. When the record
// asks for a disabled provider, a PUT {"enabled": false} follows; if that fails, the created
// record (ID set) comes back together with the error, so the caller can keep track of it.
func (c *Client) Create(ctx context.Context, r platform.Record) (platform.Record, error) {
	body, err := CreateBody(r)
	if err != nil {
		return platform.Record{}, err
	}
	req := platform.Request{
		Method: http.MethodPost, Path: providersPath, Body: body,
		Secrets: platform.SecretsOf(r), NotIdempotent: true,
	}
	created, err := c.doRecord(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	if r.Enabled == nil || *r.Enabled {
		return created, nil
	}
	updated, err := c.put(ctx, created.ID, map[string]any{"enabled": false}, nil)
	if err != nil {
		// created still says what the platform holds: an enabled provider.
		return created, fmt.Errorf("barndoor: created provider %s, but disabling it failed: %w", created.ID, err)
	}
	return updated, nil
}

// Get reads one provider; a missing one is a *platform.APIError with KindNotFound.
func (c *Client) Get(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	path, err := itemPath(providersPath, ref.ID)
	if err != nil {
		return platform.Record{}, err
	}
	return c.doRecord(ctx, platform.Request{Method: http.MethodGet, Path: path})
}

// List returns every provider of the organization. The endpoint has no paging and no filters.
func (c *Client) List(ctx context.Context, _ platform.ListOptions) ([]platform.Record, error) {
	req := platform.Request{Method: http.MethodGet, Path: providersPath}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	records, err := DecodeList(resp.Body)
	if err != nil {
		return nil, c.decodeError(req, err)
	}
	return records, nil
}

// Update sends one PUT whose body is exactly UpdateBody(p) and returns the provider the platform
// answers with. An empty patch sends nothing and reads the provider.
func (c *Client) Update(ctx context.Context, ref platform.Ref, p platform.Patch) (platform.Record, error) {
	body, err := UpdateBody(p)
	if err != nil {
		return platform.Record{}, err
	}
	if len(body) == 0 {
		return c.Get(ctx, ref)
	}
	return c.put(ctx, ref.ID, body, platform.SecretsOf(p.Values))
}

func (c *Client) put(ctx context.Context, id string, body map[string]any, secrets []string) (platform.Record, error) {
	path, err := itemPath(providersPath, id)
	if err != nil {
		return platform.Record{}, err
	}
	return c.doRecord(ctx, platform.Request{Method: http.MethodPut, Path: path, Body: body, Secrets: secrets})
}

// Delete removes the provider; one that is already gone is not an error.
func (c *Client) Delete(ctx context.Context, ref platform.Ref) error {
	path, err := itemPath(providersPath, ref.ID)
	if err != nil {
		return err
	}
	_, err = c.http.Do(ctx, platform.Request{Method: http.MethodDelete, Path: path})
	if platform.IsNotFound(err) {
		return nil
	}
	return err
}

// FindExisting looks the provider up by name, compared case-insensitively as the platform's
// unique index on lower(name) does.
func (c *Client) FindExisting(ctx context.Context, r platform.Record) (platform.Record, bool, error) {
	if r.Name == "" {
		return platform.Record{}, false, errors.New("barndoor: looking up an existing provider needs its name")
	}
	records, err := c.List(ctx, platform.ListOptions{})
	if err != nil {
		return platform.Record{}, false, err
	}
	var matches []platform.Record
	for _, rec := range records {
		if strings.EqualFold(rec.Name, r.Name) {
			matches = append(matches, rec)
		}
	}
	switch len(matches) {
	case 0:
		return platform.Record{}, false, nil
	case 1:
		return matches[0], true, nil
	default:
		return platform.Record{}, false, fmt.Errorf("barndoor: %d providers are named %q (ignoring case), expected at most one", len(matches), r.Name)
	}
}

// CreateConnection creates a shared credential (a "connection") holding an API key and returns
// its id. It exists for tests and the demo; the Terraform provider does not manage connections.
func (c *Client) CreateConnection(ctx context.Context, name, modelProvider, baseURL, apiKey string) (string, error) {
	wire, err := platform.ModelProviderToWire(platform.Barndoor, modelProvider)
	if err != nil {
		return "", err
	}
	body := map[string]any{"name": name, "model_provider": wire}
	if baseURL != "" {
		body["base_url"] = baseURL
	}
	if apiKey != "" {
		body["api_key"] = apiKey
	}
	req := platform.Request{
		Method: http.MethodPost, Path: connectionsPath, Body: body,
		Secrets: []string{apiKey}, NotIdempotent: true,
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return "", err
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := c.http.DecodeJSON(req, resp, &created); err != nil {
		return "", err
	}
	if created.ID == "" {
		return "", c.decodeError(req, errors.New("the connection has no id"))
	}
	return created.ID, nil
}

// DeleteConnection deletes a shared credential. The platform refuses (KindConflict) while a
// provider references it; one that is already gone is not an error.
func (c *Client) DeleteConnection(ctx context.Context, id string) error {
	path, err := itemPath(connectionsPath, id)
	if err != nil {
		return err
	}
	_, err = c.http.Do(ctx, platform.Request{Method: http.MethodDelete, Path: path})
	if platform.IsNotFound(err) {
		return nil
	}
	return err
}

// doRecord sends req and decodes the provider object it answers with.
func (c *Client) doRecord(ctx context.Context, req platform.Request) (platform.Record, error) {
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return platform.Record{}, err
	}
	rec, err := DecodeRecord(resp.Body)
	if err != nil {
		return platform.Record{}, c.decodeError(req, err)
	}
	return rec, nil
}

func (c *Client) decodeError(req platform.Request, err error) error {
	return &platform.DecodeError{
		Platform: platform.Barndoor, Method: req.Method, Path: req.Path,
		Err: errors.New(platform.Redact(err.Error(), req.Secrets...)),
	}
}
