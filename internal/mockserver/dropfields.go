package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver/mockapi"
)

// DroppedFields makes one platform behave like an older version that does not know some fields:
// they are removed from create and update bodies before the platform sees them (so they are
// neither validated nor stored) and from the platform's answers. The journal still shows the
// request as the client sent it.
type DroppedFields struct {
	// Platform is refactor, flashback, barndoor or keywordsai.
	Platform string `json:"platform"`
	// Fields are top-level JSON field names, matched exactly.
	Fields []string `json:"fields"`
	// RequestsOnly drops the fields from requests only: the answers still carry the platform's
	// own values (its defaults), as a version that ignores a field it returns read-only would.
	RequestsOnly bool `json:"requests_only,omitempty"`
}

// SetDroppedFields replaces the fields one platform drops; an empty list stops dropping.
func (s *Server) SetDroppedFields(platform string, fields []string) error {
	return s.setDropped(platform, fields, false)
}

// SetIgnoredFields is SetDroppedFields with RequestsOnly: the platform ignores the fields in
// requests and keeps answering with the values it holds.
func (s *Server) SetIgnoredFields(platform string, fields []string) error {
	return s.setDropped(platform, fields, true)
}

func (s *Server) setDropped(platform string, fields []string, requestsOnly bool) error {
	if !slices.ContainsFunc(s.platforms, func(p mockapi.Platform) bool { return p.Name() == platform }) {
		return fmt.Errorf("unknown platform %q: expected one of %s", platform, s.platformNames())
	}
	for _, f := range fields {
		if f == "" {
			return fmt.Errorf("a field name must not be empty")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requestsOnly, platform)
	if len(fields) == 0 {
		delete(s.dropped, platform)
		return nil
	}
	if s.dropped == nil {
		s.dropped = map[string][]string{}
	}
	s.dropped[platform] = slices.Compact(slices.Sorted(slices.Values(fields)))
	if requestsOnly {
		if s.requestsOnly == nil {
			s.requestsOnly = map[string]bool{}
		}
		s.requestsOnly[platform] = true
	}
	return nil
}

// DroppedFields returns the platforms that drop fields, in the order the server lists platforms.
func (s *Server) DroppedFields() []DroppedFields {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []DroppedFields{}
	for _, p := range s.platforms {
		if fields := s.dropped[p.Name()]; len(fields) > 0 {
			out = append(out, DroppedFields{Platform: p.Name(), Fields: slices.Clone(fields), RequestsOnly: s.requestsOnly[p.Name()]})
		}
	}
	return out
}

// ClearDroppedFields makes every platform know every field again.
func (s *Server) ClearDroppedFields() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropped = nil
	s.requestsOnly = nil
}

// droppedFor returns the fields the platform drops from requests and those it drops from answers.
func (s *Server) droppedFor(platform string) (requests, answers []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.requestsOnly[platform] {
		return s.dropped[platform], nil
	}
	return s.dropped[platform], s.dropped[platform]
}

func (s *Server) platformNames() string {
	names := make([]string, 0, len(s.platforms))
	for _, p := range s.platforms {
		names = append(names, p.Name())
	}
	return strings.Join(names, ", ")
}

// decodeDroppedFields accepts one {"platform","fields"} object or an array of them.
func decodeDroppedFields(body io.Reader) ([]DroppedFields, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	// Unknown keys are refused: a misspelt "fields" would otherwise clear the platform's list.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rules []DroppedFields
	if len(data) > 0 && data[0] == '[' {
		err = dec.Decode(&rules)
	} else {
		var one DroppedFields
		err = dec.Decode(&one)
		rules = []DroppedFields{one}
	}
	if err != nil {
		return nil, fmt.Errorf(`expected {"platform": "...", "fields": ["..."]} or an array of them: %v`, err)
	}
	return rules, nil
}

// setDroppedFieldsRules validates every rule before applying any, so a refused request changes
// nothing.
func (s *Server) setDroppedFieldsRules(rules []DroppedFields) error {
	for _, r := range rules {
		if !slices.ContainsFunc(s.platforms, func(p mockapi.Platform) bool { return p.Name() == r.Platform }) {
			return fmt.Errorf("unknown platform %q: expected one of %s", r.Platform, s.platformNames())
		}
		if slices.Contains(r.Fields, "") {
			return fmt.Errorf("a field name must not be empty")
		}
	}
	for _, r := range rules {
		if err := s.setDropped(r.Platform, r.Fields, r.RequestsOnly); err != nil {
			return err
		}
	}
	return nil
}

// dropFromRequest removes the fields from a JSON object body; any other body passes unchanged,
// for the platform to refuse as it would.
func dropFromRequest(body []byte, fields []string) []byte {
	if len(fields) == 0 {
		return body
	}
	obj, ok := dropFromObject(body, fields)
	if !ok {
		return body
	}
	return obj
}

// dropFromResponse removes the fields from the objects an answer holds: the answer itself, the
// objects of a bare array, and the objects of arrays one level down (lists wrapped in an
// object, like flashback's aiLlms). Nested objects such as settings keep their keys.
func dropFromResponse(body []byte, fields []string) []byte {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if out, ok := dropFromArray(trimmed, fields); ok {
			return out
		}
		return body
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(trimmed, &obj) != nil || obj == nil {
		return body
	}
	for _, f := range fields {
		delete(obj, f)
	}
	for k, v := range obj {
		if out, ok := dropFromArray(v, fields); ok {
			obj[k] = out
		}
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return body
	}
	return append(out, '\n')
}

func dropFromObject(data []byte, fields []string) ([]byte, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil || obj == nil {
		return nil, false
	}
	for _, f := range fields {
		delete(obj, f)
	}
	out, err := json.Marshal(obj)
	return out, err == nil
}

func dropFromArray(data []byte, fields []string) ([]byte, bool) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(trimmed, &items) != nil {
		return nil, false
	}
	for i, item := range items {
		if out, ok := dropFromObject(item, fields); ok {
			items[i] = out
		}
	}
	out, err := json.Marshal(items)
	return out, err == nil
}

// handleDropping serves the request with the fields dropped from it and from the answer.
func handleDropping(platform mockapi.Platform, w http.ResponseWriter, r *http.Request, body []byte, fields, answerFields []string) {
	answer := httptest.NewRecorder()
	platform.Handle(answer, r, dropFromRequest(body, fields))
	if len(answerFields) == 0 {
		for k, v := range answer.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(answer.Code)
		_, _ = w.Write(answer.Body.Bytes())
		return
	}
	for k, v := range answer.Header() {
		w.Header()[k] = v
	}
	// The body changes length; net/http computes it again.
	w.Header().Del("Content-Length")
	w.WriteHeader(answer.Code)
	_, _ = w.Write(dropFromResponse(answer.Body.Bytes(), answerFields))
}
