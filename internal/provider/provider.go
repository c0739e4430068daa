// Package provider is the Terraform glue: the provider block, the llm_provider resource and the
// data sources, built on the platform clients.
package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
	"github.com/llmconfig/terraform-provider-llm/internal/platform/platforms"
)

var (
	_ provider.Provider                     = (*terraformProvider)(nil)
	_ provider.ProviderWithConfigValidators = (*terraformProvider)(nil)
	_ provider.ProviderWithListResources    = (*terraformProvider)(nil)
)

// New returns a constructor of the Terraform provider for the given release version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &terraformProvider{version: version} }
}

type terraformProvider struct {
	version string
}

// providerBlockModel is the configuration of the `provider "llm"` block.
type providerBlockModel struct {
	Platform       types.String  `tfsdk:"platform"`
	Endpoint       types.String  `tfsdk:"endpoint"`
	APIVersion     types.String  `tfsdk:"api_version"`
	Token          types.String  `tfsdk:"token"`
	TokenURL       types.String  `tfsdk:"token_url"`
	ClientID       types.String  `tfsdk:"client_id"`
	ClientSecret   types.String  `tfsdk:"client_secret"`
	Scopes         types.List    `tfsdk:"scopes"`
	MaxRetries     types.Int64   `tfsdk:"max_retries"`
	RequestTimeout types.String  `tfsdk:"request_timeout"`
	RateLimit      types.Float64 `tfsdk:"rate_limit"`
	CoalesceReads  types.Bool    `tfsdk:"coalesce_reads"`
}

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	Client platform.Client
	Spec   platform.Spec
	// APIVersion is the platform's API generation the client speaks.
	APIVersion platform.APIVersion
}

// Environment variables that stand in for provider attributes.
const (
	envPlatform       = "LLM_PLATFORM"
	envEndpoint       = "LLM_ENDPOINT"
	envToken          = "LLM_TOKEN"
	envTokenURL       = "LLM_TOKEN_URL"
	envAPIVersion     = "LLM_API_VERSION"
	envClientID       = "LLM_CLIENT_ID"
	envClientSecret   = "LLM_CLIENT_SECRET"
	envScopes         = "LLM_SCOPES"
	envMaxRetries     = "LLM_MAX_RETRIES"
	envRequestTimeout = "LLM_REQUEST_TIMEOUT"
	envRateLimit      = "LLM_RATE_LIMIT"
	envCoalesceReads  = "LLM_COALESCE_READS"
)

func (p *terraformProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "llm"
	resp.Version = p.version
}

func (p *terraformProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages LLM provider configurations (an upstream model vendor such as OpenAI, its API key, " +
			"base URL, enabled flag and settings) on one platform: " + platformList() + ". " +
			"One provider block talks to one platform; use several blocks with `alias` for several platforms.",
		Attributes: map[string]schema.Attribute{
			"platform": schema.StringAttribute{
				MarkdownDescription: "The platform whose API this provider block calls: " + platformList() + ". " +
					"May also be set with the `LLM_PLATFORM` environment variable. Required in one of the two places.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(platforms.NameStrings()...)},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "The server root the platform's documented paths hang from. " + endpointDoc() + " Must be `https://`, or plain `http://` to a " +
					"loopback address only, so the token never travels unencrypted. May also be set with `LLM_ENDPOINT`.",
				Optional: true,
			},
			"api_version": schema.StringAttribute{
				MarkdownDescription: "The generation of the platform's API, where it has several. " + apiVersionDoc() +
					" May also be set with `LLM_API_VERSION`.",
				Optional: true,
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The static bearer token sent as `Authorization: Bearer <token>`. May also be set with `LLM_TOKEN`. " +
					"Never logged, never shown in a diagnostic. Set either a token or the OAuth2 client credentials " +
					"(`token_url`, `client_id`, `client_secret`), not both.",
				Optional:  true,
				Sensitive: true,
			},
			"token_url": schema.StringAttribute{
				MarkdownDescription: "The OAuth2 token endpoint of your identity provider, for the client credentials grant, e.g. " +
					"`https://auth.example.com/realms/acme/protocol/openid-connect/token`. With `client_id` and `client_secret`, " +
					"the provider requests an access token when it starts, sends it as the bearer token, renews it before it expires " +
					"and once more when a platform refuses it. Must be `https://`, or plain `http://` to a loopback address only. " +
					"May also be set with `LLM_TOKEN_URL`.",
				Optional: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The OAuth2 client ID for the client credentials grant. Required with `token_url` and `client_secret`. " +
					"May also be set with `LLM_CLIENT_ID`.",
				Optional: true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The OAuth2 client secret for the client credentials grant. Required with `token_url` and `client_id`. " +
					"Prefer the `LLM_CLIENT_SECRET` environment variable to a value in a file. Never logged, never shown in a diagnostic.",
				Optional:  true,
				Sensitive: true,
			},
			"scopes": schema.ListAttribute{
				MarkdownDescription: "The scopes to request with the client credentials grant; by default none, which lets the identity " +
					"provider grant the client's default scopes. Only with client credentials. May also be set with `LLM_SCOPES`, " +
					"separated by commas or spaces.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried on 429, 502, 503, 504 and connection errors, with exponential backoff and jitter that honours `Retry-After`. 0 to 20; default %d. May also be set with `LLM_MAX_RETRIES`.", platform.DefaultMaxRetries),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP attempt may take, as a Go duration such as `30s` or `2m`; default `30s`. " +
					"The resource's `timeouts` block bounds a whole operation, retries included. May also be set with `LLM_REQUEST_TIMEOUT`.",
				Optional: true,
			},
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: "Client-side limit in requests per second, shared by every resource and data source of this provider " +
					"block, retries included. 0 (the default) means no limit. May also be set with `LLM_RATE_LIMIT`.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"coalesce_reads": schema.BoolAttribute{
				MarkdownDescription: "When true (the default), concurrent refreshes share one list call per platform (per workspace where the platform has workspaces) " +
					"instead of one read each; a write invalidates what was listed, so a read after a write is never stale. " +
					"Set false to read every record with its own request. May also be set with `LLM_COALESCE_READS`.",
				Optional: true,
			},
		},
	}
}

