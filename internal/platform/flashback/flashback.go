// Package flashback is the client of the flashback platform's AI LLM configuration API (/ai/llm).
//
// The API has no get-one endpoint: a record is read by listing (filtered by workspace when the
// workspace is known) and picking the id (platform.ReadFromList). Create and update answer only
// the aiLlmId: the create flow reads a new record back through the list, and an update's state
// keeps what was planned. Key and secret are write-only.
package flashback

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// collectionPath is where every flashback path hangs from, under the endpoint.
const collectionPath = "/ai/llm"

// wire is flashback's paths and mapping.
var wire = platform.Wire{
	CollectionPath: collectionPath, WorkspaceQuery: "workspaceId", DecodeError: DecodeError,
	CreateBody: CreateBody, UpdateBody: UpdateBody, DecodeRecord: DecodeRecord, DecodeList: platform.SinglePage(DecodeList),
	DecodeCreate: func(_ int, body []byte) (platform.Record, error) { return decodeWriteAnswer(body, "") },
	DecodeUpdate: decodeWriteAnswer, ReadOne: platform.ReadFromList,
	ValidateSuffix: "/validate", DecodeValidation: DecodeValidation,
}

// DecodeValidation reads ValidateAiLlmResponse {success, message} (aillm.ts): a 200 whose success
// is false is the platform's verdict that the configuration does not work.
func DecodeValidation(body []byte) (platform.Validation, error) {
	var answer struct {
		Success *bool  `json:"success"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return platform.Validation{}, err
	}
	if answer.Success == nil {
		return platform.Validation{}, errors.New("the validation answer has no success field")
	}
	return platform.Validation{Valid: *answer.Success, Message: answer.Message}, nil
}

// Name is the platform's name in the provider block.
const Name platform.Name = "flashback"

// Spec is flashback's attributes, for the schema, validation and docs.
var Spec = platform.Spec{
	Name: Name, Noun: "AI LLM configuration", IDDoc: "the `aiLlmId`", Validates: true,
	IDExample:       "9b2f0c1e-5d4a-4c7b-8e3f-2a6d1b0c9e8f",
	DefaultEndpoint: "https://backend.flashback.tech", EndpointExample: "https://backend.flashback.tech",
	EndpointDoc: "the host of the API reference's examples; flashback's TypeScript client defaults to `https://api.flashback.tech`, which `endpoint` can name instead",
	NameDoc:     "unique within the workspace", UniqueKey: platform.FieldName,
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
		platform.FieldAPIKey: {Wire: "key", Clearable: true, MayOmit: true},
		platform.FieldSecret: {Wire: "secret", Required: true, MayOmit: true, RequiredUnless: platform.FieldAPIKeyID,
			Doc: "a stored key named by `api_key_id` may stand in for it"},
		platform.FieldAPIKeyID:    {Wire: "apiKeyUuid", Doc: "answered as `apiKeyId`; the platform has no way to clear it"},
		platform.FieldWorkspaceID: {Wire: "workspaceId", Required: true, Replace: true},
	},
	Computed:       map[platform.Field]string{platform.FieldOrgID: "orgId", platform.FieldCreatedAt: "createdAt"},
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
	APIKeyID    string `json:"apiKeyId"`
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

// UpdateBody maps a change to the body of PUT /ai/llm/{id}: exactly the wire fields it touches.
// A cleared API key is an explicit null, which the platform takes as "remove the key". A change
// of workspace_id (which forces a new record) or of an attribute flashback does not have is an
// error.
func UpdateBody(_, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	body, err := Spec.UpdateBody(planned, fields, mapAIType)
	return body, fields, err
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
	rec := platform.Record{
		ID: w.ID, Name: w.Name, BaseURL: w.Endpoint, WorkspaceID: w.WorkspaceID, OrgID: w.OrgID, CreatedAt: w.CreatedAt,
		APIKeyID: w.APIKeyID, Returned: dtoFields,
	}
	if w.APIKeyID != "" {
		rec.Returned = dtoFieldsWithKey
	}
	if w.AIType != "" {
		rec.ModelProvider = Spec.ModelProviderFromWire(w.AIType)
	}
	return rec, nil
}

// dtoFields are the fields every AiLlmDTO carries. It is shared by every decoded record and
// never changed.
var dtoFields = platform.AllReturned(platform.FieldName, platform.FieldModelProvider, platform.FieldBaseURL,
	platform.FieldWorkspaceID, platform.FieldOrgID, platform.FieldCreatedAt)

// dtoFieldsWithKey are those of an AiLlmDTO that carries apiKeyId, which it has only when the
// record uses a stored key.
var dtoFieldsWithKey = func() map[platform.Field]bool {
	out := maps.Clone(dtoFields)
	out[platform.FieldAPIKeyID] = true
	return out
}()

// decodeWriteAnswer reads the answer of a create or an update (CreateAiLlmResponse,
// UpdateAiLlmResponse), which holds only the aiLlmId; id stands in for an update answer without one.
func decodeWriteAnswer(body []byte, id string) (platform.Record, error) {
	var w wireWriteResult
	if err := json.Unmarshal(body, &w); err != nil {
		return platform.Record{}, err
	}
	if w.Success != nil && !*w.Success {
		return platform.Record{}, fmt.Errorf("the platform answered success false: %q", w.Message)
	}
	if w.AiLlmID != "" {
		id = w.AiLlmID
	}
	if id == "" {
		return platform.Record{}, errors.New("the answer has no aiLlmId")
	}
	return platform.DecodeIDOnly(id), nil
}
