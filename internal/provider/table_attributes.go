package provider

import (
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// tableAttribute is one attribute derived from the field table: a field's own attribute, or a
// secret field's write-only twin (x_wo) or that twin's version (x_wo_version).
type tableAttribute struct {
	Name string
	Def  platform.FieldDef
	Role attributeRole
}

type attributeRole int

const (
	roleValue attributeRole = iota
	roleWriteOnly
	roleWriteOnlyVersion
)

// resourceAttributes are the resource's attributes from the table, in its order; with the id
// and the timeouts block they are the whole schema.
var resourceAttributes = func() []tableAttribute {
	var out []tableAttribute
	for _, def := range platform.Fields {
		if def.NotInResource {
			continue
		}
		out = append(out, tableAttribute{Name: string(def.Field), Def: def})
		if def.Secret {
			out = append(out,
				tableAttribute{Name: string(def.Field) + "_wo", Def: def, Role: roleWriteOnly},
				tableAttribute{Name: string(def.Field) + "_wo_version", Def: def, Role: roleWriteOnlyVersion})
		}
	}
	return out
}()

// recordAttributeList are the data sources' attributes from the table: every field shown there
// or set by the platform. With the id they are one record of either data source.
var recordAttributeList = func() []tableAttribute {
	var out []tableAttribute
	for _, def := range platform.Fields {
		if def.InDataSource || def.Output {
			out = append(out, tableAttribute{Name: string(def.Field), Def: def})
		}
	}
	return out
}()

// attrType is the attribute's Terraform type: objects are JSON strings, credentials maps of strings.
func (a tableAttribute) attrType() attr.Type {
	if a.Role == roleWriteOnlyVersion {
		return types.StringType
	}
	switch a.Def.Kind {
	case platform.KindBool:
		return types.BoolType
	case platform.KindInt64:
		return types.Int64Type
	case platform.KindStringMap:
		return stringMapType
	case platform.KindStringList:
		return stringListType
	}
	return types.StringType
}

// stringListType is the type of a list of strings (barndoor's models).
var stringListType = types.ListType{ElemType: types.StringType}

// null is the attribute's null value.
func (a tableAttribute) null() attr.Value {
	switch a.attrType() {
	case types.BoolType:
		return types.BoolNull()
	case types.Int64Type:
		return types.Int64Null()
	case stringMapType:
		return types.MapNull(types.StringType)
	case stringListType:
		return types.ListNull(types.StringType)
	}
	return types.StringNull()
}

// fromJSON is the attribute value of the field's JSON form; nil, or a value of the wrong kind, is
// null.
func (a tableAttribute) fromJSON(v any) attr.Value {
	switch val := v.(type) {
	case string:
		if a.Def.Kind == platform.KindString && val != "" {
			return types.StringValue(val)
		}
	case map[string]any:
		if a.Def.Kind == platform.KindObject {
			data, _ := json.Marshal(val)
			return types.StringValue(string(data))
		}
	case bool:
		if a.Def.Kind == platform.KindBool {
			return types.BoolValue(val)
		}
	case int64:
		if a.Def.Kind == platform.KindInt64 {
			return types.Int64Value(val)
		}
	case []string:
		if a.Def.Kind == platform.KindStringList {
			elems := make([]attr.Value, len(val))
			for i, s := range val {
				elems[i] = types.StringValue(s)
			}
			return types.ListValueMust(types.StringType, elems)
		}
	case map[string]string:
		if a.Def.Kind == platform.KindStringMap {
			elems := make(map[string]attr.Value, len(val))
			for k, s := range val {
				elems[k] = types.StringValue(s)
			}
			return types.MapValueMust(types.StringType, elems)
		}
	}
	return a.null()
}
