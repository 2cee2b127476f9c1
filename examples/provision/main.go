// Command provision creates (or converges) a customer-consent service
// account and prints the plan and the result.
//
// Without -tenant it runs on the embedded demo tenant:
//
//	go run ./examples/provision -upn svc-cloudhub@contoso.onmicrosoft.com -workloads teams,exchange
//	go run ./examples/provision -workloads exchange -read-only -allow-privileged -json
//	go run ./examples/provision -app-id c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f -scopes User.ReadWrite.All,Group.ReadWrite.All -grant-consent
//	go run ./examples/provision -workloads teams -tap -tap-lifetime 1h -tap-once
//
// With -tap the account is onboarded passwordless: its password is random
// and never shown, and its owner gets a Temporary Access Pass (printed only
// with -show-password) to sign in once and register a passkey or Microsoft
// Authenticator. The tenant's Temporary Access Pass policy is checked
// before anything is created.
//
// With -tenant it works on a real tenant through Microsoft Graph (see
// -auth and the README's permission table).
//
// Exit status: 0 done, 1 failed, 2 bad usage or an invalid spec.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/cloudhub/consent/examples/internal/flagparse"
	"github.com/cloudhub/consent/examples/internal/tenantflag"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("provision", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf tenantflag.Flags
	tf.Register(fs)
	upn := fs.String("upn", "svc-cloudhub@"+tenantflag.DemoDomain, "userPrincipalName of the service account")
	displayName := fs.String("display-name", "Cloud User Hub service account", "display name")
	usage := fs.String("usage-location", "AU", "usage location (ISO 3166-1 alpha-2)")
	workloads := fs.String("workloads", "teams", "comma-separated workloads (see go run ./examples/roles)")
	readOnly := fs.Bool("read-only", false, "use the workloads' read-only roles")
	extra := fs.String("roles", "", "comma-separated extra roles, by name or template ID")
	allowPriv := fs.Bool("allow-privileged", false, "allow roles Microsoft marks privileged")
	adopt := fs.Bool("adopt", false, "converge an existing account this SDK did not create")
	appID := fs.String("app-id", "", "application (client) ID of the partner application that signs in as the account (empty: no consent checks)")
	scopes := fs.String("scopes", "User.ReadWrite.All", "comma-separated delegated Microsoft Graph scopes the partner application needs (with -app-id)")
	grantConsent := fs.Bool("grant-consent", false, "grant -scopes of -app-id to this account alone (without it, print the admin-consent URL)")
	planOnly := fs.Bool("plan", false, "only show what would change")
	asJSON := fs.Bool("json", false, "print machine-readable JSON")
	showPassword := fs.Bool("show-password", false, "print the temporary password, or the Temporary Access Pass with -tap (only on a terminal you trust)")
	tap := fs.Bool("tap", false, "onboard passwordless: issue a Temporary Access Pass instead of returning a temporary password")
	tapLifetime := fs.Duration("tap-lifetime", 0, "with -tap: the pass's lifetime, whole minutes from 10m to 720h (0: the tenant policy's default)")
	tapOnce := fs.Bool("tap-once", false, "with -tap: the pass is usable once")
	tapRenew := fs.Bool("tap-renew", false, "with -tap: replace an expired or used pass of an account that has not registered a strong method")
	verbose := fs.Bool("v", false, "log progress to stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: provision [flags]\nExit status: 0 done, 1 failed, 2 bad usage or an invalid spec.\nFlags:")
		fs.PrintDefaults()
	}
	if code := flagparse.Parse(fs, args, stderr); code >= 0 {
		return code
	}
	if !*tap && (*tapLifetime != 0 || *tapOnce || *tapRenew) {
		fmt.Fprintln(stderr, "provision: -tap-lifetime, -tap-once and -tap-renew need -tap")
		return 2
	}
	ws, err := roles.ParseWorkloads(*workloads)
	if err != nil {
		fmt.Fprintln(stderr, "provision: -workloads:", err)
		return 2
	}
	access := roles.Admin
	if *readOnly {
		access = roles.ReadOnly
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	t, err := tf.Open(ctx, logger, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "provision:", err)
		return 2
	}
	opts := t.ProvisionerOptions
	opts.Logger = logger
	prov := serviceaccount.New(t.Directory, &opts)
	spec := serviceaccount.Spec{
		UserPrincipalName: *upn, DisplayName: *displayName, UsageLocation: *usage,
		Workloads: ws, Access: access, Roles: flagparse.SplitList(*extra),
		AllowPrivileged: *allowPriv, Adopt: *adopt,
		PartnerApp: flagparse.PartnerApp(*appID, *scopes), GrantConsent: *grantConsent,
	}
	if *tap {
		spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{Lifetime: *tapLifetime, UsableOnce: *tapOnce, Renew: *tapRenew}
	}
	if *planOnly {
		plan, err := prov.Plan(ctx, spec)
		if err != nil {
			return fail(stderr, err)
		}
		if *asJSON {
			return printJSON(stdout, stderr, plan)
		}
		fmt.Fprint(stdout, plan)
		return 0
	}
	res, err := prov.Provision(ctx, spec)
	if err != nil {
		if !res.Password.IsZero() {
			// The account is (or may be) left in place with this
			// password, which no later run can show.
			if *showPassword {
				fmt.Fprintf(stderr, "provision: the account's temporary password, should it exist: %s\n", res.Password.Reveal())
			} else {
				fmt.Fprintln(stderr, "provision: the account may be left in place with a temporary password this run did not print (no -show-password) and no later run can show:"+
					" reset its password in the Microsoft Entra admin center, or remove it (Deprovision) and provision again")
			}
		}
		if t := res.TemporaryAccessPass; !t.IsZero() {
			// The account is left in place with this pass.
			if *showPassword {
				fmt.Fprintf(stderr, "provision: the account's Temporary Access Pass, valid until %s: %s\n", t.EndDateTime.Format(time.RFC3339), t.Reveal())
			} else {
				fmt.Fprintln(stderr, "provision: the account is left in place with a Temporary Access Pass this run did not print (no -show-password):"+
					" re-run with -tap -tap-renew once it expires, or remove the account (Deprovision)")
			}
		}
		return fail(stderr, err)
	}
	if *asJSON {
		out := struct {
			serviceaccount.Result
			Password string `json:"password,omitempty"`
			// PassCode is the Temporary Access Pass's passcode, with
			// -show-password only.
			PassCode string `json:"temporaryAccessPassCode,omitempty"`
		}{Result: res}
		if *showPassword {
			out.Password = res.Password.Reveal()
			out.PassCode = res.TemporaryAccessPass.Reveal()
		} else if !res.Password.IsZero() {
			out.Password = res.Password.String()
		}
		return printJSON(stdout, stderr, out)
	}
	fmt.Fprint(stdout, res)
	if *showPassword && !res.Password.IsZero() {
		fmt.Fprintf(stdout, "  temporary password: %s\n", res.Password.Reveal())
	}
	if *showPassword && !res.TemporaryAccessPass.IsZero() {
		fmt.Fprintf(stdout, "  Temporary Access Pass: %s\n", res.TemporaryAccessPass.Reveal())
	}
	return 0
}

// fail reports err: exit status 2 for an invalid spec (naming the flags
// to check), 1 otherwise.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "provision:", err)
	var fe *serviceaccount.FieldError
	if errors.As(err, &fe) {
		if hint := flagparse.Hint(err); hint != "" {
			fmt.Fprintln(stderr, "provision:", hint)
		}
		return 2
	}
	return 1
}

func printJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, "provision:", err)
		return 1
	}
	return 0
}
