// Package conformance helps the per-platform conformance tests replay what each platform's own
// published client sends and check each answer against that client's response types. It holds
// no platform knowledge: the tests write the request types (from the clients' type definitions)
// and the response specs.
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

// Token is the bearer token the test server accepts.
const Token = "conformance-token"

// Nullable is a request field as typed clients serialize it: unset (omitted, with the omitzero
// tag option), an explicit JSON null, or a value.
type Nullable[T any] struct {
	set, null bool
	value     T
}

// Value is a field sent with v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{set: true, value: v} }

// Null is a field sent as an explicit null.
func Null[T any]() Nullable[T] { return Nullable[T]{set: true, null: true} }

// IsZero reports an unset field, so omitzero leaves it out.
func (n Nullable[T]) IsZero() bool { return !n.set }

// MarshalJSON writes null or the value.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if n.null || !n.set {
		return []byte("null"), nil
	}
	return json.Marshal(n.value)
}

// Server is the mock over real HTTP.
type Server struct {
	t    *testing.T
	Mock *mockserver.Server
	URL  string
}

// NewServer starts the mock in modes for the test.
func NewServer(t *testing.T, modes mockserver.Modes) *Server {
	t.Helper()
	ms := mockserver.New(Token, mockserver.WithModes(modes))
	srv := httptest.NewServer(ms)
	t.Cleanup(srv.Close)
	return &Server{t: t, Mock: ms, URL: srv.URL}
}

// Answer is one HTTP answer.
type Answer struct {
	Status int
	Raw    []byte
	// Body is the decoded JSON body, nil when the body is empty.
	Body any
}

// Object returns the body as a JSON object, failing the test when it is not one.
func (a Answer) Object(t *testing.T) map[string]any {
	t.Helper()
	obj, ok := a.Body.(map[string]any)
	if !ok {
		t.Fatalf("answer is not a JSON object: status %d, body %s", a.Status, a.Raw)
	}
	return obj
}

// Array returns the body as a JSON array, failing the test when it is not one.
func (a Answer) Array(t *testing.T) []any {
	t.Helper()
	arr, ok := a.Body.([]any)
	if !ok {
		t.Fatalf("answer is not a JSON array: status %d, body %s", a.Status, a.Raw)
	}
	return arr
}

// Do sends body (marshalled as JSON unless nil) with the bearer token, as the clients do.
func (s *Server) Do(method, path string, body any) Answer {
	s.t.Helper()
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			s.t.Fatalf("marshal %T: %v", body, err)
		}
		reader = bytes.NewReader(data)
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = s.URL + path
	}
	req, err := http.NewRequest(method, target, reader)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := Answer{Status: resp.StatusCode, Raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &a.Body); err != nil {
			s.t.Fatalf("%s %s answered %d with a body that is not JSON: %s", method, path, resp.StatusCode, raw)
		}
	}
	return a
}

// Expect fails the test unless the answer has the status.
func (a Answer) Expect(t *testing.T, what string, status int) Answer {
	t.Helper()
	if a.Status != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, a.Status, status, a.Raw)
	}
	return a
}

// Kind is a JSON type a response field must have.
type Kind int

// The kinds a field can be checked for.
const (
	String Kind = iota
	Bool
	Integer
	Number
	Object
	Array
	// DateTime is an RFC 3339 string.
	DateTime
	// Any accepts every JSON value.
	Any
)

// Field is one field of a response type.
type Field struct {
	Name     string
	Kind     Kind
	Required bool
	Nullable bool
	// Enum, when set, lists the values a string may take.
	Enum []string
	// Items checks each element of an Array field that holds objects.
	Items []Field
}

// Req is a required, non-nullable field; Opt an optional one. Chain .OrNull() and .OneOf().
func Req(name string, kind Kind) Field { return Field{Name: name, Kind: kind, Required: true} }

// Opt is an optional, non-nullable field.
func Opt(name string, kind Kind) Field { return Field{Name: name, Kind: kind} }

// OrNull allows null.
func (f Field) OrNull() Field { f.Nullable = true; return f }

// OneOf restricts a string to values.
func (f Field) OneOf(values ...string) Field { f.Enum = values; return f }

// Of checks the objects of an array field.
func (f Field) Of(items ...Field) Field { f.Items = items; return f }

// Check returns every way obj breaks the spec: a required field missing, a field of the wrong
// type, a null where none is allowed, a value outside an enum. Extra fields are allowed, as the
// clients' decoders allow them.
func Check(obj map[string]any, spec []Field) []string {
	var problems []string
	for _, f := range spec {
		v, present := obj[f.Name]
		switch {
		case !present:
			if f.Required {
				problems = append(problems, f.Name+" is required but missing")
			}
			continue
		case v == nil:
			if !f.Nullable {
				problems = append(problems, f.Name+" is null but not nullable")
			}
			continue
		}
		if p := checkKind(f, v); p != "" {
			problems = append(problems, p)
		}
	}
	return problems
}

func checkKind(f Field, v any) string {
	wrong := func(want string) string { return fmt.Sprintf("%s = %v (%T), want %s", f.Name, v, v, want) }
	switch f.Kind {
	case String, DateTime:
		s, ok := v.(string)
		if !ok {
			return wrong("a string")
		}
		if f.Kind == DateTime {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return wrong("an RFC 3339 date-time")
			}
		}
		if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
			return wrong("one of " + strings.Join(f.Enum, ", "))
		}
	case Bool:
		if _, ok := v.(bool); !ok {
			return wrong("a boolean")
		}
	case Integer, Number:
		n, ok := v.(float64)
		if !ok {
			return wrong("a number")
		}
		if f.Kind == Integer && n != float64(int64(n)) {
			return wrong("an integer")
		}
	case Object:
		if _, ok := v.(map[string]any); !ok {
			return wrong("an object")
		}
	case Array:
		arr, ok := v.([]any)
		if !ok {
			return wrong("an array")
		}
		for i, item := range arr {
			if len(f.Items) == 0 {
				break
			}
			obj, ok := item.(map[string]any)
			if !ok {
				return fmt.Sprintf("%s[%d] is not an object", f.Name, i)
			}
			for _, p := range Check(obj, f.Items) {
				return fmt.Sprintf("%s[%d].%s", f.Name, i, p)
			}
		}
	}
	return ""
}

// MustConform fails the test with every problem Check finds.
func MustConform(t *testing.T, what string, obj map[string]any, spec []Field) {
	t.Helper()
	problems := Check(obj, spec)
	sort.Strings(problems)
	for _, p := range problems {
		t.Errorf("%s: %s", what, p)
	}
}
