// Package platformtest holds what the platform packages' tests share: the table that drives the
// update planner for one platform and asserts the exact wire body it sends.
package platformtest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// MustPlanUpdate is the patch the resource's Update would send for the change; it fails the
// test on an error.
func MustPlanUpdate(t *testing.T, c platform.Client, prior, planned platform.Record, rotated ...platform.Field) platform.Patch {
	t.Helper()
	p, err := platform.PlanUpdate(c, prior, planned, rotated)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// UpdateCase is one planned change and the body the platform must receive for it.
type UpdateCase struct {
	Name           string
	Prior, Planned platform.Record
	// Rotated lists the secrets the configuration rotated.
	Rotated []platform.Field
	// Body is the exact wire body as JSON; "" means nothing is sent.
	Body string
	// Err, when set, is a part of the error the planner must return instead of a body.
	Err string
}

// RunUpdateCases plans each case with platform.PlanUpdate on c and compares the body, by its JSON
// encoding, with the one the case wants.
func RunUpdateCases(t *testing.T, c platform.Client, cases []UpdateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			p, err := platform.PlanUpdate(c, tc.Prior, tc.Planned, tc.Rotated)
			if tc.Err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.Err) {
					t.Fatalf("PlanUpdate = body %v, error %v; want an error containing %q", p.Body, err, tc.Err)
				}
				return
			}
			if err != nil {
				t.Fatalf("PlanUpdate: %v", err)
			}
			if tc.Body == "" {
				if !p.Empty() || p.Body != nil {
					t.Fatalf("PlanUpdate sends fields %v, body %v; want nothing", p.Fields, p.Body)
				}
				return
			}
			got, err := json.Marshal(p.Body)
			if err != nil {
				t.Fatal(err)
			}
			if want := compact(t, tc.Body); string(got) != want {
				t.Fatalf("wire body\n got %s\nwant %s", got, want)
			}
			if p.Empty() {
				t.Fatalf("a patch with body %s lists no fields", got)
			}
		})
	}
}

// compact re-encodes a JSON text with sorted keys and no spaces, as json.Marshal writes a map.
func compact(t *testing.T, s string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("the case's body %s is not JSON: %v", s, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Update sends the change of p's fields to p's values through c, its body built by c's wire
// mapping (Client.UpdateBody) as PlanUpdate builds it, so a test can name the fields it sends.
func Update(ctx context.Context, c platform.Client, ref platform.Ref, p platform.Patch) (platform.Record, error) {
	body, sent, err := c.UpdateBody(platform.Record{}, p.Values, p.Fields)
	if err != nil {
		return platform.Record{}, err
	}
	return c.Update(ctx, ref, platform.Patch{Fields: sent, Values: p.Values, Body: body})
}
