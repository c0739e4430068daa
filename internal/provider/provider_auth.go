package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/llmconfig/terraform-provider-llm/internal/platform"
)

// clientCredentialAttrs are the three attributes the client credentials grant needs, in the
// order messages list them.
var clientCredentialAttrs = []string{"token_url", "client_id", "client_secret"}

// ConfigValidators rejects a static token beside client credentials when both are in the
// provider block. Values from environment variables are checked in Configure.
func (p *terraformProvider) ConfigValidators(_ context.Context) []provider.ConfigValidator {
	var validators []provider.ConfigValidator
	for _, attr := range append(clientCredentialAttrs, "scopes") {
		validators = append(validators, providervalidator.Conflicting(path.MatchRoot("token"), path.MatchRoot(attr)))
	}
	return validators
}

// authSettings is how the Terraform provider authenticates: a static token, or OAuth2 client
// credentials.
type authSettings struct {
	token                            string
	tokenURL, clientID, clientSecret string
	scopes                           []string
}

func (a authSettings) usesClientCredentials() bool {
	return a.tokenURL != "" || a.clientID != "" || a.clientSecret != ""
}

// resolveAuth reads the authentication attributes, each with its environment variable, and checks
// that they make one complete choice; every problem names the attribute and its variable.
func resolveAuth(ctx context.Context, cfg providerBlockModel, platformName platform.Name) (authSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := map[string]types.String{"token": cfg.Token, "token_url": cfg.TokenURL, "client_id": cfg.ClientID, "client_secret": cfg.ClientSecret}
	resolved := map[string]string{}
	// sources says where each set value came from, for messages; never the value itself.
	var sources []string
	for _, attr := range []string{"token", "token_url", "client_id", "client_secret"} {
		v := stringOrEnv(values[attr], envFor(attr))
		// A value of white space only counts as unset, as the token always has.
		if strings.TrimSpace(v) == "" {
			continue
		}
		resolved[attr] = v
		if values[attr].IsNull() {
			sources = append(sources, fmt.Sprintf("%s (from %s)", attr, envFor(attr)))
		} else {
			sources = append(sources, fmt.Sprintf("%s (in the provider block)", attr))
		}
	}
	auth := authSettings{token: resolved["token"], tokenURL: resolved["token_url"], clientID: resolved["client_id"], clientSecret: resolved["client_secret"]}
	if !cfg.Scopes.IsNull() {
		diags.Append(cfg.Scopes.ElementsAs(ctx, &auth.scopes, false)...)
	} else if v := os.Getenv(envScopes); v != "" {
		auth.scopes = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	}
	if diags.HasError() {
		return auth, diags
	}
	set := strings.Join(sources, ", ")

	if !auth.usesClientCredentials() {
		if len(auth.scopes) > 0 {
			diags.AddAttributeError(path.Root("scopes"), "Scopes Without Client Credentials",
				fmt.Sprintf("\"scopes\" (or %s) applies only to OAuth2 client credentials, and none are set. Set token_url, client_id and "+
					"client_secret (or %s, %s and %s), or remove the scopes.", envScopes, envTokenURL, envClientID, envClientSecret))
		}
		if auth.token == "" {
			diags.AddAttributeError(path.Root("token"), "Missing Token",
				fmt.Sprintf("The %s API needs a bearer token. Set \"token\" in the provider block or the %s environment variable "+
					"(it must not be empty), or set OAuth2 client credentials: token_url, client_id and client_secret (or %s, %s and %s).",
					platformName, envToken, envTokenURL, envClientID, envClientSecret))
		}
		return auth, diags
	}
	if auth.token != "" {
		diags.AddAttributeError(path.Root("token"), "Conflicting Authentication Settings",
			fmt.Sprintf("Both a static token and OAuth2 client credentials are set: %s. Use one way to authenticate: remove \"token\" "+
				"(or unset %s) to use the client credentials, or remove the client credentials to use the token.", set, envToken))
	}
	for _, attr := range clientCredentialAttrs {
		if resolved[attr] == "" {
			diags.AddAttributeError(path.Root(attr), "Incomplete Client Credentials",
				fmt.Sprintf("OAuth2 client credentials need token_url, client_id and client_secret, and %q is missing (set: %s). "+
					"Set %q in the provider block or the %s environment variable, or remove the other client credentials to use a static token.",
					attr, set, attr, envFor(attr)))
		}
	}
	if auth.tokenURL != "" {
		if _, err := platform.CheckTokenURL(auth.tokenURL); err != nil {
			diags.AddAttributeError(path.Root("token_url"), "Invalid Token URL",
				fmt.Sprintf("The token URL (from \"token_url\" or %s) is not usable: %s.", envTokenURL, err))
		}
	}
	return auth, diags
}

// obtainToken builds the token source that every resource of this provider instance shares and
// fetches the first token now, so that refused client credentials fail the configuration with
// one clear message instead of every resource failing on its own.
func obtainToken(ctx context.Context, auth authSettings, requestTimeout time.Duration) (*platform.ClientCredentials, diag.Diagnostics) {
	var diags diag.Diagnostics
	httpClient := cleanhttp.DefaultPooledClient()
	httpClient.Timeout = requestTimeout
	tokens, err := platform.NewClientCredentials(auth.tokenURL, auth.clientID, auth.clientSecret, auth.scopes, httpClient)
	if err != nil {
		diags.AddAttributeError(path.Root("token_url"), "Invalid Client Credentials",
			fmt.Sprintf("The client credentials are not usable: %s.", platform.Redact(err.Error(), auth.clientSecret)))
		return nil, diags
	}
	fetchCtx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := tokens.Token(fetchCtx); err != nil {
		diags.AddError("Unable to Obtain Access Token", platform.Redact(tokenFailureDetail(auth, err), auth.clientSecret))
		return nil, diags
	}
	return tokens, diags
}

// tokenFailureDetail says what the token endpoint answered and what to do about it.
func tokenFailureDetail(auth authSettings, err error) string {
	var tokenErr *platform.TokenError
	if errors.As(err, &tokenErr) && tokenErr.Refused() {
		answer := fmt.Sprintf("HTTP %d", tokenErr.Status)
		if tokenErr.Code != "" {
			answer += " " + tokenErr.Code
		}
		if tokenErr.Message != "" {
			answer += ": " + tokenErr.Message
		}
		return fmt.Sprintf("The token endpoint %s refused the client credentials of client %q (%s). Check client_id and client_secret "+
			"(or %s and %s), and that the client may use the client_credentials grant and the requested scopes.",
			auth.tokenURL, auth.clientID, answer, envClientID, envClientSecret)
	}
	return fmt.Sprintf("No access token could be obtained from the token endpoint %s: %s. Check that token_url (or %s) is the "+
		"identity provider's token endpoint and that it is reachable, then run the command again.", auth.tokenURL, err, envTokenURL)
}
