// Command vcserve runs the Citizen Credentials service: GraphQL API, DID
// documents, contexts and status lists, on the embedded SQLite store by
// default or on MongoDB with --mongo-uri. See `vcserve -h`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/citizencloud/citizencredentials/app"
)

func main() {
	m := app.NewMain()
	if err := m.ParseFlags(os.Args[1:]); err != nil {
		if errors.Is(err, app.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "vcserve:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "vcserve:", err)
		_ = m.Close()
		os.Exit(1)
	}
	<-ctx.Done()
	stop()
	fmt.Fprintln(os.Stderr, "vcserve: shutting down (in-flight requests finish)")
	if err := m.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "vcserve:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "vcserve: stopped")
}
