// Command terraform-provider-llm is the Terraform provider that manages LLM provider
// configurations on several LLM platforms.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/llmconfig/terraform-provider-llm/internal/provider"
)

// version is set at release by goreleaser (-X main.version=...).
var version = "dev"

// cpuProfileEnv names a path prefix: when set, each provider process writes a CPU profile to
// PREFIX.PID.pprof, because one terraform command starts the provider several times.
const cpuProfileEnv = "LLM_CPU_PROFILE"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	alignLogLevels()
	if prefix := os.Getenv(cpuProfileEnv); prefix != "" {
		stop, err := startCPUProfile(fmt.Sprintf("%s.%d.pprof", prefix, os.Getpid()))
		if err != nil {
			log.Fatalf("%s: %v", cpuProfileEnv, err)
		}
		defer stop()
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/llmconfig/llm",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// startCPUProfile profiles the process until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// sdkLogLevelEnvs are the log levels the plugin libraries read. They do not read TF_LOG, so left
// unset they format every framework trace line as JSON, which the CLI then throws away unless
// TF_LOG (or TF_LOG_PROVIDER) asks for that level: a quarter of the provider's CPU per record.
var sdkLogLevelEnvs = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_LLM"}

// alignLogLevels sets each library level left unset to the level the CLI shows provider lines
// at (TF_LOG_PROVIDER, else TF_LOG; off when neither is set), so no CPU goes to lines nobody
// reads and every line anybody reads is still written. A level set explicitly is kept.
func alignLogLevels() {
	level := os.Getenv("TF_LOG_PROVIDER")
	if level == "" {
		level = os.Getenv("TF_LOG")
	}
	switch {
	case level == "":
		level = "OFF"
	case strings.EqualFold(level, "JSON"):
		// TF_LOG=JSON is trace level in JSON.
		level = "TRACE"
	}
	for _, name := range sdkLogLevelEnvs {
		if os.Getenv(name) == "" {
			_ = os.Setenv(name, level)
		}
	}
}
