// Command llm-mock serves the in-memory fake of all four platforms' APIs under one root.
//
//	llm-mock [--listen ADDR] [--token TOKEN] [--client-id ID --client-secret SECRET [--token-ttl 1h]] [--latency 0s]
//	         [--keywordsai-generation v1|v2] [--keywordsai-extra-kwargs none|partial|full]
//	         [--barndoor-idempotent-delete] [--refactor-strict-credentials]
//
// The first line of stdout is the root URL; stderr lists the endpoints. --token is a static
// bearer token; --client-id and --client-secret serve an OAuth2 client_credentials token
// endpoint at ROOT/oauth/token whose tokens every platform accepts until they expire. At least
// one of the two is required. --latency delays every platform request (not the control
// endpoints under ROOT/_mock/, not the token endpoint). The mode flags start the platforms in the
// modes of mockserver.Modes (POST ROOT/_mock/modes changes them, /_mock/reset restores the
// flags'). Bad flags exit with status 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/llmconfig/terraform-provider-llm/internal/mockserver"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to listen on; port 0 picks a free port")
	token := flag.String("token", "", "static bearer token every platform accepts (required unless --client-id and --client-secret are given)")
	clientID := flag.String("client-id", "", "serve an OAuth2 client_credentials token endpoint at ROOT/oauth/token for this client id (needs --client-secret)")
	clientSecret := flag.String("client-secret", "", "the client secret for --client-id")
	tokenTTL := flag.Duration("token-ttl", mockserver.DefaultTokenTTL, "lifetime of the access tokens the token endpoint issues, at least 1s")
	latency := flag.Duration("latency", 0, "delay every platform request by this duration, e.g. 250ms (control endpoints and the token endpoint are not delayed)")
	var modes mockserver.Modes
	flag.StringVar(&modes.KeywordsAIGeneration, "keywordsai-generation", "v1", "keywordsai API generation: v1 (Keywords AI: bare-array list, top-level api_key) or v2 (Respan: paged list, credentials under extra_kwargs.api_key)")
	flag.StringVar(&modes.KeywordsAIExtraKwargs, "keywordsai-extra-kwargs", "", "how keywordsai answers carry extra_kwargs: none, partial (no secret keys) or full; empty is the generation's default (none on v1, full on v2)")
	flag.BoolVar(&modes.BarndoorIdempotentDelete, "barndoor-idempotent-delete", false, "answer a delete of a missing barndoor provider 200 {\"deleted\": true} instead of 404")
	flag.BoolVar(&modes.RefactorStrictCredentials, "refactor-strict-credentials", false, "refuse refactor credential keys the provider's create page does not document")
	flag.Parse()
	if err := mockserver.CheckModes(modes); err != nil {
		usageError(err.Error())
	}
	if (*clientID == "") != (*clientSecret == "") {
		usageError("--client-id and --client-secret go together")
	}
	if *token == "" && *clientID == "" {
		usageError("--token is required (or --client-id and --client-secret)")
	}
	if *tokenTTL < time.Second {
		usageError("--token-ttl must be at least 1s: expires_in is whole seconds")
	}
	if *latency < 0 {
		usageError("--latency must not be negative")
	}
	opts := []mockserver.Option{mockserver.WithLatency(*latency), mockserver.WithModes(modes)}
	if *clientID != "" {
		opts = append(opts, mockserver.WithClientCredentials(*clientID, *clientSecret), mockserver.WithTokenTTL(*tokenTTL))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "llm-mock: %v\n", err)
		os.Exit(1)
	}
	root := "http://" + ln.Addr().String()
	// The first line of stdout is the root URL alone, so scripts can read it.
	fmt.Println(root)
	fmt.Fprintf(os.Stderr, "llm-mock: endpoints: refactor %[1]s/api, flashback %[1]s, barndoor %[1]s/api/llm-gateway, keywordsai %[1]s; journal %[1]s/_mock/requests\n", root)
	if *clientID != "" {
		fmt.Fprintf(os.Stderr, "llm-mock: token endpoint %s%s (client_credentials, tokens live %v)\n", root, mockserver.TokenPath, *tokenTTL)
	}

	srv := &http.Server{Handler: mockserver.New(*token, opts...), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "llm-mock: %v\n", err)
		os.Exit(1)
	}
}

// usageError reports a bad command line the way package flag does: exit status 2, nothing on
// stdout, which scripts read the URL from.
func usageError(msg string) {
	fmt.Fprintln(os.Stderr, "llm-mock: "+msg)
	os.Exit(2)
}
