// Command verify checks a customer-consent service account and prints the
// report. Exit status: 0 passed, 1 the report has failed or unknown checks,
// 2 bad usage, 3 the account could not be checked at all.
//
// Without -tenant it runs on the embedded demo tenant, where the customer
// has already created cloudhub-svc@contoso.onmicrosoft.com by hand with the
// Teams Administrator role:
//
//	go run ./examples/verify
//	go run ./examples/verify -workloads teams,exchange -json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/cloudhub/consent/examples/internal/flagparse"
	"github.com/cloudhub/consent/examples/internal/tenantflag"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf tenantflag.Flags
	tf.Register(fs)
	upn := fs.String("upn", "", "userPrincipalName of the service account (default on the demo tenant without -id: "+tenantflag.DemoHandMadeUPN+")")
	id := fs.String("id", "", "object ID of the service account (one Graph round trip instead of two)")
	workloads := fs.String("workloads", "teams", "comma-separated workloads the account serves")
	readOnly := fs.Bool("read-only", false, "expect the workloads' read-only roles")
	extra := fs.String("roles", "", "comma-separated extra expected roles")
	usage := fs.String("usage-location", "", "expected usage location (empty: any)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "log to stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: verify [flags]\nExit status: 0 passed, 1 the report has failed or unknown checks, 2 bad usage, 3 the account could not be checked at all.\nFlags:")
		fs.PrintDefaults()
	}
	if code := flagparse.Parse(fs, args, stderr); code >= 0 {
		return code
	}
	switch {
	case *upn == "" && *id == "" && tf.Tenant == "":
		*upn = tenantflag.DemoHandMadeUPN
	case *upn == "" && *id == "":
		fmt.Fprintln(stderr, "verify: give -upn or -id (or both) of the account to check")
		return 2
	case *upn != "":
		if err := serviceaccount.ValidateUPN(*upn); err != nil {
			fmt.Fprintln(stderr, "verify: -upn:", err)
			return 2
		}
	}
	var ws []roles.Workload
	if strings.TrimSpace(*workloads) != "" {
		var err error
		if ws, err = roles.ParseWorkloads(*workloads); err != nil {
			fmt.Fprintln(stderr, "verify: -workloads:", err)
			return 2
		}
	}
	access := roles.Admin
	if *readOnly {
		access = roles.ReadOnly
	}
	acct := serviceaccount.Account{ID: *id, UserPrincipalName: *upn, Workloads: ws, Access: access, Roles: flagparse.SplitList(*extra), UsageLocation: *usage}
	if err := acct.Validate(); err != nil {
		fmt.Fprintln(stderr, "verify:", err)
		if hint := flagparse.Hint(err); hint != "" {
			fmt.Fprintln(stderr, "verify:", hint)
		}
		return 2
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	t, err := tf.Open(ctx, logger, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "verify:", err)
		return 2
	}
	rep, err := verify.New(t.Directory, &verify.Options{Logger: logger, Now: t.Now}).Verify(ctx, acct)
	if err != nil {
		fmt.Fprintln(stderr, err) // a *verify.Error says "verify: ..." itself
		return 3
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "verify:", err)
			return 3
		}
	} else {
		fmt.Fprint(stdout, rep)
	}
	if !rep.Passed() {
		return 1
	}
	return 0
}
