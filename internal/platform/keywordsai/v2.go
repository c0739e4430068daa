package keywordsai

import (
	"errors"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// apiKeyKwarg is where Respan's newer API (v2) keeps the credential: inside extra_kwargs.
const apiKeyKwarg = "api_key"

// wireV2 is the newer Respan generation: the same paths, with the credential inside
// extra_kwargs. Its serializer has no top-level api_key and ignores one, so sending the key there
// would lose it; and it answers extra_kwargs with the stored key, which is never read back.
var wireV2 = func() platform.Wire {
	w := wire
	w.CreateBody, w.UpdateBody = createBodyV2, updateBodyV2
	w.DecodeRecord = func(body []byte) (platform.Record, error) { return withoutKey(DecodeRecord(body)) }
	w.DecodeCreate = func(status int, body []byte) (platform.Record, error) { return withoutKey(decodeCreate(status, body)) }
	w.DecodeList = func(body []byte) ([]platform.Record, string, error) {
		records, next, err := decodePage(body)
		for i := range records {
			records[i], _ = withoutKey(records[i], nil)
		}
		return records, next, err
	}
	return w
}()

// extraKwargsV2 is the wire extra_kwargs of v2: the configured object, base_url and the key.
func extraKwargsV2(r platform.Record) (map[string]any, error) {
	extra, err := extraKwargs(r)
	if err != nil {
		return nil, err
	}
	if _, clash := r.ExtraKwargs[apiKeyKwarg]; clash && r.APIKey != "" {
		return nil, errors.New("keywordsai: api_key is set both as the api_key attribute and inside extra_kwargs; set it in one place only")
	}
	if r.APIKey != "" {
		extra[apiKeyKwarg] = r.APIKey
	}
	return extra, nil
}

// mapBodyV2 sends api_key, base_url and extra_kwargs as one extra_kwargs object.
func mapBodyV2(f platform.Field, r platform.Record, body map[string]any) (bool, error) {
	if f != platform.FieldAPIKey && f != platform.FieldBaseURL && f != platform.FieldExtraKwargs {
		return false, nil
	}
	extra, err := extraKwargsV2(r)
	body["extra_kwargs"] = extra
	return true, err
}

func createBodyV2(r platform.Record) (map[string]any, error) {
	return Spec.CreateBody(r, mapBodyV2)
}

// updateBodyV2: the platform replaces extra_kwargs whole, so a change of any of the three sends
// the whole object, the key included, or the key would be dropped.
func updateBodyV2(_, planned platform.Record, fields []platform.Field) (map[string]any, []platform.Field, error) {
	body, err := Spec.UpdateBody(planned, fields, mapBodyV2)
	return body, fields, err
}

// withoutKey drops the stored key from an answer's extra_kwargs: secrets are never read back.
func withoutKey(r platform.Record, err error) (platform.Record, error) {
	if _, ok := r.ExtraKwargs[apiKeyKwarg]; ok {
		extra := make(map[string]any, len(r.ExtraKwargs))
		for k, v := range r.ExtraKwargs {
			if k != apiKeyKwarg {
				extra[k] = v
			}
		}
		if len(extra) == 0 {
			extra = nil
		}
		r.ExtraKwargs = extra
	}
	return r, err
}
