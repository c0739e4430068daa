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

type llmProviderResourceModel struct {
	ID                    types.String   `tfsdk:"id"`
	ProviderID            types.String   `tfsdk:"provider_id"`
	Name                  types.String   `tfsdk:"name"`
	ModelProvider         types.String   `tfsdk:"model_provider"`
	BaseURL               types.String   `tfsdk:"base_url"`
	Enabled               types.Bool     `tfsdk:"enabled"`
	APIKey                types.String   `tfsdk:"api_key"`
	APIKeyWO              types.String   `tfsdk:"api_key_wo"`
	APIKeyWOVersion       types.String   `tfsdk:"api_key_wo_version"`
	Secret                types.String   `tfsdk:"secret"`
	SecretWO              types.String   `tfsdk:"secret_wo"`
	SecretWOVersion       types.String   `tfsdk:"secret_wo_version"`
	Credentials           types.Map      `tfsdk:"credentials"`
	CredentialsWO         types.Map      `tfsdk:"credentials_wo"`
	CredentialsWOVersion  types.String   `tfsdk:"credentials_wo_version"`
	WorkspaceID           types.String   `tfsdk:"workspace_id"`
	AuthType              types.String   `tfsdk:"auth_type"`
	ConnectionID          types.String   `tfsdk:"connection_id"`
	CatalogID             types.String   `tfsdk:"catalog_id"`
	Settings              types.String   `tfsdk:"settings"`
	ExtraKwargs           types.String   `tfsdk:"extra_kwargs"`
	RequestTimeoutSecs    types.Int64    `tfsdk:"request_timeout_secs"`
	StreamIdleTimeoutSecs types.Int64    `tfsdk:"stream_idle_timeout_secs"`
	EnforceHealthCheck    types.Bool     `tfsdk:"enforce_health_check"`
	ModelSyncMode         types.String   `tfsdk:"model_sync_mode"`
	BillingMode           types.String   `tfsdk:"billing_mode"`
	BillingReason         types.String   `tfsdk:"billing_reason"`
	BillingNote           types.String   `tfsdk:"billing_note"`
	OrgID                 types.String   `tfsdk:"org_id"`
	CatalogSlug           types.String   `tfsdk:"catalog_slug"`
	CreatedAt             types.String   `tfsdk:"created_at"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// toRecord builds the canonical record from a plan or state, with write-only secrets from the
// configuration. Every field of the table that the model holds is read by its kind.
func (m llmProviderResourceModel) toRecord(_ context.Context, wo writeOnlyValues) (platform.Record, diag.Diagnostics) {
	var diags diag.Diagnostics
	rec := platform.Record{ID: m.ID.ValueString()}
	fields := m.modelFields()
	for _, def := range platform.Fields {
		ptr, ok := fields[string(def.Field)]
		if !ok || def.Output {
			continue
		}
		v, err := jsonForm(def, ptr)
		if err != nil {
			diags.AddAttributeError(path.Root(string(def.Field)), "Invalid JSON Object", fmt.Sprintf("%s must be a JSON object: %s.", def.Field, err))
			continue
		}
		rec.Set(def.Field, v)
	}
	// A write-only secret stands in for its kept twin, which conflicts with it.
	rec.APIKey = firstNonEmpty(rec.APIKey, wo.APIKey)
	rec.Secret = firstNonEmpty(rec.Secret, wo.Secret)
	if len(rec.Credentials) == 0 && wo.Credentials != nil {
		rec.Credentials = wo.Credentials
	}
	return rec, diags
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func (m llmProviderResourceModel) ref() platform.Ref {
	return platform.Ref{ID: m.ID.ValueString(), WorkspaceID: m.WorkspaceID.ValueString()}
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
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
	fields, priorFields := m.modelFields(), prior.modelFields()
	for _, def := range platform.Fields {
		ptr, ok := fields[string(def.Field)]
		if !ok || def.Secret {
			continue
		}
		fs, supported := spec.Fields[def.Field]
		_, computed := spec.Computed[def.Field]
		switch {
		case !supported && !computed:
			setNull(ptr)
		case answered && (rec.Returned[def.Field] || !fs.MayOmit):
			m.takeReturned(spec, def, ptr, rec, settingsKeys)
		case isUnknown(ptr):
			copyValue(ptr, priorFields[string(def.Field)])
			if isUnknown(ptr) {
				setNull(ptr)
			}
		}
	}
}

// takeReturned sets one attribute from the platform's value. A model_provider that means the same
// wire value keeps the configured slug; an object compares as a subset (see objectFromPlatform).
func (m *llmProviderResourceModel) takeReturned(spec platform.Spec, def platform.FieldDef, ptr any, rec platform.Record, settingsKeys []string) {
	switch def.Field {
	case platform.FieldModelProvider:
		if current := m.ModelProvider; !current.IsNull() && !current.IsUnknown() && rec.ModelProvider != "" && spec.SameModelProvider(current.ValueString(), rec.ModelProvider) {
			return
		}
	case platform.FieldSettings:
		m.Settings = objectFromPlatform(m.Settings, rec.Settings, settingsKeys, false)
		return
	case platform.FieldExtraKwargs:
		m.ExtraKwargs = objectFromPlatform(m.ExtraKwargs, rec.ExtraKwargs, nil, true)
		return
	}
	setJSONForm(def, ptr, rec.Value(def.Field))
}

// jsonForm reads a model attribute as the field's JSON form: nil when null or unknown.
func jsonForm(def platform.FieldDef, ptr any) (any, error) {
	switch v := ptr.(type) {
	case *types.String:
		if v.IsNull() || v.IsUnknown() {
			return nil, nil
		}
		if def.Kind == platform.KindObject {
			return parseJSONObject(v.ValueString())
		}
		return v.ValueString(), nil
	case *types.Bool:
		if v.IsNull() || v.IsUnknown() {
			return nil, nil
		}
		return v.ValueBool(), nil
	case *types.Int64:
		if v.IsNull() || v.IsUnknown() {
			return nil, nil
		}
		return v.ValueInt64(), nil
	case *types.Map:
		if v.IsNull() || v.IsUnknown() {
			return nil, nil
		}
		out := make(map[string]string, len(v.Elements()))
		for k, e := range v.Elements() {
			if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
				out[k] = s.ValueString()
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("an attribute of type %T cannot hold %s", ptr, def.Field)
}

// setJSONForm sets a model attribute from the field's JSON form; nil is null.
func setJSONForm(def platform.FieldDef, ptr any, v any) {
	switch p := ptr.(type) {
	case *types.String:
		switch val := v.(type) {
		case string:
			*p = stringOrNull(val)
		case map[string]any:
			data, _ := json.Marshal(val)
			*p = types.StringValue(string(data))
		default:
			*p = types.StringNull()
		}
	case *types.Bool:
		if b, ok := v.(bool); ok {
			*p = types.BoolValue(b)
		} else {
			*p = types.BoolNull()
		}
	case *types.Int64:
		if n, ok := v.(int64); ok {
			*p = types.Int64Value(n)
		} else {
			*p = types.Int64Null()
		}
	case *types.Map:
		m, ok := v.(map[string]string)
		if !ok {
			*p = types.MapNull(types.StringType)
			return
		}
		elems := make(map[string]attr.Value, len(m))
		for k, s := range m {
			elems[k] = types.StringValue(s)
		}
		*p = types.MapValueMust(types.StringType, elems)
	}
	_ = def
}

func isUnknown(ptr any) bool {
	if v, ok := reflectValueOK(ptr); ok {
		return v.IsUnknown()
	}
	return false
}

func setNull(ptr any) {
	switch p := ptr.(type) {
	case *types.String:
		*p = types.StringNull()
	case *types.Bool:
		*p = types.BoolNull()
	case *types.Int64:
		*p = types.Int64Null()
	case *types.Map:
		*p = types.MapNull(types.StringType)
	}
}

// copyValue copies the attribute from to the attribute ptr points at; both are of one type, and
// nothing is copied when they are not.
func copyValue(ptr, from any) {
	switch p := ptr.(type) {
	case *types.String:
		if v, ok := from.(*types.String); ok {
			*p = *v
		}
	case *types.Bool:
		if v, ok := from.(*types.Bool); ok {
			*p = *v
		}
	case *types.Int64:
		if v, ok := from.(*types.Int64); ok {
			*p = *v
		}
	case *types.Map:
		if v, ok := from.(*types.Map); ok {
			*p = *v
		}
	}
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
// per record than the rest of a read. modelFields names every attribute; a test checks it
// against the schema, so an attribute added to one and not the other fails.

// modelFields maps each attribute name to the model's field that holds it.
func (m *llmProviderResourceModel) modelFields() map[string]any {
	return map[string]any{
		"id": &m.ID, "provider_id": &m.ProviderID, "name": &m.Name, "model_provider": &m.ModelProvider,
		"base_url": &m.BaseURL, "enabled": &m.Enabled, "api_key": &m.APIKey, "api_key_wo": &m.APIKeyWO,
		"api_key_wo_version": &m.APIKeyWOVersion, "secret": &m.Secret, "secret_wo": &m.SecretWO,
		"secret_wo_version": &m.SecretWOVersion, "credentials": &m.Credentials, "credentials_wo": &m.CredentialsWO,
		"credentials_wo_version": &m.CredentialsWOVersion, "workspace_id": &m.WorkspaceID, "auth_type": &m.AuthType,
		"connection_id": &m.ConnectionID, "catalog_id": &m.CatalogID, "settings": &m.Settings,
		"extra_kwargs": &m.ExtraKwargs, "request_timeout_secs": &m.RequestTimeoutSecs,
		"stream_idle_timeout_secs": &m.StreamIdleTimeoutSecs, "org_id": &m.OrgID, "catalog_slug": &m.CatalogSlug,
		"created_at": &m.CreatedAt, "timeouts": &m.Timeouts,
		"model_sync_mode": &m.ModelSyncMode, "enforce_health_check": &m.EnforceHealthCheck,
		"billing_mode": &m.BillingMode, "billing_reason": &m.BillingReason, "billing_note": &m.BillingNote,
	}
}

// timeoutsType is the type of the timeouts block, the one timeouts.Block builds for all four operations.
var timeoutsType = timeouts.Type{ObjectType: types.ObjectType{AttrTypes: map[string]attr.Type{
	"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
}}}

// stringMapType is the type of the credentials attributes.
var stringMapType = types.MapType{ElemType: types.StringType}

// modelFrom reads a plan, state or configuration value into the model.
func modelFrom(ctx context.Context, raw tftypes.Value) (llmProviderResourceModel, diag.Diagnostics) {
	var m llmProviderResourceModel
	var diags diag.Diagnostics
	attrs := rawAttributes(raw)
	for name, field := range m.modelFields() {
		v, ok := attrs[name]
		if !ok {
			diags.AddError("Unexpected Resource Value", fmt.Sprintf("The value has no %q attribute. This is always a bug in the provider. Please report it to the provider developers.", name))
			continue
		}
		var err error
		switch f := field.(type) {
		case *types.String:
			err = assign(ctx, f, types.StringType, v)
		case *types.Bool:
			err = assign(ctx, f, types.BoolType, v)
		case *types.Int64:
			err = assign(ctx, f, types.Int64Type, v)
		case *types.Map:
			err = assign(ctx, f, stringMapType, v)
		case *timeouts.Value:
			err = assign(ctx, f, timeoutsType, v)
		}
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unexpected Resource Value", fmt.Sprintf("%s cannot be read: %s. This is always a bug in the provider. Please report it to the provider developers.", name, err))
		}
	}
	return m, diags
}

// terraformValue is the model as a value of the resource's object type.
func (m llmProviderResourceModel) terraformValue(ctx context.Context, typ tftypes.Type) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	fields := m.modelFields()
	attrs := make(map[string]tftypes.Value, len(fields))
	for name, field := range fields {
		v, err := reflectValue(field).ToTerraformValue(ctx)
		if err != nil {
			diags.AddAttributeError(path.Root(name), "Unexpected Resource Value", fmt.Sprintf("%s cannot be written: %s. This is always a bug in the provider. Please report it to the provider developers.", name, err))
		}
		attrs[name] = v
	}
	return tftypes.NewValue(typ, attrs), diags
}

// reflectValue is the attr.Value a modelFields pointer points at.
func reflectValue(field any) attr.Value {
	v, ok := reflectValueOK(field)
	if !ok {
		panic(fmt.Sprintf("modelFields holds a %T", field))
	}
	return v
}

func reflectValueOK(field any) (attr.Value, bool) {
	switch f := field.(type) {
	case *types.String:
		return *f, true
	case *types.Bool:
		return *f, true
	case *types.Int64:
		return *f, true
	case *types.Map:
		return *f, true
	case *timeouts.Value:
		return *f, true
	}
	return nil, false
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