func (p *terraformProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerBlockModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]interface{ IsUnknown() bool }{
		"platform": cfg.Platform, "endpoint": cfg.Endpoint, "api_version": cfg.APIVersion, "token": cfg.Token, "max_retries": cfg.MaxRetries,
		"request_timeout": cfg.RequestTimeout, "rate_limit": cfg.RateLimit, "coalesce_reads": cfg.CoalesceReads,
		"token_url": cfg.TokenURL, "client_id": cfg.ClientID, "client_secret": cfg.ClientSecret, "scopes": cfg.Scopes,
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(attr), "Unknown Provider Configuration Value",
				fmt.Sprintf("The provider cannot be configured while %q is unknown (it depends on a value known only after apply). "+
					"Set it to a value known at plan time, or use the %s environment variable.", attr, envFor(attr)))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	platformName := stringOrEnv(cfg.Platform, envPlatform)
	if platformName == "" {
		resp.Diagnostics.AddAttributeError(path.Root("platform"), "Missing Platform",
			fmt.Sprintf("Set \"platform\" in the provider block or the %s environment variable to one of: %s.", envPlatform, strings.Join(platforms.NameStrings(), ", ")))
		return
	}
	spec, err := platforms.Lookup(platformName)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("platform"), "Invalid Platform",
			fmt.Sprintf("The platform (from \"platform\" or %s) is invalid: %s.", envPlatform, err))
		return
	}
	endpoint := stringOrEnv(cfg.Endpoint, envEndpoint)
	if endpoint == "" {
		endpoint = spec.DefaultEndpoint
	}
	if endpoint == "" {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Missing Endpoint",
			fmt.Sprintf("The %s platform has no default endpoint. Set \"endpoint\" or the %s environment variable to your tenant's "+
				"root, e.g. %s.", spec.Name, envEndpoint, spec.EndpointExample))
		return
	}
	if _, err := platform.CheckEndpoint(endpoint); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid Endpoint",
			fmt.Sprintf("The endpoint (from \"endpoint\" or %s) is not usable: %s.", envEndpoint, err))
		return
	}
	apiVersion := stringOrEnv(cfg.APIVersion, envAPIVersion)
	if err := spec.CheckAPIVersion(apiVersion); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("api_version"), "Invalid API Version",
			fmt.Sprintf("The api_version (from \"api_version\" or %s) is not usable: %s.", envAPIVersion, err))
		return
	}
	auth, diags := resolveAuth(ctx, cfg, spec.Name)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	maxRetries := int64(platform.DefaultMaxRetries)
	if !cfg.MaxRetries.IsNull() {
		maxRetries = cfg.MaxRetries.ValueInt64()
	} else if v := os.Getenv(envMaxRetries); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 20 {
			resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid Max Retries",
				fmt.Sprintf("%s=%q is not a whole number from 0 to 20.", envMaxRetries, v))
			return
		}
		maxRetries = n
	}
	requestTimeout := platform.DefaultRequestTimeout
	if v := stringOrEnv(cfg.RequestTimeout, envRequestTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("request_timeout (or %s) %q is not a positive Go duration such as \"30s\" or \"2m\".", envRequestTimeout, v))
			return
		}
		requestTimeout = d
	}
	rateLimit := 0.0
	if !cfg.RateLimit.IsNull() {
		rateLimit = cfg.RateLimit.ValueFloat64()
	} else if v := os.Getenv(envRateLimit); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			resp.Diagnostics.AddAttributeError(path.Root("rate_limit"), "Invalid Rate Limit",
				fmt.Sprintf("%s=%q is not a number of requests per second (0 or more).", envRateLimit, v))
			return
		}
		rateLimit = f
	}
	coalesce := true
	if !cfg.CoalesceReads.IsNull() {
		coalesce = cfg.CoalesceReads.ValueBool()
	} else if v := os.Getenv(envCoalesceReads); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("coalesce_reads"), "Invalid Coalesce Reads",
				fmt.Sprintf("%s=%q is not a boolean (true or false).", envCoalesceReads, v))
			return
		}
		coalesce = b
	}

	httpCfg := platform.HTTPConfig{
		Platform:       spec.Name,
		Endpoint:       endpoint,
		Token:          auth.token,
		UserAgent:      "terraform-provider-llm/" + p.version,
		MaxRetries:     int(maxRetries),
		RequestTimeout: requestTimeout,
		Log:            transportLogger(auth.token, auth.clientSecret),
		APIVersion:     apiVersion,
	}
	if auth.usesClientCredentials() {
		tokens, diags := obtainToken(ctx, auth, requestTimeout)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		httpCfg.TokenSource = tokens
	}
	if rateLimit > 0 {
		httpCfg.Limiter = rate.NewLimiter(rate.Limit(rateLimit), int(math.Max(1, math.Ceil(rateLimit))))
	}
	client, err := platforms.NewClient(spec.Name, httpCfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Configure Platform Client", platform.Redact(err.Error(), auth.token, auth.clientSecret))
		return
	}
	if coalesce {
		client = platform.NewCoalescingClient(client)
	}
	data := &providerData{Client: client, Spec: spec, APIVersion: spec.Version(apiVersion)}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	tflog.Debug(ctx, "configured platform client", map[string]any{
		"platform": string(spec.Name), "endpoint": endpoint, "coalesce_reads": coalesce, "client_credentials": auth.usesClientCredentials(),
	})
}

