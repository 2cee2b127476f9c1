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
//
// With -self it signs in as the service account itself and checks it is
// ready for the partner (verify.Verifier.VerifySelf), the procedure's own
// verification: no credential of the customer's is needed. -upn and -id
// are then optional and name the account expected to sign in:
//
//	go run ./examples/verify -self
//	go run ./examples/verify -self -tenant contoso.onmicrosoft.com -client-id <public client app> -auth browser -upn svc-cloudhub@contoso.onmicrosoft.com
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
	self := fs.Bool("self", false, "sign in as the service account itself (-auth device or browser) and check it is ready for the partner")
	appID := fs.String("app-id", "", "application (client) ID of the partner application: check its consent for the account (empty: no consent checks)")
	scopes := fs.String("scopes", "User.ReadWrite.All", "comma-separated delegated Microsoft Graph scopes the partner application needs (with -app-id)")
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
	case *self && *upn == "" && *id == "":
		// The signed-in account is checked; no expected identity.
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
	acct := serviceaccount.Account{ID: *id, UserPrincipalName: *upn, Workloads: ws, Access: access, Roles: flagparse.SplitList(*extra), UsageLocation: *usage,
		PartnerApp: flagparse.PartnerApp(*appID, *scopes)}
	if err := validate(acct, *self); err != nil {
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
	open, check := tf.Open, (*verify.Verifier).Verify
	if *self {
		open = func(ctx context.Context, logger *slog.Logger, stderr io.Writer) (tenantflag.Tenant, error) {
			return tf.OpenSignedIn(ctx, *upn, logger, stderr)
		}
		check = (*verify.Verifier).VerifySelf
	}
	t, err := open(ctx, logger, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "verify:", err)
		return 2
	}
	rep, err := check(verify.New(t.Directory, &verify.Options{Logger: logger, Now: t.Now, AuthorityHost: t.AuthorityHost}), ctx, acct)
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

// validate checks the expected account; with -self the ID and UPN are
// optional.
func validate(acct serviceaccount.Account, self bool) error {
	if self && acct.ID == "" && acct.UserPrincipalName == "" {
		acct.UserPrincipalName = tenantflag.DemoHandMadeUPN // stands in for the signed-in account
	}
	return acct.Validate()
}
