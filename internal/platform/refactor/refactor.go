// Package refactor is the client of the refactor (re-factor.ai / psci.ai) LLM provider
// configuration API.
//
// There is one configuration per provider slug, and the slug is the record's id. Create and list
// use the plural path /v1/llm-providers; read, update and delete use the singular
// /v1/llm-provider/{provider}. Credentials are write-only: the platform echoes them masked
// ("sk-***"), which the client keeps as evidence in MaskedCredentials and never writes back.
package refactor

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// The paths under the endpoint (https://api.psci.ai/api by default).
const (
	collectionPath = "/v1/llm-providers"
	itemPrefix     = "/v1/llm-provider/"
)

// Client talks to one refactor endpoint.
type Client struct {
	http  *platform.HTTP
	token string
}

var _ platform.Client = (*Client)(nil)

// New builds a client; cfg.Platform is forced to refactor.
func New(cfg platform.HTTPConfig) (*Client, error) {
	cfg.Platform = platform.Refactor
	h, err := platform.NewHTTP(cfg, DecodeError)
	if err != nil {
		return nil, err
	}
	return &Client{http: h, token: cfg.Token}, nil
}

// Platform names the platform.
func (c *Client) Platform() platform.Name { return platform.Refactor }

// DecodeError reads refactor's error envelope {"error":{"code":"UPPER_SNAKE","message":"..."}}.
// It also takes {"error":"..."} and a top-level {"code","message"}, which proxies in front of the
// platform may answer; anything else yields empty strings so the raw body is shown.
func DecodeError(body []byte) (code, message string) {
	var envelope struct {
		Error   json.RawMessage `json:"error"`
		Code    any             `json:"code"`
		Message any             `json:"message"`
	}
	if json.Unmarshal(body, &envelope) != nil {
		return "", ""
	}
	var inner struct {
		Code    any `json:"code"`
		Message any `json:"message"`
	}
	if len(envelope.Error) > 0 && json.Unmarshal(envelope.Error, &inner) == nil {
		if m, ok := inner.Message.(string); ok && m != "" {
			c, _ := inner.Code.(string)
			return c, m
		}
	}
	var text string
	if len(envelope.Error) > 0 && json.Unmarshal(envelope.Error, &text) == nil && text != "" {
		return "", text
	}
	if m, ok := envelope.Message.(string); ok && m != "" {
		c, _ := envelope.Code.(string)
		return c, m
	}
	return "", ""
}

// itemPath is the singular path of one configuration, from a wire slug or a canonical model provider.
func itemPath(id string) (string, error) {
	slug, err := wireSlug(id)
	if err != nil {
		return "", err
	}
	return itemPrefix + url.PathEscape(slug), nil
}

// Create posts the configuration and returns it as stored (credentials masked).
func (c *Client) Create(ctx context.Context, r platform.Record) (platform.Record, error) {
	body, err := CreateBody(r)
	if err != nil {
		return platform.Record{}, err
	}
	req := platform.Request{
		Method: http.MethodPost, Path: collectionPath, Body: body,
		Secrets: platform.SecretsOf(r), NotIdempotent: true,
	}
	return c.doRecord(ctx, req)
}

// Get reads one configuration; ref.ID is the provider slug or a canonical model provider.
func (c *Client) Get(ctx context.Context, ref platform.Ref) (platform.Record, error) {
	path, err := itemPath(ref.ID)
	if err != nil {
		return platform.Record{}, err
	}
	return c.doRecord(ctx, platform.Request{Method: http.MethodGet, Path: path})
}

// List returns every configuration; refactor has no workspaces, so opts has nothing to filter.
func (c *Client) List(ctx context.Context, _ platform.ListOptions) ([]platform.Record, error) {
	req := platform.Request{Method: http.MethodGet, Path: collectionPath}
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

// Update sends one PUT holding exactly UpdateBody(p) and returns the answer. An empty patch
// sends nothing and reads the record instead.
func (c *Client) Update(ctx context.Context, ref platform.Ref, p platform.Patch) (platform.Record, error) {
	body, err := UpdateBody(p)
	if err != nil {
		return platform.Record{}, err
	}
	path, err := itemPath(ref.ID)
	if err != nil {
		return platform.Record{}, err
	}
	if len(body) == 0 {
		return c.Get(ctx, ref)
	}
	req := platform.Request{Method: http.MethodPut, Path: path, Body: body, Secrets: platform.SecretsOf(p.Values)}
	return c.doRecord(ctx, req)
}

// Delete removes the configuration; one that is already gone is not an error.
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

// FindExisting looks the configuration up by its model provider, which is unique per account.
func (c *Client) FindExisting(ctx context.Context, r platform.Record) (platform.Record, bool, error) {
	if r.ModelProvider == "" {
		return platform.Record{}, false, errors.New("refactor: looking up an existing LLM provider configuration needs its model_provider")
	}
	rec, err := c.Get(ctx, platform.Ref{ID: r.ModelProvider})
	if platform.IsNotFound(err) {
		return platform.Record{}, false, nil
	}
	if err != nil {
		return platform.Record{}, false, err
	}
	return rec, true, nil
}

// doRecord sends a request whose answer is one configuration.
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
		Platform: platform.Refactor, Method: req.Method, Path: req.Path,
		Err: errors.New(platform.Redact(err.Error(), append([]string{c.token}, req.Secrets...)...)),
	}
}
