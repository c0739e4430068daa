package provider

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// resourceOmits are the table's fields the resource has no attribute for, each with its reason.
var resourceOmits = map[platform.Field]string{
	// It changed on every update and showed "(known after apply)" in every plan (CHANGELOG).
	platform.FieldUpdatedAt: "read it from the data sources",
	// A record the platform manages itself cannot be created, changed or deleted, so no resource
	// ever holds one; the data sources show it, and the list resource leaves such records out.
	platform.FieldManaged: "a resource never holds a managed record",
	// Both change without any configuration change (a health check, binding a connection): in the
	// resource they would show as changes outside Terraform on every refresh.
	platform.FieldHealthStatus: "read it from the data sources",
	platform.FieldSecretPath:   "read it from the data sources",
}

// Attributes that are not fields of the table: the id, the timeouts block and each secret's
// write-only twin and its version.
func resourceOnlyAttributes() []string {
	out := []string{"id", "timeouts"}
	for _, f := range platform.SecretFields {
		out = append(out, string(f)+"_wo", string(f)+"_wo_version")
	}
	return out
}

// everyField is a record with every field of the table set, and a Spec with every field, so a
// conversion that drops one shows it as null.
func everyField() (platform.Spec, platform.Record) {
	spec := platform.Spec{Name: "every", Fields: map[platform.Field]platform.FieldSpec{}, Computed: map[platform.Field]string{}}
	rec := platform.Record{ID: "id-1", Returned: map[platform.Field]bool{}}
	for _, def := range platform.Fields {
		if def.Output {
			spec.Computed[def.Field] = string(def.Field)
		} else {
			spec.Fields[def.Field] = platform.FieldSpec{Wire: string(def.Field)}
		}
		var v any
		switch def.Kind {
		case platform.KindString:
			v = "v-" + string(def.Field)
		case platform.KindBool:
			v = true
		case platform.KindInt64:
			v = int64(7)
		case platform.KindStringMap:
			v = map[string]string{"k": "v"}
		case platform.KindObject:
			v = map[string]any{"k": json.Number("1")}
		}
		rec.Set(def.Field, v)
		rec.Returned[def.Field] = true
	}
	return spec, rec
}

// TestFieldTable_resourceCoversTheTable: every field of the table is an attribute of the resource
// (or is listed in resourceOmits), every attribute is a field of the table (or resource-only), and
// fromPlatform fills each non-secret one from a record that sets them all.
func TestFieldTable_resourceCoversTheTable(t *testing.T) {
	var resp fwresource.SchemaResponse
	NewLLMProviderResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	var m llmProviderResourceModel
	fields := m.modelFields()
	for _, def := range platform.Fields {
		_, has := fields[string(def.Field)]
		if _, omitted := resourceOmits[def.Field]; has == omitted {
			t.Errorf("table field %s: in the resource model %v, listed as omitted %v", def.Field, has, omitted)
		}
	}
	for name := range fields {
		if _, ok := platform.DefOf(platform.Field(name)); !ok && !slices.Contains(resourceOnlyAttributes(), name) {
			t.Errorf("resource attribute %q is neither a table field nor resource-only", name)
		}
		if _, ok := resp.Schema.Attributes[name]; !ok && resp.Schema.Blocks[name] == nil {
			t.Errorf("model field %q has no schema attribute", name)
		}
	}
	spec, rec := everyField()
	var out llmProviderResourceModel
	out.fromPlatform(spec, rec, llmProviderResourceModel{}, nil)
	for _, def := range platform.Fields {
		ptr, ok := out.modelFields()[string(def.Field)]
		if !ok || def.Secret {
			continue
		}
		if v := reflectValue(ptr); v.IsNull() || v.IsUnknown() {
			t.Errorf("fromPlatform left %s %v from a record that sets it", def.Field, v)
		}
	}
}

// TestFieldTable_dataSourcesCoverTheTable: the data sources show exactly the table's fields that
// are in the data sources or set by the platform, both schemas agree with the model, and
// recordModel fills each from a record that sets them all.
func TestFieldTable_dataSourcesCoverTheTable(t *testing.T) {
	var m llmProviderRecordModel
	fields := m.modelFields()
	for _, def := range platform.Fields {
		_, has := fields[string(def.Field)]
		if want := def.InDataSource || def.Output; has != want {
			t.Errorf("table field %s: in the data source model %v, want %v", def.Field, has, want)
		}
	}
	for name := range fields {
		if _, ok := platform.DefOf(platform.Field(name)); !ok && name != "id" {
			t.Errorf("data source attribute %q is not a table field", name)
		}
	}
	var one, all datasource.SchemaResponse
	NewLLMProviderDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &one)
	NewLLMProvidersDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &all)
	element := recordAttributes(nil)
	for name := range fields {
		if _, ok := one.Schema.Attributes[name]; !ok {
			t.Errorf("llm_provider data source has no attribute %q", name)
		}
		if _, ok := element[name]; !ok {
			t.Errorf("llm_providers element has no attribute %q", name)
		}
	}
	if len(element) != len(fields) {
		t.Errorf("llm_providers element has %d attributes, the model %d", len(element), len(fields))
	}
	if _, ok := all.Schema.Attributes["providers"]; !ok {
		t.Error("llm_providers has no providers attribute")
	}
	spec, rec := everyField()
	out := recordModel(spec, rec)
	for name, ptr := range out.modelFields() {
		if v := reflectValue(ptr); v.IsNull() || v.IsUnknown() {
			t.Errorf("recordModel left %s %v from a record that sets it", name, v)
		}
	}
}
