// Command llm-mock serves the in-memory fake of all four platforms' APIs under one root.
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
	token := flag.String("token", "", "bearer token the fake accepts (required)")
	latency := flag.Duration("latency", 0, "delay every platform request by this duration, e.g. 250ms (control endpoints are not delayed)")
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "llm-mock: --token is required")
		os.Exit(2)
	}
	if *latency < 0 {
		fmt.Fprintln(os.Stderr, "llm-mock: --latency must not be negative")
		os.Exit(2)
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

	srv := &http.Server{Handler: mockserver.New(*token, mockserver.WithLatency(*latency)), ReadHeaderTimeout: 10 * time.Second}
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
