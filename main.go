// Command terraform-provider-llm is the Terraform provider that manages LLM provider
// configurations on refactor, flashback, barndoor and keywordsai.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/llmconfig/terraform-provider-llm/internal/provider"
)

// version is set at release by goreleaser (-X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/llmconfig/llm",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
