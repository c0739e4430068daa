package floor_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/llmconfig/terraform-provider-llm/internal/benchtool/floor"
	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
	llm "github.com/llmconfig/terraform-provider-llm/internal/provider"
)

const testToken = "bench-token"

// variants are the providers each benchmark runs against: ours and the two floors.
var variants = []struct {
	name string
	new  func() provider.Provider
}{
	{"ours", llm.New("bench")},
	{"floor-same-schema", floor.New(floor.Same)},
	{"floor-7-attributes", floor.New(floor.Seven)},
}

// The protocol benchmarks drive the provider server in process exactly as Terraform does over
// gRPC (minus the transport), one llm_provider per operation, against the in-process mock:
//
//	go test -run '^$' -bench Protocol -benchmem ./internal/benchtool/floor/
//
// Each runs against ours and the two framework floors, so ours/floor-same-schema is what this
// provider's own code costs per record, without Terraform's share that make bench includes.

// protocolBench is a configured provider server and the schema types its requests need.
type protocolBench struct {
	server   tfprotov6.ProviderServer
	resource tftypes.Object
	mock     *mockserver.Server
}

func newProtocolBench(b *testing.B, newProvider func() provider.Provider) *protocolBench {
	b.Helper()
	ctx := context.Background()
	mock := mockserver.New(testToken)
	ts := httptest.NewServer(mock)
	b.Cleanup(ts.Close)
	server := providerserver.NewProtocol6(newProvider())()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	config := objectValue(providerType, map[string]tftypes.Value{
		"platform": tftypes.NewValue(tftypes.String, "barndoor"),
		"endpoint": tftypes.NewValue(tftypes.String, ts.URL+"/api/llm-gateway"),
		"token":    tftypes.NewValue(tftypes.String, testToken),
	})
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamicValue(b, providerType, config)})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
	return &protocolBench{
		server:   server,
		resource: schemas.ResourceSchemas["llm_provider"].ValueType().(tftypes.Object),
		mock:     mock,
	}
}

// objectValue is an object of the type with the given attributes set and every other one null.
func objectValue(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, t := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			attrs[name] = v
			continue
		}
		attrs[name] = tftypes.NewValue(t, nil)
	}
	return tftypes.NewValue(typ, attrs)
}

func dynamicValue(b *testing.B, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// recordConfig is the configuration of one barndoor llm_provider, as in make bench.
func (p *protocolBench) recordConfig(i int) tftypes.Value {
	return objectValue(p.resource, map[string]tftypes.Value{
		"name":           tftypes.NewValue(tftypes.String, fmt.Sprintf("bench-%06d", i)),
		"model_provider": tftypes.NewValue(tftypes.String, "openai"),
		"api_key":        tftypes.NewValue(tftypes.String, fmt.Sprintf("bd-key-%06d", i)),
	})
}

// plan asks for the plan of a new record and returns the planned state.
func (p *protocolBench) plan(b *testing.B, config tftypes.Value) *tfprotov6.DynamicValue {
	resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "llm_provider",
		PriorState:       dynamicValue(b, p.resource, tftypes.NewValue(p.resource, nil)),
		ProposedNewState: dynamicValue(b, p.resource, config),
		Config:           dynamicValue(b, p.resource, config),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("PlanResourceChange: %v %v", err, resp.Diagnostics)
	}
	return resp.PlannedState
}

// create plans and applies a new record and returns its state.
func (p *protocolBench) create(b *testing.B, i int) *tfprotov6.DynamicValue {
	config := p.recordConfig(i)
	resp, err := p.server.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName:     "llm_provider",
		PriorState:   dynamicValue(b, p.resource, tftypes.NewValue(p.resource, nil)),
		PlannedState: p.plan(b, config),
		Config:       dynamicValue(b, p.resource, config),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("ApplyResourceChange: %v %v", err, resp.Diagnostics)
	}
	return resp.NewState
}

// eachVariant runs the benchmark body against ours and the floors.
func eachVariant(b *testing.B, body func(b *testing.B, p *protocolBench)) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) { body(b, newProtocolBench(b, v.new)) })
	}
}

func BenchmarkProtocolValidate(b *testing.B) { eachVariant(b, benchValidate) }

func benchValidate(b *testing.B, p *protocolBench) {
	config := dynamicValue(b, p.resource, p.recordConfig(1))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := p.server.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{TypeName: "llm_provider", Config: config})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("ValidateResourceConfig: %v %v", err, resp.Diagnostics)
		}
	}
}

func BenchmarkProtocolPlanCreate(b *testing.B) { eachVariant(b, benchPlanCreate) }

func benchPlanCreate(b *testing.B, p *protocolBench) {
	config := p.recordConfig(1)
	b.ReportAllocs()
	for b.Loop() {
		p.plan(b, config)
	}
}

func BenchmarkProtocolPlanUnchanged(b *testing.B) { eachVariant(b, benchPlanUnchanged) }

func benchPlanUnchanged(b *testing.B, p *protocolBench) {
	state := p.create(b, 1)
	config := dynamicValue(b, p.resource, p.recordConfig(1))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := p.server.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
			TypeName: "llm_provider", PriorState: state, ProposedNewState: state, Config: config,
		})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("PlanResourceChange: %v %v", err, resp.Diagnostics)
		}
	}
}

// BenchmarkProtocolApplyCreate includes the mock's work and one HTTP round trip on loopback per
// record, as a real apply does.
func BenchmarkProtocolApplyCreate(b *testing.B) { eachVariant(b, benchApplyCreate) }

func benchApplyCreate(b *testing.B, p *protocolBench) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		p.create(b, i)
	}
}

func BenchmarkProtocolRead(b *testing.B) { eachVariant(b, benchRead) }

func benchRead(b *testing.B, p *protocolBench) {
	state := p.create(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "llm_provider", CurrentState: state})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("ReadResource: %v %v", err, resp.Diagnostics)
		}
	}
}

// BenchmarkProtocolReadDataSource reads the llm_providers data source over 10 records (ours
// only: the floors have no data sources).
func BenchmarkProtocolReadDataSource(b *testing.B) {
	p := newProtocolBench(b, variants[0].new)
	for i := range 10 {
		p.create(b, i)
	}
	schemas, _ := p.server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	list := schemas.DataSourceSchemas["llm_providers"].ValueType().(tftypes.Object)
	config := dynamicValue(b, list, objectValue(list, nil))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := p.server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: "llm_providers", Config: config})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("ReadDataSource: %v %v", err, resp.Diagnostics)
		}
	}
}
