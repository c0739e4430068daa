package platform

import (
	"encoding/json"
	"fmt"
)

// BodyMapper writes the wire form of a field that is not simply its value under its wire name
// (a mapped enum, a field nested in another object, a clear that is not a null). It reports
// false to leave the field to the plain mapping.
type BodyMapper func(f Field, r Record, body map[string]any) (handled bool, err error)

// CreateBody maps a record to a create body: every field the record sets under its wire name,
// except the fields applied after the create; custom maps the fields that need more. Unset
// fields are left out, so the platform applies its defaults.
func (s Spec) CreateBody(r Record, custom BodyMapper) (map[string]any, error) {
	if err := s.CheckCreate(r); err != nil {
		return nil, err
	}
	body := map[string]any{}
	for _, f := range s.CreateFields(r) {
		if handled, err := custom(f, r, body); err != nil || handled {
			if err != nil {
				return nil, err
			}
			continue
		}
		body[s.Fields[f].Wire] = r.Value(f)
	}
	return body, nil
}

// UpdateBody maps a patch to a partial update body: exactly the fields it touches, each under
// its wire name; a cleared field is an explicit null where the platform can clear it and an
// error where it cannot. custom maps the fields that need more.
func (s Spec) UpdateBody(p Patch, custom BodyMapper) (map[string]any, error) {
	if err := s.CheckUpdate(p); err != nil {
		return nil, err
	}
	body := map[string]any{}
	for _, f := range p.Fields {
		if handled, err := custom(f, p.Values, body); err != nil || handled {
			if err != nil {
				return nil, err
			}
			continue
		}
		switch {
		case p.Values.IsSet(f):
			body[s.Fields[f].Wire] = p.Values.Value(f)
		case s.Fields[f].Clearable:
			body[s.Fields[f].Wire] = nil
		default:
			return nil, s.CannotClear(f)
		}
	}
	return body, nil
}

// WireObject is a platform's JSON object of one record, which maps to the canonical record.
type WireObject interface {
	Record() (Record, error)
}

// DecodeOne reads a body that is one wire object and maps it to the canonical record.
func DecodeOne[W WireObject](body []byte) (Record, error) {
	var w W
	if err := json.Unmarshal(body, &w); err != nil {
		return Record{}, err
	}
	return w.Record()
}

// RecordsOf maps the wire objects of a list to records; an error names the item, as
// what[index], so one bad record is easy to find.
func RecordsOf[W WireObject](what string, items []W) ([]Record, error) {
	out := make([]Record, 0, len(items))
	for i, item := range items {
		rec, err := item.Record()
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", what, i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// DecodeEach reads the raw items of a list one by one, so that an error names the item even
// when it is not an object at all.
func DecodeEach[W WireObject](what string, raws []json.RawMessage) ([]Record, error) {
	out := make([]Record, 0, len(raws))
	for i, raw := range raws {
		rec, err := DecodeOne[W](raw)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", what, i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}
