// Package refactor is the client of the refactor (re-factor.ai / psci.ai) LLM provider
// configuration API.
//
// There is one configuration per provider slug, and the slug is the record's id. Create and list
// use the plural path /v1/llm-providers; read, update and delete use the singular
// /v1/llm-provider/{provider}. Credentials are write-only: the platform echoes them masked
// ("sk-***"), which the client ignores, so a masked value is never written back.
package refactor

import (
	"encoding/json"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// Name is the platform's name in the provider block. Create and list use the plural path, the
// other calls the singular one named by the provider slug.
const Name platform.Name = "refactor"

const (
	collectionPath = "/v1/llm-providers"
	itemPrefix     = "/v1/llm-provider"
)

// Spec is refactor's attributes, for the schema, validation and docs.
var Spec = platform.Spec{
	Name: Name, Noun: "LLM provider configuration",
	IDDoc: "the provider slug (e.g. `amazon-bedrock`)", IDExample: "openai",
	DefaultEndpoint: "https://api.psci.ai/api", EndpointExample: "https://api.psci.ai/api",
	// One configuration per provider slug: the model provider is the id.
	UniqueKey:      platform.FieldModelProvider,
	ModelProviders: []string{"openai", "anthropic", "google_ai", "vertex", "azure_openai", "bedrock", "xai"},
	ModelProviderWire: map[string]string{
		"openai": "openai", "anthropic": "anthropic", "google_ai": "google", "vertex": "google-vertex",
		"azure_openai": "azure", "bedrock": "amazon-bedrock", "xai": "xai",
	},
	ModelProviderDoc: "refactor accepts only openai, anthropic, google_ai, vertex, azure_openai, bedrock and xai, mapped to its own slugs",
	Fields: map[platform.Field]platform.FieldSpec{
		platform.FieldModelProvider: {Wire: "path {provider}", Required: true, Replace: true},
		platform.FieldEnabled:       {Wire: "enabled"},
		// Both travel in one credentials object, sent whole: an emptied one clears them.
		platform.FieldAPIKey: {Wire: "credentials.api_key", Clearable: true, MayOmit: true},
		platform.FieldCredentials: {Wire: "credentials (other keys)", Clearable: true, MayOmit: true,
			Doc: "every credential except `api_key`, which has its own attribute"},
	},
	// The create page's credential keys per provider, but api_key (its own attribute). The page
	// documents none for google-vertex and xai; whether the API refuses another key is not
	// documented, so an undocumented key is a plan-time warning, not an error.
	CredentialKeys: map[string][]string{
		"openai": {"organization"}, "anthropic": {}, "google_ai": {}, "azure_openai": {"endpoint", "deployment_id"},
		"bedrock": {"aws_access_key_id", "aws_secret_access_key", "region"},
	},
}

// wire is refactor's paths and mapping.
var wire = platform.Wire{
	CollectionPath: collectionPath, ItemPath: itemPath, DecodeError: DecodeError, CreateBody: CreateBody,
	UpdateBody: UpdateBody, DecodeRecord: DecodeRecord, DecodeList: platform.SinglePage(DecodeList),
}

// Client is the shared REST client with refactor's Spec and wire.
type Client = platform.RESTClient

// New builds a client of one refactor endpoint.
func New(cfg platform.HTTPConfig) (*Client, error) { return platform.NewRESTClient(Spec, wire, cfg) }

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
	return platform.ItemPath(Name, itemPrefix, slug, "")
}