func (p *terraformProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewLLMProviderResource}
}

func (p *terraformProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewLLMProviderDataSource, NewLLMProvidersDataSource, NewLLMProviderValidationDataSource}
}

// ListResources are the resources terraform query can list (Terraform 1.14 and later).
func (p *terraformProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewLLMProviderListResource}
}

func stringOrEnv(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func envFor(attr string) string {
	return map[string]string{
		"platform": envPlatform, "endpoint": envEndpoint, "api_version": envAPIVersion, "token": envToken, "max_retries": envMaxRetries,
		"request_timeout": envRequestTimeout, "rate_limit": envRateLimit, "coalesce_reads": envCoalesceReads,
		"token_url": envTokenURL, "client_id": envClientID, "client_secret": envClientSecret, "scopes": envScopes,
	}[attr]
}

// transportLogger bridges the HTTP layer's log lines to tflog, in each request's own context
// (tflog's masking is not safe on a context shared between goroutines), with the static token
// and the client secret masked. Access tokens never reach it: the HTTP layer logs no header and
// redacts every token it sent from the errors it logs.
func transportLogger(secrets ...string) func(ctx context.Context, level, msg string, fields map[string]any) {
	var masked []string
	for _, s := range secrets {
		if s != "" {
			masked = append(masked, s)
		}
	}
	return func(ctx context.Context, level, msg string, fields map[string]any) {
		ctx = tflog.MaskAllFieldValuesStrings(tflog.MaskMessageStrings(ctx, masked...), masked...)
		switch level {
		case "warn":
			tflog.Warn(ctx, msg, fields)
		case "info":
			tflog.Info(ctx, msg, fields)
		default:
			tflog.Debug(ctx, msg, fields)
		}
	}
}
