// Command onboard runs the whole customer-consent procedure offline, on an
// embedded demo tenant: provision a Teams + Exchange service account and
// grant the demo partner application (demo.PartnerApp) its scopes for that
// account alone, show the plan and the result, verify it (fails: the
// password was not changed and no MFA method is registered), act out the
// owner's first sign-in and MFA registration, verify signed in as the
// account itself (the procedure's own verification, passes), verify again
// from the customer's side (passes), show drift being caught (an
// administrator's tenant-wide consent: a warning; a role added by hand: a
// failure), and deprovision (the account's own grant goes with it; the
// tenant-wide one is left alone).
//
// With -tap it walks the passwordless path instead: the account gets a
// random password nobody receives and a one-time Temporary Access Pass
// (issued before its roles, after the tenant's policy was checked); the
// owner signs in with the pass and registers a passkey; Verify checks
// credential.registered instead of password.changed.
//
// It exits 0 only when every step behaved as expected (1 otherwise, 2 on
// bad usage). With -json, each verification report is one line of JSON on
// standard output (JSON Lines) and the narration goes to standard error.
//
//	go run ./examples/onboard [-tap] [-show-password] [-json] [-v]
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
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/examples/internal/demo"
	"github.com/cloudhub/consent/examples/internal/flagparse"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// usageError is bad usage: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if !errors.Is(err, errFlags) { // flagparse.Parse has said why
			fmt.Fprintln(stderr, "onboard:", err)
		}
		return 2
	default:
		fmt.Fprintln(stderr, "onboard:", err)
		return 1
	}
}

