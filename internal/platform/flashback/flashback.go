// Package flashback is the client of the flashback platform's AI LLM configuration API (/ai/llm).
//
// The API has no get-one endpoint: a record is read by listing (filtered by workspace when the
// workspace is known) and picking the id. Create answers only the new aiLlmId, so CreateRecord
// reads it back through the list to fill the computed fields. Key and secret are write-only.
// The Spec says all of this; this package holds only the wire types and their mapping.
package flashback

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// collectionPath is where every flashback path hangs from, under the endpoint.
const collectionPath = "/ai/llm"

// wire is flashback's paths and mapping.
var wire = platform.Wire{
	CollectionPath: collectionPath, WorkspaceQuery: "workspaceId", DecodeError: DecodeError,
	CreateBody: CreateBody, UpdateBody: UpdateBody, DecodeWriteID: decodeWriteID,
	DecodeRecord: DecodeRecord, DecodeList: platform.SinglePage(DecodeList),
}

// Name is the platform's name in the provider block.
const Name platform.Name = "flashback"

// Spec is everything that sets flashback apart.
var Spec = platform.Spec{
	Name: Name, Title: "flashback.tech", Noun: "AI LLM configuration", IDDoc: "the `aiLlmId`",
	IDExample:       "9b2f0c1e-5d4a-4c7b-8e3f-2a6d1b0c9e8f",
	DefaultEndpoint: "https://backend.flashback.tech", EndpointExample: "https://backend.flashback.tech",
	NameDoc: "unique within the workspace", UniqueKey: platform.FieldName,
	ModelProviders: platform.CanonicalModelProviders,
	ModelProviderWire: func() map[string]string {
		m := map[string]string{}
		for _, v := range platform.CanonicalModelProviders {
			m[v] = "OTHER"
		}
		m["openai"], m["anthropic"], m["google_ai"], m["vertex"], m["bedrock"] = "OPENAI", "ANTHROPIC", "GOOGLE", "GOOGLE", "AWS"
		return m
	}(),
	ModelProviderDoc: "flashback maps openai, anthropic, google_ai and vertex, bedrock to OPENAI, ANTHROPIC, GOOGLE, AWS and everything else to OTHER, and can change it in place",
	Fields: map[platform.Field]platform.FieldSpec{
		platform.FieldName:          {Wire: "name", Required: true},
		platform.FieldModelProvider: {Wire: "aiType", Required: true},
		platform.FieldBaseURL:       {Wire: "endpoint", Required: true},
		// key is nullable: an explicit null removes it.
		platform.FieldAPIKey:      {Wire: "key", Clearable: true, NotReturned: true},
		platform.FieldSecret:      {Wire: "secret", Required: true, NotReturned: true},
		platform.FieldWorkspaceID: {Wire: "workspaceId", Required: true, Replace: true},
	},
	Computed: map[string]string{"org_id": "orgId", "created_at": "createdAt"},
	// There is no get-one endpoint, and writes answer only the id.
	ReadByList: true, UpdateAnswersIDOnly: true, Create: platform.CreateFlow{AnswerHoldsIDOnly: true},
	PermissionHint: "On flashback, a configuration in use by a repository cannot be deleted: detach it from the repository first.",
}

// Client is the shared REST client with flashback's Spec and wire.
type Client = platform.RESTClient

// New builds a client of one flashback endpoint.
func New(cfg platform.HTTPConfig) (*Client, error) { return platform.NewRESTClient(Spec, wire, cfg) }

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

// wireList is GetAiLlmsResponse. AiLlms is a pointer so that a missing list is told apart from
// an empty one: reading a missing list as empty would make every record look deleted.
type wireList struct {
	Success *bool         `json:"success"`
	Message string        `json:"message"`
	AiLlms  *[]wireRecord `json:"aiLlms"`
}

// wireWriteResult is CreateAiLlmResponse and UpdateAiLlmResponse.
type wireWriteResult struct {
	Success *bool  `json:"success"`
	AiLlmID string `json:"aiLlmId"`
	Message string `json:"message"`
}

// CreateBody maps a record to the body of POST /ai/llm. It refuses a record that lacks a
// required field or sets an attribute flashback does not have, so nothing is dropped silently.
func CreateBody(r platform.Record) (map[string]any, error) {
	return Spec.CreateBody(r, mapAIType)
}

// UpdateBody maps a patch to the body of PUT /ai/llm/{id}: exactly the wire fields the patch
// touches. A cleared API key is an explicit null, which the platform takes as "remove the key".
// A patch touching workspace_id (which forces a new record) or an attribute flashback does not
// have is an error.
func UpdateBody(p platform.Patch) (map[string]any, error) {
	return Spec.UpdateBody(p, mapAIType)
}

// mapAIType maps model_provider to its aiType; every other field is its value.
func mapAIType(f platform.Field, r platform.Record, body map[string]any) (bool, error) {
	if f != platform.FieldModelProvider || !r.IsSet(f) {
		return false, nil
	}
	aiType, err := Spec.ModelProviderToWire(r.ModelProvider)
	body["aiType"] = aiType
	return true, err
}

// DecodeRecord decodes one AiLlmDTO. Secrets are never read back; aiType maps to the first
// canonical model provider that has that wire value.
func DecodeRecord(body []byte) (platform.Record, error) {
	return platform.DecodeOne[wireRecord](body)
}

// DecodeList decodes GetAiLlmsResponse {success, aiLlms: [AiLlmDTO...]}. A body without an
// aiLlms array, or with success false, is an error rather than an empty list.
func DecodeList(body []byte) ([]platform.Record, error) {
	// One pass over the body: every read-back of a create decodes the whole workspace's list.
	var w wireList
	err := json.Unmarshal(body, &w)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return nil, err
	}
	// A type error leaves the rest decoded, so a refusal is reported as such first.
	if w.Success != nil && !*w.Success {
		return nil, fmt.Errorf("the list answered success false: %q", w.Message)
	}
	if err != nil {
		return nil, err
	}
	if w.AiLlms == nil {
		return nil, errors.New("the list has no aiLlms array")
	}
	return platform.RecordsOf("aiLlms", *w.AiLlms)
}

func (w wireRecord) Record() (platform.Record, error) {
	if w.ID == "" {
		return platform.Record{}, errors.New("the AI LLM configuration has no id")
	}
	rec := platform.Record{ID: w.ID, Name: w.Name, BaseURL: w.Endpoint, WorkspaceID: w.WorkspaceID, OrgID: w.OrgID, CreatedAt: w.CreatedAt}
	if w.AIType != "" {
		rec.ModelProvider = Spec.ModelProviderFromWire(w.AIType)
	}
	return rec, nil
}

// decodeWriteID reads the answer of a create or an update (CreateAiLlmResponse,
// UpdateAiLlmResponse) and returns its aiLlmId.
func decodeWriteID(body []byte) (string, error) {
	var w wireWriteResult
	if err := json.Unmarshal(body, &w); err != nil {
		return "", err
	}
	if w.Success != nil && !*w.Success {
		return "", fmt.Errorf("the platform answered success false: %q", w.Message)
	}
	if w.AiLlmID == "" {
		return "", errors.New("the answer has no aiLlmId")
	}
	return w.AiLlmID, nil
}
