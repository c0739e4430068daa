// Package floor is the framework floor that make bench measures the provider against: a
// terraform-plugin-framework provider that makes no API call at all. Its "same" variant has
// exactly the schema of llm_provider (attributes, validators, plan modifiers, timeouts, identity), so the
// difference to it is what this provider's own code costs per record; its "seven" variant has a
// plain 7-attribute schema, so the difference to it is what the wider schema costs, in the
// provider and in Terraform.
package floor

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	llm "github.com/llmconfig/terraform-provider-llm/internal/provider"
)

// The variants.
const (
	Same  = "same"
	Seven = "seven"
)

// New returns the floor provider of a variant. Its type name is "llm", so a configuration of
// llm_provider resources runs against it unchanged apart from the provider's source.
func New(variant string) func() provider.Provider {
	return func() provider.Provider { return &floorProvider{variant: variant} }
}

type floorProvider struct{ variant string }

func (p *floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "llm"
}

// Schema accepts the provider block of the real provider and ignores it.
func (p *floorProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := map[string]providerschema.Attribute{}
	for _, name := range []string{"platform", "endpoint", "token", "request_timeout"} {
		attrs[name] = providerschema.StringAttribute{Optional: true}
	}
	resp.Schema = providerschema.Schema{Attributes: attrs}
}

func (p *floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	if p.variant == Same {
		return []func() resource.Resource{func() resource.Resource { return &floorResourceWithIdentity{floorResource{variant: p.variant}} }}
	}
	return []func() resource.Resource{func() resource.Resource { return &floorResource{variant: p.variant} }}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// floorResource stores what was planned, with a new id, and nothing else. The same-schema
// variant also has our resource identity, and so sets it as the framework requires after every
// create, read and update.
type floorResource struct{ variant string }

// floorResourceWithIdentity is the same-schema variant: the 7-attribute one has no identity.
type floorResourceWithIdentity struct{ floorResource }

var _ resource.ResourceWithIdentity = (*floorResourceWithIdentity)(nil)

func (r *floorResourceWithIdentity) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	// The floor shows our identity schema; a resource without one would make the comparison moot.
	ours, ok := llm.NewLLMProviderResource().(resource.ResourceWithIdentity)
	if !ok {
		panic("llm_provider has no identity schema")
	}
	ours.IdentitySchema(ctx, req, resp)
}

// setIdentity writes the identity of a state: its id and workspace_id.
func setIdentity(identity *tfsdk.ResourceIdentity, state tftypes.Value) {
	if identity == nil {
		return
	}
	var attrs map[string]tftypes.Value
	if state.As(&attrs) != nil {
		return
	}
	identity.Raw = tftypes.NewValue(identity.Raw.Type(), map[string]tftypes.Value{
		"id": attrs["id"], "workspace_id": attrs["workspace_id"],
	})
}

func (r *floorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provider"
}

func (r *floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	if r.variant == Same {
		llm.NewLLMProviderResource().Schema(ctx, req, resp)
		return
	}
	useState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":             schema.StringAttribute{Computed: true, PlanModifiers: useState},
		"name":           schema.StringAttribute{Optional: true},
		"model_provider": schema.StringAttribute{Optional: true},
		"base_url":       schema.StringAttribute{Optional: true},
		"enabled":        schema.BoolAttribute{Optional: true},
		"api_key":        schema.StringAttribute{Optional: true, Sensitive: true},
		"settings":       schema.StringAttribute{Optional: true},
	}}
}

func (r *floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = known(req.Plan.Raw, newID())
	setIdentity(resp.Identity, resp.State.Raw)
}

func (r *floorResource) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity != nil && resp.Identity.Raw.IsNull() {
		setIdentity(resp.Identity, req.State.Raw)
	}
}

func (r *floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = known(req.Plan.Raw, "")
	setIdentity(resp.Identity, resp.State.Raw)
}

func (r *floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known turns the planned value into a state: every unknown becomes null, and a new record's
// id becomes id.
func known(plan tftypes.Value, id string) tftypes.Value {
	v, _ := tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		if id != "" && p.Equal(tftypes.NewAttributePath().WithAttributeName("id")) {
			return tftypes.NewValue(v.Type(), id), nil
		}
		return tftypes.NewValue(v.Type(), nil), nil
	})
	return v
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
