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
	OrgID                 types.String   `tfsdk:"org_id"`
	CatalogSlug           types.String   `tfsdk:"catalog_slug"`
	CreatedAt             types.String   `tfsdk:"created_at"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// toRecord builds the canonical record from a plan or state, with write-only secrets from the configuration.
func (m llmProviderResourceModel) toRecord(ctx context.Context, wo writeOnlyValues) (platform.Record, diag.Diagnostics) {
	var diags diag.Diagnostics
	rec := platform.Record{
		ID: m.ID.ValueString(), ProviderID: m.ProviderID.ValueString(), Name: m.Name.ValueString(),
		ModelProvider: m.ModelProvider.ValueString(), BaseURL: m.BaseURL.ValueString(),
		APIKey: firstNonEmpty(m.APIKey.ValueString(), wo.APIKey), Secret: firstNonEmpty(m.Secret.ValueString(), wo.Secret),
		WorkspaceID: m.WorkspaceID.ValueString(), AuthType: m.AuthType.ValueString(), ConnectionID: m.ConnectionID.ValueString(),
		CatalogID: m.CatalogID.ValueString(),
	}
	if !m.Enabled.IsNull() && !m.Enabled.IsUnknown() {
		rec.Enabled = m.Enabled.ValueBoolPointer()
	}
	if !m.EnforceHealthCheck.IsNull() && !m.EnforceHealthCheck.IsUnknown() {
		rec.EnforceHealthCheck = m.EnforceHealthCheck.ValueBoolPointer()
	}
	if !m.RequestTimeoutSecs.IsNull() {
		rec.RequestTimeoutSecs = m.RequestTimeoutSecs.ValueInt64Pointer()
	}
	if !m.StreamIdleTimeoutSecs.IsNull() {
		rec.StreamIdleTimeoutSecs = m.StreamIdleTimeoutSecs.ValueInt64Pointer()
	}
	if !m.Credentials.IsNull() && !m.Credentials.IsUnknown() {
		diags.Append(m.Credentials.ElementsAs(ctx, &rec.Credentials, false)...)
	} else if wo.Credentials != nil {
		rec.Credentials = wo.Credentials
	}
	for _, pair := range []struct {
		value types.String
		into  *map[string]any
		name  string
	}{{m.Settings, &rec.Settings, "settings"}, {m.ExtraKwargs, &rec.ExtraKwargs, "extra_kwargs"}} {
		if pair.value.IsNull() || pair.value.IsUnknown() {
			continue
		}
		obj, err := parseJSONObject(pair.value.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root(pair.name), "Invalid JSON Object", fmt.Sprintf("%s must be a JSON object: %s.", pair.name, err))
			continue
		}
		*pair.into = obj
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

// applyRecord copies what the platform returned into the model. Secrets and the fields a
// platform never returns keep their current value; every returned field overwrites, so
// out-of-band changes show as a diff.
func (m *llmProviderResourceModel) applyRecord(spec platform.Spec, rec platform.Record, serverKeys []string) {
	m.ID = types.StringValue(rec.ID)
	if spec.Supports(platform.FieldProviderID) {
		m.ProviderID = stringOrNull(rec.ProviderID)
	}
	if spec.Supports(platform.FieldName) {
		m.Name = stringOrNull(rec.Name)
	}
	if spec.Supports(platform.FieldModelProvider) && rec.ModelProvider != "" {
		current := m.ModelProvider.ValueString()
		if m.ModelProvider.IsNull() || m.ModelProvider.IsUnknown() || !spec.SameModelProvider(current, rec.ModelProvider) {
			m.ModelProvider = types.StringValue(rec.ModelProvider)
		}
	}
	switch {
	case !spec.Supports(platform.FieldBaseURL):
		m.BaseURL = types.StringNull()
	case returnedWithout(spec, rec, platform.FieldBaseURL):
		// The platform did not return the object base_url travels in: keep what was configured.
		if m.BaseURL.IsUnknown() {
			m.BaseURL = types.StringNull()
		}
	default:
		m.BaseURL = stringOrNull(rec.BaseURL)
	}
	if spec.Supports(platform.FieldEnabled) && rec.Enabled != nil {
		m.Enabled = types.BoolValue(*rec.Enabled)
	} else if m.Enabled.IsUnknown() || !spec.Supports(platform.FieldEnabled) {
		m.Enabled = types.BoolNull()
	}
	if spec.Supports(platform.FieldWorkspaceID) {
		m.WorkspaceID = stringOrNull(rec.WorkspaceID)
	}
	if spec.Supports(platform.FieldAuthType) {
		m.AuthType = stringOrNull(rec.AuthType)
	} else {
		m.AuthType = types.StringNull()
	}
	if spec.Supports(platform.FieldConnectionID) {
		m.ConnectionID = stringOrNull(rec.ConnectionID)
	}
	if spec.Supports(platform.FieldCatalogID) {
		m.CatalogID = stringOrNull(rec.CatalogID)
	}
	if spec.Supports(platform.FieldSettings) {
		m.Settings = settingsFromPlatform(m.Settings, rec.Settings, serverKeys)
	}
	if spec.Supports(platform.FieldExtraKwargs) && !returnedWithout(spec, rec, platform.FieldExtraKwargs) {
		m.ExtraKwargs = settingsFromPlatform(m.ExtraKwargs, rec.ExtraKwargs, nil)
	}
	if spec.Supports(platform.FieldRequestTimeoutSecs) {
		m.RequestTimeoutSecs = int64OrNull(rec.RequestTimeoutSecs)
		m.StreamIdleTimeoutSecs = int64OrNull(rec.StreamIdleTimeoutSecs)
	}
	// Truthful even when the answer lacks the field: a platform version that does not know it
	// then shows null, and a configured value shows as a diff.
	if spec.Supports(platform.FieldEnforceHealthCheck) {
		m.EnforceHealthCheck = boolOrNull(rec.EnforceHealthCheck)
	} else {
		m.EnforceHealthCheck = types.BoolNull()
	}
	m.OrgID = stringOrNull(rec.OrgID)
	m.CatalogSlug = stringOrNull(rec.CatalogSlug)
	m.CreatedAt = stringOrNull(rec.CreatedAt)
}

func boolOrNull(v *bool) types.Bool {
	if v == nil {
		return types.BoolNull()
	}
	return types.BoolValue(*v)
}

func int64OrNull(v *int64) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*v)
}

// settingsFromPlatform turns the platform's settings object into the attribute value. Keys the
// platform added itself (serverKeys, and any key the current value does not have when it is
// known) are dropped, and the current string is kept when it means the same object, so neither
// server enrichment nor JSON formatting ever shows as a diff.
func settingsFromPlatform(current types.String, server map[string]any, serverKeys []string) types.String {
	visible := map[string]any{}
	var currentObj map[string]any
	if !current.IsNull() && !current.IsUnknown() {
		currentObj, _ = parseJSONObject(current.ValueString())
	}
	for k, v := range server {
		if slices.Contains(serverKeys, k) {
			if _, mine := currentObj[k]; !mine {
				continue
			}
		}
		visible[k] = v
	}
	if currentObj != nil && jsonEqual(currentObj, visible) {
		return current
	}
	if len(visible) == 0 && (current.IsNull() || current.IsUnknown()) {
		return types.StringNull()
	}
	data, _ := json.Marshal(visible)
	return types.StringValue(string(data))
}

func jsonEqual(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// serverAddedKeys lists the keys the platform returned that were not sent, and those it is
// documented to add itself (ignored even on import, before this resource has seen what it sent).
func serverAddedKeys(spec platform.Spec, sent, returned map[string]any) []string {
	keys := slices.Clone(spec.DerivedSettingsKeys)
	for k := range returned {
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

func loadServerKeys(ctx context.Context, spec platform.Spec, private privateGetter) []string {
	keys := slices.Clone(spec.DerivedSettingsKeys)
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

func saveServerKeys(ctx context.Context, private privateSetter, keys []string) diag.Diagnostics {
	data, _ := json.Marshal(keys)
	return private.SetKey(ctx, privateSettingsServerKeys, data)
}

// returnedWithout reports that the platform may leave the field out of its answers and this
// answer did: for a field carried inside another object, that object was not returned.
func returnedWithout(spec platform.Spec, rec platform.Record, f platform.Field) bool {
	fs := spec.Fields[f]
	if !fs.NotReturned {
		return false
	}
	if fs.Within != "" {
		return !rec.IsSet(fs.Within) && !rec.IsSet(f)
	}
	return !rec.IsSet(f)
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
		"enforce_health_check": &m.EnforceHealthCheck,
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
			var val attr.Value
			if val, err = types.StringType.ValueFromTerraform(ctx, v); err == nil {
				*f = val.(types.String)
			}
		case *types.Bool:
			var val attr.Value
			if val, err = types.BoolType.ValueFromTerraform(ctx, v); err == nil {
				*f = val.(types.Bool)
			}
		case *types.Int64:
			var val attr.Value
			if val, err = types.Int64Type.ValueFromTerraform(ctx, v); err == nil {
				*f = val.(types.Int64)
			}
		case *types.Map:
			var val attr.Value
			if val, err = stringMapType.ValueFromTerraform(ctx, v); err == nil {
				*f = val.(types.Map)
			}
		case *timeouts.Value:
			var val attr.Value
			if val, err = timeoutsType.ValueFromTerraform(ctx, v); err == nil {
				*f = val.(timeouts.Value)
			}
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
	switch f := field.(type) {
	case *types.String:
		return *f
	case *types.Bool:
		return *f
	case *types.Int64:
		return *f
	case *types.Map:
		return *f
	case *timeouts.Value:
		return *f
	}
	panic(fmt.Sprintf("modelFields holds a %T", field))
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
