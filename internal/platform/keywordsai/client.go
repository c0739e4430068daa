// Package keywordsai is the client of the keywordsai platform (Keywords AI, now Respan): custom
// providers under /api/providers/, a Django REST Framework API whose paths end in a slash, whose
// records are keyed by the user-chosen provider_id, and whose create is an upsert by provider_id.
package keywordsai

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// Name is the platform's name in the provider block; every path keeps its trailing slash,
// which Django needs, and the base URL lives inside extra_kwargs under baseURLKey.
const Name platform.Name = "keywordsai"

const (
	collectionPath = "/api/providers/"
	baseURLKey     = "base_url"
)

// Spec is keywordsai's attributes, for the schema, validation and docs.
var Spec = platform.Spec{
	Name: Name, Noun: "custom provider", IDDoc: "the `provider_id`",
	IDExample:       "my-azure-provider",
	DefaultEndpoint: "https://api.keywordsai.co", EndpointExample: "https://api.keywordsai.co",
	UniqueKey: platform.FieldProviderID,
	Fields: map[platform.Field]platform.FieldSpec{
		platform.FieldProviderID: {Wire: "provider_id", Required: true, Replace: true},
		platform.FieldName:       {Wire: "provider_name", Required: true},
		// base_url travels inside extra_kwargs, which the platform returns in some versions only.
		platform.FieldBaseURL:     {Wire: "extra_kwargs.base_url", MayOmit: true},
		platform.FieldAPIKey:      {Wire: "api_key", MayOmit: true},
		platform.FieldExtraKwargs: {Wire: "extra_kwargs", MayOmit: true},
	},
	Computed: map[platform.Field]string{
		platform.FieldCreatedAt: "created_at", platform.FieldUpdatedAt: "updated_at", platform.FieldManaged: "is_managed",
	},
	PermissionHint: "On keywordsai, providers the platform manages itself cannot be changed or deleted.",
	APIVersions: []platform.APIVersion{
		{Name: "v1", Doc: "Keywords AI's API, as respan-api 0.1.29 describes it: the key as a top-level `api_key`"},
		{Name: "v2", Doc: "Respan's newer API (respan-python-api 0.1.4x, endpoint `https://api.respan.ai`): the key under " +
			"`extra_kwargs.api_key`, which the platform answers; a top-level `api_key` is ignored there, so a key sent that way would be lost",
			KeySentWith: []platform.Field{platform.FieldBaseURL, platform.FieldExtraKwargs}},
	},
}

// wire is keywordsai's paths and mapping.
var wire = platform.Wire{
	CollectionPath: collectionPath, ItemPath: itemPath, UpdateMethod: http.MethodPatch, DecodeError: DecodeErrorBody,
	CreateBody: CreateBody, UpdateBody: UpdateBody, DecodeRecord: DecodeRecord, DecodeList: decodePage,
	DecodeCreate: decodeCreate,
}

// Client is the shared REST client with keywordsai's Spec and wire.
type Client = platform.RESTClient

// New builds a client of the keywordsai custom provider API, of the generation cfg.APIVersion
// names (v1 when empty).
func New(cfg platform.HTTPConfig) (*Client, error) {
	if err := Spec.CheckAPIVersion(cfg.APIVersion); err != nil {
		return nil, err
	}
	if cfg.APIVersion == "v2" {
		return platform.NewRESTClient(Spec, wireV2, cfg)
	}
	return platform.NewRESTClient(Spec, wire, cfg)
}

// itemPath is the path of one provider. The id is the provider_id, which names a URL path segment,
// so one that cannot be a segment is refused before any request.
func itemPath(id string) (string, error) {
	if strings.Contains(id, "/") {
		return "", fmt.Errorf("keywordsai: %q is not a valid provider_id: it must be a non-empty name without a slash", id)
	}
	return platform.ItemPath(Name, strings.TrimSuffix(collectionPath, "/"), id, "/")
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
	return Spec.CreateBody(r, mapExtraKwargs)
}

// UpdateBody maps a change to the wire body of PATCH /api/providers/{id}/: exactly the fields it
// touches. extra_kwargs is replaced whole by the platform, so a change of base_url or extra_kwargs
// sends the full merged object ({} when both were cleared). A cleared api_key is sent as "".
func UpdateBody(_, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	body, err := Spec.UpdateBody(planned, fields, func(f platform.Field, v platform.Record, body map[string]any) (bool, error) {
		if f == platform.FieldAPIKey {
			body["api_key"] = v.APIKey
			return true, nil
		}
		return mapExtraKwargs(f, v, body)
	})
	return body, fields, err
}

// decodeCreate reads the answer of the create call, an upsert by provider_id: 201 made a record,
// and 200 changed one that already existed, which this configuration did not make. That record
// is never taken into state.
func decodeCreate(status int, body []byte) (platform.Record, error) {
	rec, err := DecodeRecord(body)
	if err != nil {
		return platform.Record{}, err
	}
	if status != http.StatusCreated {
		return platform.Record{}, &platform.ForeignRecordError{
			ID: rec.ID, Key: platform.FieldProviderID, Value: rec.ProviderID,
			Reason: fmt.Sprintf("the platform's create is an upsert, and it answered HTTP %d (changed an existing record) instead of 201 (created one): "+
				"the record was created by someone else while this create was in flight, and the create overwrote it", status),
		}
	}
	return rec, nil
}

// mapExtraKwargs sends base_url and extra_kwargs as one merged extra_kwargs object.
func mapExtraKwargs(f platform.Field, r platform.Record, body map[string]any) (bool, error) {
	if f != platform.FieldBaseURL && f != platform.FieldExtraKwargs {
		return false, nil
	}
	extra, err := extraKwargs(r)
	body["extra_kwargs"] = extra
	return true, err
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
	return w.Record()
}

func (w wireProvider) Record() (platform.Record, error) {
	id, err := decodeID(w.ID)
	if err != nil {
		return platform.Record{}, err
	}
	r := platform.Record{ID: id, Returned: map[platform.Field]bool{}}
	if w.ProviderID != nil {
		r.Returned[platform.FieldProviderID] = true
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
		r.Returned[platform.FieldName] = true
	}
	if w.IsManaged != nil {
		r.Managed = w.IsManaged
		r.Returned[platform.FieldManaged] = true
	}
	if w.CreatedAt != nil {
		r.CreatedAt = *w.CreatedAt
		r.Returned[platform.FieldCreatedAt] = true
	}
	if w.UpdatedAt != nil {
		r.UpdatedAt = *w.UpdatedAt
		r.Returned[platform.FieldUpdatedAt] = true
	}
	if len(w.ExtraKwargs) > 0 && string(w.ExtraKwargs) != "null" {
		// base_url travels inside extra_kwargs: both are returned when it is.
		r.Returned[platform.FieldExtraKwargs], r.Returned[platform.FieldBaseURL] = true, true
		extra, err := platform.DecodeObject(w.ExtraKwargs)
		if err != nil {
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

// decodePage reads one list answer (the documented bare array, or one DRF page {count, next,
// previous, results}) and the next page's link, empty for a bare array or the last page.
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
	out, err := platform.RecordsOf("providers", items)
	return out, next, err
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