// errFlags is bad flags or arguments, which flagparse.Parse reports.
var errFlags = errors.New("bad flags")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("onboard", flag.ContinueOnError)
	fs.SetOutput(stderr)
	showPassword := fs.Bool("show-password", false, "print the temporary password (or, with -tap, the Temporary Access Pass) instead of masking it")
	tap := fs.Bool("tap", false, "walk the passwordless path: a Temporary Access Pass instead of a temporary password")
	asJSON := fs.Bool("json", false, "print verification reports as JSON")
	verbose := fs.Bool("v", false, "log progress events to stderr")
	upn := fs.String("upn", "svc-cloudhub@"+demo.Domain, "userPrincipalName of the service account")
	switch flagparse.Parse(fs, args, stderr) {
	case 0:
		return flag.ErrHelp
	case 2:
		return usageError{errFlags}
	}
	if err := serviceaccount.ValidateUPN(*upn); err != nil {
		return usageError{fmt.Errorf("-upn: %w", err)}
	}

	tenant := demo.NewTenant()
	opts := tenant.ProvisionerOptions()
	if *verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	prov := serviceaccount.New(tenant, opts)
	ver := verify.New(tenant, &verify.Options{Now: tenant.Clock.Now})
	out := &printer{w: stdout, json: *asJSON}
	if *asJSON {
		out.narration = stderr
	} else {
		out.narration = stdout
	}

	spec := serviceaccount.Spec{
		UserPrincipalName: *upn,
		DisplayName:       "Cloud User Hub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams, roles.Exchange},
		Access:            roles.Admin,
		// The partner's application signs in as the account with these
		// delegated scopes; GrantConsent grants them to this account
		// alone (not "Grant admin consent for the organisation", which
		// would cover every user of the tenant).
		PartnerApp:   demo.PartnerApp(),
		GrantConsent: true,
	}
	// The changes Plan and Provision make: the account, (the pass,) the
	// partner application's service principal and its grant, two roles.
	changes := 5
	if *tap {
		// Long enough for the owner's sign-in two hours later; one use.
		spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{Lifetime: 4 * time.Hour, UsableOnce: true}
		changes = 6
	}

	out.step("1. Plan: what Provision would change in the customer's tenant")
	plan, err := prov.Plan(ctx, spec)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	out.text(plan.String())
	if plan.Exists || len(plan.Changes) != changes {
		return fmt.Errorf("plan: want a new account with 2 roles and the partner application's consent, got %d change(s)", len(plan.Changes))
	}

	if *tap {
		out.step("2. Provision: create the account, grant the partner application's scopes to it alone, issue its Temporary Access Pass, then assign the roles")
	} else {
		out.step("2. Provision: create the account, grant the partner application's scopes to it alone, assign the roles")
	}
	res, err := prov.Provision(ctx, spec)
	if err != nil {
		return fmt.Errorf("provision: %w", err)
	}
	out.text(res.String())
	secret, what := res.Password.Reveal(), "temporary password"
	if *tap {
		secret, what = res.TemporaryAccessPass.Reveal(), "Temporary Access Pass"
		if !res.Password.IsZero() {
			return errors.New("provision: a passwordless account's password was returned")
		}
	}
	if *showPassword {
		out.text(fmt.Sprintf("  %s (shown because of -show-password): %s\n", what, secret))
	} else {
		out.text(fmt.Sprintf("  (run with -show-password to print the %s)\n", what))
	}
	if !res.Created || len(res.Changes) != changes || secret == "" {
		return fmt.Errorf("provision: want a created account with %d changes and a %s, got created=%v changes=%d", changes, what, res.Created, len(res.Changes))
	}
	acct := res.Account

	out.step("3. Verify before the owner has signed in: expected to fail")
	rep, err := ver.Verify(ctx, acct)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	out.report(rep)
	// Exchange Administrator is highly privileged (CISA SCuBA
	// MS.AAD.3.6v1): phishing-resistant MFA until a key is registered.
	firstFailures := []string{verify.CheckPasswordChanged, verify.CheckMFARegistered, verify.CheckMFAPhishingResistant}
	if *tap {
		firstFailures = []string{verify.CheckMFARegistered, verify.CheckMFAPhishingResistant, verify.CheckCredentialRegistered}
	}
	if err := expectFailed(rep, firstFailures...); err != nil {
		return fmt.Errorf("first verify: %w", err)
	}

	if *tap {
		out.step("4. The owner signs in with the Temporary Access Pass (using it up) and registers a passkey")
		tenant.Clock.Advance(2 * time.Hour)
		if err := tenant.SignInWithAccessPass(ctx, acct.ID, res.TemporaryAccessPass.Reveal()); err != nil {
			return fmt.Errorf("sign in with the pass: %w", err)
		}
		if _, err := tenant.RegisterMethod(ctx, acct.ID, directory.MethodFido2, "Owner's passkey"); err != nil {
			return fmt.Errorf("register a passkey: %w", err)
		}
	} else {
		out.step("4. The owner signs in, changes the temporary password and registers Microsoft Authenticator and a FIDO2 security key (Exchange Administrator is highly privileged: phishing-resistant MFA)")
		tenant.Clock.Advance(2 * time.Hour)
		if err := tenant.SignIn(ctx, acct.ID, "Owner-Chosen-Passphrase-2026!"); err != nil {
			return fmt.Errorf("sign in: %w", err)
		}
		if _, err := tenant.RegisterMethod(ctx, acct.ID, directory.MethodMicrosoftAuthenticator, "Owner's phone"); err != nil {
			return fmt.Errorf("register MFA: %w", err)
		}
		if _, err := tenant.RegisterMethod(ctx, acct.ID, directory.MethodFido2, "Owner's security key"); err != nil {
			return fmt.Errorf("register FIDO2 key: %w", err)
		}
	}
	out.text("  done.\n")

	out.step("5. Verify as the account: the owner (or the partner, holding the account's credential) signs in as it and checks what it can see about itself; no customer credential needed: expected to pass (ready for the partner). The tenant's sign-in policies are not visible to it (they need Policy.Read.All and a reader role): mfa.enforced is not checked and mfa.phishing-resistant checks the key alone (a warning); step 6 checks the policies")
	signedIn, err := tenant.SignedInAs(acct.UserPrincipalName, nil)
	if err != nil {
		return fmt.Errorf("sign in as the account: %w", err)
	}
	rep, err = verify.New(signedIn, &verify.Options{Now: tenant.Clock.Now}).VerifySelf(ctx, acct)
	if err != nil {
		return fmt.Errorf("verify as the account: %w", err)
	}
	out.report(rep)
	if rep.Mode != verify.ModeSelf {
		return errors.New("self verify: want a self report")
	}
	if !rep.Passed() {
		return errors.New("self verify: want a passing report (ready for the partner)")
	}
	if _, ran := rep.Check(verify.CheckMFAEnforced); ran || !slices.ContainsFunc(rep.NotVisible, func(n verify.NotVisible) bool {
		return strings.HasPrefix(n.What, "the tenant's sign-in policies")
	}) {
		return errors.New("self verify: want mfa.enforced not checked and the sign-in policies listed as not visible")
	}
	if c := mustCheck(rep, verify.CheckMFAPhishingResistant); c.Status != verify.StatusWarn {
		// The key is registered; whether a policy requires it is not
		// visible to the account.
		return fmt.Errorf("self verify: want mfa.phishing-resistant to warn, got %s", c.Status)
	}

	out.step("6. Verify again from the customer's side (admin credential): expected to pass")
	rep, err = ver.Verify(ctx, acct)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	out.report(rep)
	if !rep.Passed() {
		return errors.New("second verify: want a passing report")
	}

	out.step("7. Re-run Provision: the account is converged, nothing is written")
	before := tenant.Writes()
	res2, err := prov.Provision(ctx, spec)
	if err != nil {
		return fmt.Errorf("re-provision: %w", err)
	}
	out.text(res2.String())
	if n := tenant.Writes() - before; n != 0 || len(res2.Changes) != 0 {
		return fmt.Errorf("re-provision: want no writes, got %d", n)
	}

	out.step("8. Consent drift: an administrator clicks \"Grant admin consent\" for the partner application; Verify warns")
	sp, err := tenant.ServicePrincipal(ctx, demo.PartnerAppID)
	if err != nil {
		return fmt.Errorf("read the partner application: %w", err)
	}
	graph, err := tenant.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
	if err != nil {
		return fmt.Errorf("read Microsoft Graph: %w", err)
	}
	tenantWide, err := tenant.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: sp.ID, ConsentType: directory.ConsentAllPrincipals, ResourceID: graph.ID, Scope: directory.JoinScopes(demo.PartnerScopes),
	})
	if err != nil {
		return fmt.Errorf("tenant-wide consent: %w", err)
	}
	rep, err = ver.Verify(ctx, acct)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	out.report(rep)
	if c := mustCheck(rep, verify.CheckConsentScopes); c.Status != verify.StatusWarn || !rep.Passed() {
		// A warning passes: the account works, but the application may
		// now act as every user of the tenant.
		return fmt.Errorf("consent drift verify: want consent.scopes to warn, got %s", c.Status)
	}

	out.step("9. Drift: an admin adds Global Administrator by hand; Verify catches it")
	ga, _ := roles.Lookup("Global Administrator")
	if _, err := tenant.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: acct.ID, RoleDefinitionID: ga.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
		return fmt.Errorf("add role by hand: %w", err)
	}
	rep, err = ver.Verify(ctx, acct)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	out.report(rep)
	if err := expectFailed(rep, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm); err != nil {
		return fmt.Errorf("drift verify: %w", err)
	}

	out.step("10. Deprovision: remove the account's own grant and roles, and delete the account")
	if err := prov.Deprovision(ctx, acct); err != nil {
		return fmt.Errorf("deprovision: %w", err)
	}
	if err := prov.Deprovision(ctx, acct); err != nil {
		return fmt.Errorf("deprovision again (must be a no-op): %w", err)
	}
	rep, err = ver.Verify(ctx, acct)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if c, _ := rep.Check(verify.CheckExists); c.Status != verify.StatusFail {
		return errors.New("after deprovision: want account.exists to fail")
	}
	out.text(fmt.Sprintf("  %s is gone: %s\n", acct.UserPrincipalName, mustCheck(rep, verify.CheckExists).Evidence))
	grants, err := tenant.PermissionGrants(ctx, demo.PartnerAppID)
	if err != nil {
		return fmt.Errorf("read grants: %w", err)
	}
	if len(grants) != 1 || grants[0].ID != tenantWide.ID {
		return fmt.Errorf("after deprovision: want only the tenant-wide grant left, got %v", grants)
	}
	out.text(fmt.Sprintf("  the account's grant is gone; the tenant-wide grant %s is left alone (revoke it in Enterprise applications > Permissions)\n", tenantWide.ID))

	out.step("Onboarding walk-through behaved as expected.")
	return nil
}

func mustCheck(r verify.Report, id string) verify.Check {
	c, _ := r.Check(id)
	return c
}

// expectFailed checks that exactly the given checks did not pass.
func expectFailed(r verify.Report, ids ...string) error {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, c := range r.Checks {
		if want[c.ID] == c.Passed() {
			return fmt.Errorf("check %s is %s, not as expected", c.ID, c.Status)
		}
	}
	return nil
}

// printer writes the narration to narration, and the reports to w: as
// tables among the narration, or with -json as JSON Lines.
type printer struct {
	w         io.Writer
	narration io.Writer
	json      bool
}

func (p *printer) step(s string) { fmt.Fprintf(p.narration, "\n== %s\n", s) }
func (p *printer) text(s string) { fmt.Fprint(p.narration, s) }

func (p *printer) report(r verify.Report) {
	if !p.json {
		fmt.Fprint(p.w, r.String())
		return
	}
	_ = json.NewEncoder(p.w).Encode(r)
}
