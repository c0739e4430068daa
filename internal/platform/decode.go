package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
)

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

// DecodeObject reads a JSON object keeping its numbers exact (json.Number), so an integer above
// 2^53 in settings or extra_kwargs survives the trip to state and back to the wire.
func DecodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// ReturnedKeys maps the top-level keys of a wire object to the fields whose wire name they are,
// for Record.Returned.
func (s Spec) ReturnedKeys(keys map[string]json.RawMessage) map[Field]bool {
	out := make(map[Field]bool, len(keys))
	for f, fs := range s.Fields {
		if _, ok := keys[fs.Wire]; ok {
			out[f] = true
		}
	}
	for f, wire := range s.Computed {
		if _, ok := keys[wire]; ok {
			out[f] = true
		}
	}
	return out
}

// AllReturned marks the given fields as carried by an answer, for wire objects whose fields are
// always present.
func AllReturned(fields ...Field) map[Field]bool {
	out := make(map[Field]bool, len(fields))
	for _, f := range fields {
		out[f] = true
	}
	return out
}
