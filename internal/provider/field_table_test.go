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
		case platform.KindStringList:
			v = []string{"a", "b"}
		case platform.KindObject:
			v = map[string]any{"k": json.Number("1")}
		}
		rec.Set(def.Field, v)
		rec.Returned[def.Field] = true
	}
	return spec, rec
}

// TestFieldTable_resourceCoversTheTable: every field of the table is an attribute of the resource
// unless the table keeps it to the data sources, every attribute is a field of the table (or the
// id, the timeouts or a secret's write-only twin and version), and fromPlatform fills each
// non-secret one from a record that sets them all.
func TestFieldTable_resourceCoversTheTable(t *testing.T) {
	var resp fwresource.SchemaResponse
	NewLLMProviderResource().Schema(context.Background(), fwresource.SchemaRequest{}, &resp)
	for _, def := range platform.Fields {
		_, has := resp.Schema.Attributes[string(def.Field)]
		if has == def.NotInResource {
			t.Errorf("table field %s: in the resource schema %v, kept to the data sources %v", def.Field, has, def.NotInResource)
		}
	}
	for name := range resp.Schema.Attributes {
		if _, ok := platform.DefOf(platform.Field(name)); !ok && !slices.Contains(resourceOnlyAttributes(), name) {
			t.Errorf("resource attribute %q is neither a table field nor resource-only", name)
		}
	}
	spec, rec := everyField()
	var out llmProviderResourceModel
	out.fromPlatform(spec, rec, llmProviderResourceModel{}, nil)
	for _, a := range resourceAttributes {
		if a.Role != roleValue || a.Def.Secret {
			continue
		}
		if v := out.value(a.Name); v.IsNull() || v.IsUnknown() {
			t.Errorf("fromPlatform left %s %v from a record that sets it", a.Name, v)
		}
	}
	// And back: toRecord sends each configurable field the model holds.
	back, diags := out.toRecord(context.Background(), writeOnlyValues{})
	if diags.HasError() {
		t.Fatal(diags)
	}
	for _, a := range resourceAttributes {
		if a.Role == roleValue && !a.Def.Output && !a.Def.Secret && !platform.SameValue(a.Def.Field, back, rec) {
			t.Errorf("toRecord: %s is %v, the record it came from %v", a.Name, back.Value(a.Def.Field), rec.Value(a.Def.Field))
		}
	}
}

// TestFieldTable_dataSourcesCoverTheTable: the data sources show exactly the table's fields that
// are in the data sources or set by the platform, both schemas agree with the model's type, and
// recordModel fills each from a record that sets them all.
func TestFieldTable_dataSourcesCoverTheTable(t *testing.T) {
	want := map[string]bool{"id": true}
	for _, def := range platform.Fields {
		if def.InDataSource || def.Output {
			want[string(def.Field)] = true
		}
	}
	var one, all datasource.SchemaResponse
	NewLLMProviderDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &one)
	NewLLMProvidersDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &all)
	element := recordAttributes(nil)
	for what, attrs := range map[string]int{"llm_provider data source": len(one.Schema.Attributes), "llm_providers element": len(element),
		"record type": len(recordObjectType.AttrTypes)} {
		if attrs != len(want) {
			t.Errorf("%s has %d attributes, the table %d", what, attrs, len(want))
		}
	}
	for name := range want {
		if _, ok := one.Schema.Attributes[name]; !ok {
			t.Errorf("llm_provider data source has no attribute %q", name)
		}
		if _, ok := element[name]; !ok {
			t.Errorf("llm_providers element has no attribute %q", name)
		}
		if _, ok := recordObjectType.AttrTypes[name]; !ok {
			t.Errorf("the record type has no attribute %q", name)
		}
	}
	if got := one.Schema.Type().TerraformType(context.Background()); !got.Equal(recordObjectType.TerraformType(context.Background())) {
		t.Errorf("the llm_provider data source's type %s is not the record type %s", got, recordObjectType)
	}
	if _, ok := all.Schema.Attributes["providers"]; !ok {
		t.Error("llm_providers has no providers attribute")
	}
	spec, rec := everyField()
	out := recordModel(spec, rec).object()
	for name, v := range out.Attributes() {
		if v.IsNull() || v.IsUnknown() {
			t.Errorf("recordModel left %s %v from a record that sets it", name, v)
		}
	}
}

// resourceOnlyAttributes are the attributes that are not fields of the table: the id, the
// timeouts block and each secret's write-only twin and its version.
func resourceOnlyAttributes() []string {
	out := []string{"id", "timeouts"}
	for _, f := range platform.SecretFields {
		out = append(out, string(f)+"_wo", string(f)+"_wo_version")
	}
	return out
}
