package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
)

// TestEnforceHealthCheckMapping covers the attribute both ways, on a platform that has it and on
// those that do not, whichever they are.
func TestEnforceHealthCheckMapping(t *testing.T) {
	ctx := context.Background()
	no, yes := false, true
	for _, spec := range platforms.Specs() {
		has := spec.Supports(platform.FieldEnforceHealthCheck)
		t.Run(string(spec.Name), func(t *testing.T) {
			// Plan to record: unknown (left to the platform) and null are not sent; a value is.
			for _, tc := range []struct {
				in   types.Bool
				want *bool
			}{{types.BoolUnknown(), nil}, {types.BoolNull(), nil}, {types.BoolValue(false), &no}} {
				m := healthCheckModel(tc.in)
				rec, diags := m.toRecord(ctx, writeOnlyValues{})
				if diags.HasError() || !equalBool(rec.EnforceHealthCheck, tc.want) {
					t.Errorf("toRecord(%s) = %v, want %v", tc.in, rec.EnforceHealthCheck, tc.want)
				}
			}
			// Record to state: what the platform returned; null when an answer of the record lacks
			// it (a version without the field) and on platforms that have no such field.
			for _, tc := range []struct {
				rec  *bool
				want types.Bool
			}{{&yes, types.BoolValue(true)}, {&no, types.BoolValue(false)}, {nil, types.BoolNull()}} {
				m := healthCheckModel(types.BoolValue(false))
				rec := platform.Record{ID: "x", EnforceHealthCheck: tc.rec, Returned: map[platform.Field]bool{platform.FieldName: true}}
				if tc.rec != nil {
					rec.Returned[platform.FieldEnforceHealthCheck] = true
				}
				m.fromPlatform(spec, rec, llmProviderResourceModel{}, nil)
				want := tc.want
				if !has {
					want = types.BoolNull()
				}
				if !m.value("enforce_health_check").Equal(want) {
					t.Errorf("fromPlatform(%v) = %s, want %s", tc.rec, m.value("enforce_health_check"), want)
				}
				ds := recordModel(spec, platform.Record{ID: "x", EnforceHealthCheck: tc.rec})
				if !ds.values["enforce_health_check"].Equal(want) {
					t.Errorf("recordModel(%v) = %s, want %s", tc.rec, ds.values["enforce_health_check"], want)
				}
			}
			if !has {
				return
			}
			// An answer that holds only the id keeps what was planned, and an unknown takes the prior state.
			m := healthCheckModel(types.BoolValue(false))
			m.fromPlatform(spec, platform.DecodeIDOnly("x"), healthCheckModel(types.BoolValue(true)), nil)
			if !m.value("enforce_health_check").Equal(types.BoolValue(false)) {
				t.Errorf("id-only answer: %s, want the planned false", m.value("enforce_health_check"))
			}
			m = healthCheckModel(types.BoolUnknown())
			m.fromPlatform(spec, platform.DecodeIDOnly("x"), healthCheckModel(types.BoolValue(true)), nil)
			if !m.value("enforce_health_check").Equal(types.BoolValue(true)) {
				t.Errorf("id-only answer, unknown planned: %s, want the prior true", m.value("enforce_health_check"))
			}
		})
	}
}

func equalBool(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func healthCheckModel(v types.Bool) llmProviderResourceModel {
	return withValues(types.StringNull(), map[string]attr.Value{"enforce_health_check": v})
}
