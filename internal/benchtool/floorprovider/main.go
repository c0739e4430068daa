// Command floorprovider serves the framework floor of make bench (see package floor): run as
// terraform-provider-llmfloor (the same schema as llm_provider) or terraform-provider-llmseven
// (7 attributes), chosen by the name it is started under.
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/llmconfig/terraform-provider-llm/internal/benchtool/floor"
)

func main() {
	variant, address := floor.Same, "registry.terraform.io/llmconfig/llmfloor"
	if strings.Contains(filepath.Base(os.Args[0]), "llmseven") {
		variant, address = floor.Seven, "registry.terraform.io/llmconfig/llmseven"
	}
	if err := providerserver.Serve(context.Background(), floor.New(variant), providerserver.ServeOpts{Address: address}); err != nil {
		log.Fatal(err)
	}
}
