package keywordsai

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// Validation of request bodies as Django REST Framework answers it: field errors by name, with
// the messages and types the platform uses.

// fields is a validated request body: a nil pointer is a field the request did not send.
type fields struct {
	ProviderID  *string
	Name        *string
	APIKey      *string
	ExtraKwargs map[string]any
	HasExtra    bool
}

// fieldErrors collects DRF field errors: field name to messages.
type fieldErrors map[string][]string

func (e fieldErrors) add(field, msg string) { e[field] = append(e[field], msg) }

// parseBody reads a DRF request body. An empty body is an empty object, as DRF's parser makes it.
// When the body is not a JSON object it returns the 400 answer's body instead.
func parseBody(body []byte) (map[string]json.RawMessage, any) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	var anyValue any
	if err := json.Unmarshal(body, &anyValue); err != nil {
		return nil, map[string]string{"detail": "JSON parse error - " + err.Error()}
	}
	obj, err := mockapi.DecodeObject(body)
	if err != nil {
		return nil, fieldErrors{
			"non_field_errors": {fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pythonType(anyValue))},
		}
	}
	return obj, nil
}

// pythonType names a decoded JSON value the way DRF's messages do.
func pythonType(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case float64:
		return "float"
	case string:
		return "str"
	case []any:
		return "list"
	default:
		return "dict"
	}
}

// stringField validates one optional string field; required and blank rules follow DRF's CharField.
func stringField(obj map[string]json.RawMessage, name string, required, allowBlank bool, maxLen int, errs fieldErrors) *string {
	raw, ok := obj[name]
	if !ok {
		if required {
			errs.add(name, msgRequired)
		}
		return nil
	}
	if mockapi.IsNull(raw) {
		errs.add(name, msgNotNull)
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		errs.add(name, msgNotString)
		return nil
	}
	if !allowBlank && strings.TrimSpace(s) == "" {
		errs.add(name, msgNotBlank)
		return nil
	}
	if maxLen > 0 && utf8.RuneCountInString(s) > maxLen {
		errs.add(name, fmt.Sprintf("Ensure this field has no more than %d characters.", maxLen))
		return nil
	}
	return &s
}

// validate checks the writable fields of a create or an update body; an update's provider_id is
// the caller's to check, because there it is read-only.
func validate(obj map[string]json.RawMessage, create bool) (fields, fieldErrors) {
	errs := fieldErrors{}
	var f fields
	if create {
		f.ProviderID = stringField(obj, "provider_id", true, false, 0, errs)
		if f.ProviderID != nil && !providerIDPattern.MatchString(*f.ProviderID) {
			errs.add("provider_id", msgPattern)
			f.ProviderID = nil
		}
	}
	f.Name = stringField(obj, "provider_name", create, false, maxNameLength, errs)
	// A blank api_key is accepted and clears the stored key.
	f.APIKey = stringField(obj, "api_key", false, true, 0, errs)
	if raw, ok := obj["extra_kwargs"]; ok {
		var kwargs map[string]any
		if mockapi.IsNull(raw) {
			errs.add("extra_kwargs", msgNotNull)
		} else if err := json.Unmarshal(raw, &kwargs); err != nil || kwargs == nil {
			var v any
			_ = json.Unmarshal(raw, &v)
			errs.add("extra_kwargs", fmt.Sprintf("Expected a dictionary of items but got type %q.", pythonType(v)))
		} else {
			f.ExtraKwargs, f.HasExtra = kwargs, true
		}
	}
	return f, errs
}

// apply sets the given fields on p and stamps updated_at.
func (f fields) apply(p *provider) {
	if f.Name != nil {
		p.Name = *f.Name
	}
	if f.APIKey != nil {
		p.APIKey = *f.APIKey
	}
	if f.HasExtra {
		p.ExtraKwargs = f.ExtraKwargs
	}
	now := mockapi.Now()
	p.UpdatedAt = &now
}
