package platform

import (
	"fmt"
	"slices"
)

// Patch is one partial update: the fields it changes, the planned record they come from, and
// the exact body the platform receives. PlanUpdate is its only producer.
type Patch struct {
	Fields []Field
	Values Record
	Body   map[string]any
}

// Has reports whether the patch changes f.
func (p Patch) Has(f Field) bool { return slices.Contains(p.Fields, f) }

// Empty reports whether the patch changes nothing, so no request is sent.
func (p Patch) Empty() bool { return len(p.Fields) == 0 }

// PlanUpdate turns a planned change into the one partial update the platform receives:
//   - every field the platform has whose planned value differs from the prior one, compared by
//     value (objects by their JSON meaning);
//   - a secret only when rotated lists it (its kept value changed, or its write-only version),
//     and, once removed from the configuration, only where the platform can clear it;
//   - never a field left to the platform's default that the plan leaves unset;
//   - then the platform's own mapping (Client.UpdateBody): wire names, explicit nulls for clears,
//     objects sent whole, and the fields a change needs alongside.
//
// It is the only producer of a Patch; the resource's Update and the create flow's follow-up
// both call it.
func PlanUpdate(c Client, prior, planned Record, rotated []Field) (Patch, error) {
	spec := c.Spec()
	var fields []Field
	for _, def := range Fields {
		f := def.Field
		fs, supported := spec.Fields[f]
		switch {
		case def.Output || !supported:
			continue
		case def.Secret:
			if !slices.Contains(rotated, f) || (!planned.IsSet(f) && !fs.Clearable) {
				continue
			}
		case def.PlatformDefault && !planned.IsSet(f), fs.CreateOnly:
			continue
		case SameValue(f, prior, planned):
			continue
		}
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return Patch{Values: planned}, nil
	}
	body, sent, err := c.UpdateBody(prior, planned, fields)
	if err != nil {
		return Patch{}, err
	}
	return Patch{Fields: sent, Values: planned, Body: body}, nil
}

// Only returns the record with just the given fields of from set on top of base, for an update
// that sets those fields alone (the create flow's follow-up).
func Only(base, from Record, fields []Field) Record {
	out := base
	for _, f := range fields {
		out.Set(f, from.Value(f))
	}
	return out
}

// UpdateBody maps the given fields of the planned record to a partial update body: each under
// its wire name; a cleared field is an explicit null where the platform can clear it and an error
// where it cannot. custom maps the fields that need more (a mapped enum, a nested object). A
// platform package's UpdateBody starts here.
func (s Spec) UpdateBody(planned Record, fields []Field, custom BodyMapper) (map[string]any, error) {
	if err := s.CheckUpdate(fields); err != nil {
		return nil, err
	}
	body := map[string]any{}
	for _, f := range fields {
		if handled, err := custom(f, planned, body); err != nil || handled {
			if err != nil {
				return nil, err
			}
			continue
		}
		switch {
		case planned.IsSet(f):
			body[s.Fields[f].Wire] = planned.Value(f)
		case s.Fields[f].Clearable:
			body[s.Fields[f].Wire] = nil
		default:
			return nil, s.CannotClear(f)
		}
	}
	return body, nil
}

// BodyMapper writes the wire form of a field that is not simply its value under its wire name
// (a mapped enum, a field nested in another object, a clear that is not a null). It reports
// false to leave the field to the plain mapping.
type BodyMapper func(f Field, r Record, body map[string]any) (handled bool, err error)

// CreateBody maps a record to a create body: every field the record sets under its wire name;
// custom maps the fields that need more (and may leave some out). Unset fields are left out, so
// the platform applies its defaults.
func (s Spec) CreateBody(r Record, custom BodyMapper) (map[string]any, error) {
	if err := s.CheckCreate(r); err != nil {
		return nil, err
	}
	body := map[string]any{}
	for _, f := range s.SupportedFields() {
		if !r.IsSet(f) {
			continue
		}
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

// CheckUpdate refuses an update of a field the platform does not have or one that cannot
// change in place.
func (s Spec) CheckUpdate(fields []Field) error {
	var unsupported []Field
	for _, f := range fields {
		if !s.Supports(f) {
			unsupported = append(unsupported, f)
		}
	}
	if len(unsupported) > 0 {
		return s.NotSupported(unsupported...)
	}
	for _, f := range fields {
		if s.Fields[f].Replace {
			return s.CannotChangeInPlace(f)
		}
	}
	return nil
}

// CannotChangeInPlace is the error for an update of a field that forces replacement.
func (s Spec) CannotChangeInPlace(f Field) error {
	return fmt.Errorf("%s: %s cannot be changed in place (the platform fixes it when the record is created); the record must be replaced", s.Name, f)
}

// CannotClear is the error for an update that empties a field the platform cannot clear.
func (s Spec) CannotClear(f Field) error {
	if s.Fields[f].Required {
		return fmt.Errorf("%s: %s is required and cannot be cleared", s.Name, f)
	}
	return fmt.Errorf("%s: %s cannot be cleared once set; set a value instead", s.Name, f)
}
