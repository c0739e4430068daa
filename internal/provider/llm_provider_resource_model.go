package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// llmProviderResourceModel is the resource's plan, state or configuration. The attributes the
// field table derives (resourceAttributes) are held by name in values, so an attribute added to
// the table needs no code here; one not in values is null. A model is never copied by
// assignment, so no two share values.
type llmProviderResourceModel struct {
	ID       types.String
	Timeouts timeouts.Value
	values   map[string]attr.Value
}

// resourceAttributeIndex finds a table attribute of the resource by name.
var resourceAttributeIndex = func() map[string]tableAttribute {
	out := make(map[string]tableAttribute, len(resourceAttributes))
	for _, a := range resourceAttributes {
		out[a.Name] = a
	}
	return out
}()

// value is the model's value of a table attribute; null when unset.
func (m llmProviderResourceModel) value(name string) attr.Value {
	if v, ok := m.values[name]; ok {
		return v
	}
	a, ok := resourceAttributeIndex[name]
	if !ok {
		panic(fmt.Sprintf("llm_provider has no attribute %q", name))
	}
	return a.null()
}

// String is the value of a string attribute (a field's, or a write-only version).
func (m llmProviderResourceModel) String(name string) types.String {
	s, _ := m.value(name).(types.String)
	return s
}

func (m *llmProviderResourceModel) set(name string, v attr.Value) {
	if m.values == nil {
		m.values = make(map[string]attr.Value, len(resourceAttributes))
	}
	m.values[name] = v
}

// withValues is a model with the id and the given attribute values, the others null.
func withValues(id types.String, values map[string]attr.Value) llmProviderResourceModel {
	m := llmProviderResourceModel{ID: id, Timeouts: timeouts.Value{Object: types.ObjectNull(timeoutsType.AttrTypes)}}
	for name, v := range values {
		m.set(name, v)
	}
	return m
}

// toRecord builds the canonical record from a plan or state, with write-only secrets from the
// configuration. Every field of the table that the model holds is read by its kind.
func (m llmProviderResourceModel) toRecord(_ context.Context, wo writeOnlyValues) (platform.Record, diag.Diagnostics) {
	var diags diag.Diagnostics
	rec := platform.Record{ID: m.ID.ValueString()}
	for _, a := range resourceAttributes {
		if a.Role != roleValue || a.Def.Output {
			continue
		}
		v, err := jsonForm(a.Def, m.value(a.Name))
		if err != nil {
			diags.AddAttributeError(path.Root(a.Name), "Invalid JSON Object", fmt.Sprintf("%s must be a JSON object: %s.", a.Name, err))
			continue
		}
		rec.Set(a.Def.Field, v)
	}
	// A write-only secret stands in for its kept twin, which conflicts with it.
	for f, v := range wo {
		if !rec.IsSet(f) {
			rec.Set(f, v)
		}
	}
	return rec, diags
}

func (m llmProviderResourceModel) ref() platform.Ref {
	return platform.Ref{ID: m.ID.ValueString(), WorkspaceID: m.String(string(platform.FieldWorkspaceID)).ValueString()}
}

// fromPlatform is the one rule by which create, read, update and import write state: state is
// what the platform holds. A field the platform's answer carried (rec.Returned), or one it is
// documented always to return and left out, is taken from the answer, so an out-of-band change
// shows as drift. What the platform does not return keeps the model's current value (the plan on
// create and update, the state on read), and a value still unknown takes prior's: secrets and
// write-only versions, fields the platform is documented to omit (FieldSpec.MayOmit) when this
// answer did, and everything but the id after a write that answers only the id. Attributes the
// platform does not have are null.
func (m *llmProviderResourceModel) fromPlatform(spec platform.Spec, rec platform.Record, prior llmProviderResourceModel, settingsKeys []string) {
	if rec.ID != "" {
		m.ID = types.StringValue(rec.ID)
	}
	answered := len(rec.Returned) > 0
	for _, a := range resourceAttributes {
		def := a.Def
		if a.Role != roleValue || def.Secret {
			continue
		}
		fs, supported := spec.Fields[def.Field]
		_, computed := spec.Computed[def.Field]
		switch {
		case !supported && !computed:
			m.set(a.Name, a.null())
		case answered && (rec.Returned[def.Field] || !fs.MayOmit):
			m.takeReturned(spec, a, rec, settingsKeys)
		case m.value(a.Name).IsUnknown():
			v := prior.value(a.Name)
			if v.IsUnknown() {
				v = a.null()
			}
			m.set(a.Name, v)
		}
	}
}

