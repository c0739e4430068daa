package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
)

// SkewError says that the platform's answer to a write lacks or contradicts a field that was
// sent and that the platform is documented to return: the platform most likely runs a version
// that does not know the field, and silently ignored it.
type SkewError struct {
	Platform Name
	Field    Field
	// Wire is the platform's name for the field.
	Wire string
	// Sent is the value sent, nil for a clear; Got is the value in the answer, nil when absent or null.
	Sent, Got any
	// Missing means the answer has no such field at all.
	Missing bool
}

func (e *SkewError) Error() string {
	wire := ""
	if e.Wire != "" && e.Wire != string(e.Field) {
		wire = fmt.Sprintf(" (wire field %s)", e.Wire)
	}
	got := "has " + showValue(e.Got)
	if e.Missing {
		got = "has no " + string(e.Field)
	}
	return fmt.Sprintf("The %s platform did not store %s%s: it was sent %s and the answer %s. "+
		"The platform may be running a version that does not support %s; upgrade the platform or remove the attribute from the configuration.",
		e.Platform, e.Field, wire, showValue(e.Sent), got, e.Field)
}

// showValue writes a value the way a configuration would: strings quoted, a clear as null.
func showValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", v)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(data)
}

// SkewErrors returns every *SkewError in err's tree, in order.
func SkewErrors(err error) []*SkewError {
	var out []*SkewError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if s, ok := err.(*SkewError); ok {
			out = append(out, s)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// CheckEcho compares the answer to a write (got) with what was sent for the given fields, and
// returns a *SkewError (several joined) for each field the answer lacks or contradicts. It checks
// only what the platform is documented to return: secrets and MayOmit fields are skipped, and so
// is an answer that holds only the id (nothing Returned).
// Values compare the way refresh does: settings as a subset, since the platform adds keys, and
// model_provider by the wire value it maps to; a clear must come back null or absent.
func CheckEcho(spec Spec, sent Record, fields []Field, got Record) error {
	if len(got.Returned) == 0 {
		return nil
	}
	var errs []error
	for _, f := range fields {
		fs, ok := spec.Fields[f]
		if !ok || fs.MayOmit || slices.Contains(SecretFields, f) {
			continue
		}
		want, have := sent.Value(f), got.Value(f)
		skew := &SkewError{Platform: spec.Name, Field: f, Wire: fs.Wire, Sent: want, Got: have}
		switch {
		case want == nil:
			// A cleared settings object is sent as {}, and the platform may add its own keys back.
			if have != nil && f != FieldSettings {
				errs = append(errs, skew)
			}
		case !got.Returned[f]:
			skew.Missing = true
			errs = append(errs, skew)
		case !echoes(spec, f, want, have):
			errs = append(errs, skew)
		}
	}
	return errors.Join(errs...)
}

// echoes reports whether the returned value holds what was sent.
func echoes(spec Spec, f Field, sent, got any) bool {
	switch f {
	case FieldSettings:
		s, _ := sent.(map[string]any)
		g, _ := got.(map[string]any)
		for k, v := range s {
			gv, ok := g[k]
			if !ok || !SameJSON(v, gv) {
				return false
			}
		}
		return true
	case FieldModelProvider:
		s, _ := sent.(string)
		g, _ := got.(string)
		return spec.SameModelProvider(s, g)
	}
	return reflect.DeepEqual(sent, got)
}
