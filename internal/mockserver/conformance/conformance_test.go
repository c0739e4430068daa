package conformance

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestCheckFindsEveryKindOfProblem proves the checker can fail: each broken field is reported.
func TestCheckFindsEveryKindOfProblem(t *testing.T) {
	spec := []Field{
		Req("id", String), Req("count", Integer), Req("when", DateTime), Req("mode", String).OneOf("off", "full"),
		Req("key", String).OrNull(), Opt("note", String), Req("items", Array).Of(Req("name", String)),
	}
	obj := map[string]any{
		"count": 1.5, "when": "yesterday", "mode": "sometimes", "note": nil,
		"items": []any{map[string]any{"name": 3.0}},
	}
	got := Check(obj, spec)
	want := []string{
		"id is required but missing",
		"count = 1.5 (float64), want an integer",
		"when = yesterday (string), want an RFC 3339 date-time",
		"mode = sometimes (string), want one of off, full",
		"key is required but missing",
		"note is null but not nullable",
		"items[0].name = 3 (float64), want a string",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Check found\n%q\nwant\n%q", got, want)
	}
	ok := map[string]any{"id": "a", "count": 2.0, "when": "2026-01-02T03:04:05.000Z", "mode": "off", "key": nil, "items": []any{}}
	if p := Check(ok, spec); len(p) != 0 {
		t.Errorf("a conforming object has problems: %v", p)
	}
}

func TestNullableMarshalsUnsetNullAndValue(t *testing.T) {
	type body struct {
		A Nullable[string] `json:"a,omitzero"`
		B Nullable[string] `json:"b,omitzero"`
		C Nullable[int]    `json:"c,omitzero"`
	}
	data, err := json.Marshal(body{B: Null[string](), C: Value(7)})
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"b":null,"c":7}` {
		t.Errorf("marshalled %s, want {\"b\":null,\"c\":7}", data)
	}
}