// takeReturned sets one attribute from the platform's value. A model_provider that means the same
// wire value keeps the configured slug; an object compares as a subset (see objectFromPlatform).
func (m *llmProviderResourceModel) takeReturned(spec platform.Spec, a tableAttribute, rec platform.Record, settingsKeys []string) {
	switch a.Def.Field {
	case platform.FieldModelProvider:
		if current := m.String(a.Name); !current.IsNull() && !current.IsUnknown() && rec.ModelProvider != "" && spec.SameModelProvider(current.ValueString(), rec.ModelProvider) {
			return
		}
	case platform.FieldSettings:
		m.set(a.Name, objectFromPlatform(m.String(a.Name), rec.Settings, settingsKeys, false))
		return
	case platform.FieldExtraKwargs:
		m.set(a.Name, objectFromPlatform(m.String(a.Name), rec.ExtraKwargs, nil, true))
		return
	}
	m.set(a.Name, a.fromJSON(rec.Value(a.Def.Field)))
}

// jsonForm reads an attribute value as the field's JSON form: nil when null or unknown.
func jsonForm(def platform.FieldDef, v attr.Value) (any, error) {
	if v == nil || v.IsNull() || v.IsUnknown() {
		return nil, nil
	}
	switch v := v.(type) {
	case types.String:
		if def.Kind == platform.KindObject {
			return parseJSONObject(v.ValueString())
		}
		return v.ValueString(), nil
	case types.Bool:
		return v.ValueBool(), nil
	case types.Int64:
		return v.ValueInt64(), nil
	case types.List:
		out := make([]string, 0, len(v.Elements()))
		for _, e := range v.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out = append(out, s.ValueString())
			}
		}
		return out, nil
	case types.Map:
		out := make(map[string]string, len(v.Elements()))
		for k, e := range v.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out[k] = s.ValueString()
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("an attribute of type %T cannot hold %s", v, def.Field)
}

// objectFromPlatform turns the platform's JSON object (settings, extra_kwargs) into the
// attribute value. Keys the platform adds itself (platformKeys) never show unless configured;
// any other returned key shows, so an out-of-band change is drift. Where the platform both adds
// and withholds keys (subset: extra_kwargs, whose stored secrets some versions echo and others
// leave out), only the configured keys are compared, each with what the platform returned for it
// or, where it returned nothing, with what was configured. The current string is kept when it
// means the same object, so JSON formatting never shows either.
func objectFromPlatform(current types.String, server map[string]any, platformKeys []string, subset bool) types.String {
	var currentObj map[string]any
	if !current.IsNull() && !current.IsUnknown() {
		currentObj, _ = parseJSONObject(current.ValueString())
	}
	visible := map[string]any{}
	if subset && currentObj != nil {
		for k, v := range currentObj {
			if returned, ok := server[k]; ok {
				v = returned
			}
			visible[k] = v
		}
	} else {
		for k, v := range server {
			if _, mine := currentObj[k]; !mine && slices.Contains(platformKeys, k) {
				continue
			}
			visible[k] = v
		}
	}
	if currentObj != nil && platform.SameJSON(currentObj, visible) {
		return current
	}
	if len(visible) == 0 && (current.IsNull() || current.IsUnknown()) {
		return types.StringNull()
	}
	data, _ := json.Marshal(visible)
	return types.StringValue(string(data))
}

// platformAddedKeys lists the settings keys the platform returned that were not sent, and those
// it names as its own (ignored even on import, before this resource has seen what it sent).
func platformAddedKeys(sent map[string]any, returned platform.Record) []string {
	keys := slices.Clone(returned.PlatformSettingsKeys)
	for k := range returned.Settings {
		if _, ok := sent[k]; !ok && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// loadSettingsKeys is the settings keys the platform added, as saved in private state, with those
// the record names as the platform's own.
func loadSettingsKeys(ctx context.Context, rec platform.Record, private privateGetter) []string {
	keys := slices.Clone(rec.PlatformSettingsKeys)
	if private == nil {
		return keys
	}
	data, _ := private.GetKey(ctx, privateSettingsServerKeys)
	var stored []string
	if len(data) > 0 && json.Unmarshal(data, &stored) == nil {
		for _, k := range stored {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func saveSettingsKeys(ctx context.Context, private privateSetter, keys []string) diag.Diagnostics {
	data, _ := json.Marshal(keys)
	return private.SetKey(ctx, privateSettingsServerKeys, data)
}

// The model is converted to and from Terraform values by hand: the framework's reflection
// compiles a regular expression for every struct field on every Get and Set, which cost more
// per record than the rest of a read. The attributes come from the table, so the conversion
// covers exactly the schema; a test checks both directions.

// timeoutsType is the type of the timeouts block, the one timeouts.Block builds for all four operations.
var timeoutsType = timeouts.Type{ObjectType: types.ObjectType{AttrTypes: map[string]attr.Type{
	"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
}}}

// stringMapType is the type of the credentials attributes.
var stringMapType = types.MapType{ElemType: types.StringType}

// modelFrom reads a plan, state or configuration value into the model.
func modelFrom(ctx context.Context, raw tftypes.Value) (llmProviderResourceModel, diag.Diagnostics) {
	m := llmProviderResourceModel{values: make(map[string]attr.Value, len(resourceAttributes))}
	var diags diag.Diagnostics
	attrs := rawAttributes(raw)
	read := func(name string, decode func(tftypes.Value) error) {
		v, ok := attrs[name]
		if !ok {
			diags.AddError("Unexpected Resource Value", fmt.Sprintf("The value has no %q attribute. This is always a bug in the provider. Please report it to the provider developers.", name))
			return
		}
		if err := decode(v); err != nil {
			diags.AddAttributeError(path.Root(name), "Unexpected Resource Value", fmt.Sprintf("%s cannot be read: %s. This is always a bug in the provider. Please report it to the provider developers.", name, err))
		}
	}
	read("id", func(v tftypes.Value) error { return assign(ctx, &m.ID, types.StringType, v) })
	read("timeouts", func(v tftypes.Value) error { return assign(ctx, &m.Timeouts, timeoutsType, v) })
	for _, a := range resourceAttributes {
		read(a.Name, func(v tftypes.Value) error {
			val, err := a.attrType().ValueFromTerraform(ctx, v)
			m.values[a.Name] = val
			return err
		})
	}
	return m, diags
}

// terraformValue is the model as a value of the resource's object type.
func (m llmProviderResourceModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	attrs := make(map[string]tftypes.Value, len(resourceAttributes)+2)
	write := func(name string, v attr.Value) {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unexpected Resource Value", fmt.Sprintf("%s cannot be written: %s. This is always a bug in the provider. Please report it to the provider developers.", name, err))
		}
		attrs[name] = tv
	}
	write("id", m.ID)
	write("timeouts", m.Timeouts)
	for _, a := range resourceAttributes {
		write(a.Name, m.value(a.Name))
	}
	return tftypes.NewValue(typ, attrs), diags
}

// setState writes the model to a state. The framework hands every response a state of the
// schema's type already, so its type is taken from there rather than built from the schema again.
func setState(ctx context.Context, state *tfsdk.State, m llmProviderResourceModel) diag.Diagnostics {
	typ := state.Raw.Type()
	if typ == nil {
		typ = state.Schema.Type().TerraformType(ctx)
	}
	raw, diags := m.terraformValue(ctx, typ)
	if !diags.HasError() {
		state.Raw = raw
	}
	return diags
}

// assign decodes a Terraform value with its attribute type into the model field dst.
func assign[T attr.Value](ctx context.Context, dst *T, typ attr.Type, v tftypes.Value) error {
	val, err := typ.ValueFromTerraform(ctx, v)
	if err != nil {
		return err
	}
	typed, ok := val.(T)
	if !ok {
		return fmt.Errorf("decoded %T, want %T", val, *dst)
	}
	*dst = typed
	return nil
}
