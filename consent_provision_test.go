package consent_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

// consentSpec is chaosSpec(i) with demoApp's consent granted to the
// account (GrantConsent) or not.
func consentSpec(i int, grant bool, scopes ...string) serviceaccount.Spec {
	s := chaosSpec(i)
	app := demoApp
	if len(scopes) > 0 {
		app.Scopes = scopes
	}
	s.PartnerApp, s.GrantConsent = &app, grant
	return s
}

// accountGrants returns demoApp's grants for principal (consentType
// Principal), from the fake's state itself.
func accountGrants(f *directorytest.Fake, principal string) []directory.PermissionGrant {
	var out []directory.PermissionGrant
	for _, g := range f.AllPermissionGrants() {
		if g.ConsentType == directory.ConsentPrincipal && g.PrincipalID == principal {
			out = append(out, g)
		}
	}
	return out
}

// TestProvisionGrantConsent: the opt-in creates the application's service
// principal and exactly one grant, for the account alone, for exactly the
// scopes; a re-run writes nothing; a scope added to the spec goes into
// the same grant.
func TestProvisionGrantConsent(t *testing.T) {
	for _, b := range consentBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dir, f, _, c := b.new(t)
			p := newProvisioner(dir, c)
			spec := consentSpec(1, true)

			pl, err := p.Plan(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&serviceaccount.ConsentStatus{ClientID: demoApp.ClientID, Scopes: demoApp.Scopes, Missing: demoApp.Scopes}, pl.Consent); diff != "" {
				t.Errorf("Plan.Consent mismatch (-want +got):\n%s", diff)
			}
			var actions []serviceaccount.Action
			for _, ch := range pl.Changes {
				actions = append(actions, ch.Action)
			}
			wantActions := []serviceaccount.Action{serviceaccount.ActionCreateUser, serviceaccount.ActionAssignRole, serviceaccount.ActionAssignRole, serviceaccount.ActionAssignRole,
				serviceaccount.ActionCreateServicePrincipal, serviceaccount.ActionGrantConsent}
			if diff := cmp.Diff(wantActions, actions); diff != "" {
				t.Errorf("Plan actions mismatch (-want +got):\n%s\n%v", diff, pl)
			}

			res, err := p.Provision(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			sp, err := f.ServicePrincipal(ctx, demoApp.ClientID)
			if err != nil {
				t.Fatalf("no service principal after Provision: %v", err)
			}
			grants := f.AllPermissionGrants()
			graph, _ := f.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
			want := []directory.PermissionGrant{{ID: res.Consent.GrantID, ClientID: sp.ID, ConsentType: directory.ConsentPrincipal,
				PrincipalID: res.Account.ID, ResourceID: graph.ID, Scope: "User.ReadWrite.All Group.ReadWrite.All"}}
			if diff := cmp.Diff(want, grants); diff != "" {
				t.Errorf("grants after Provision mismatch (-want +got):\n%s", diff)
			}
			if res.Account.PartnerApp == nil || res.Account.PartnerApp.ClientID != demoApp.ClientID {
				t.Errorf("Result.Account.PartnerApp = %+v: want demoApp, so that Verify checks the consent", res.Account.PartnerApp)
			}

			writes := f.Writes()
			again, err := p.Provision(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Changes) != 0 || f.Writes() != writes {
				t.Errorf("re-run: %d change(s) %v, %d write(s): want none", len(again.Changes), again.Changes, f.Writes()-writes)
			}

			more := consentSpec(1, true, "User.ReadWrite.All", "Group.ReadWrite.All", "Team.ReadBasic.All")
			grown, err := p.Provision(ctx, more)
			if err != nil {
				t.Fatal(err)
			}
			if len(grown.Changes) != 1 || grown.Changes[0].Action != serviceaccount.ActionAddScopes {
				t.Errorf("added scope: changes %v, want one add-scopes", grown.Changes)
			}
			want[0].Scope += " Team.ReadBasic.All"
			if diff := cmp.Diff(want, f.AllPermissionGrants()); diff != "" {
				t.Errorf("grants after adding a scope mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestProvisionWithoutGrantConsent: without the opt-in nothing is granted
// and the Result says where an administrator can consent.
func TestProvisionWithoutGrantConsent(t *testing.T) {
	for _, b := range consentBackends {
		t.Run(b.name, func(t *testing.T) {
			dir, f, _, c := b.new(t)
			res, err := newProvisioner(dir, c).Provision(context.Background(), consentSpec(1, false))
			if err != nil {
				t.Fatal(err)
			}
			url := "https://login.microsoftonline.com/" + directorytest.DefaultDomain + "/adminconsent?client_id=" + demoApp.ClientID
			if res.Consent == nil || res.Consent.AdminConsentURL != url {
				t.Errorf("Result.Consent = %+v: want AdminConsentURL %s", res.Consent, url)
			}
			if !strings.Contains(strings.Join(res.Warnings, "\n"), url) {
				t.Errorf("Result.Warnings %q do not give the URL", res.Warnings)
			}
			if gs := f.AllPermissionGrants(); len(gs) != 0 {
				t.Errorf("grants %v: want none without GrantConsent", gs)
			}
		})
	}
}

// TestProvisionConsentRollback: a role assignment that fails for good
// after the grant rolls back the account's own grant with the account,
// and leaves a tenant-wide grant alone.
func TestProvisionConsentRollback(t *testing.T) {
	for _, b := range consentBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dir, f, srv, c := b.new(t)
			tenantWide := grant(t, f, directory.ConsentAllPrincipals, "", "User.Read")
			deny(f, srv, directorytest.OpCreateRoleAssignment, graphtest.CreateRoleAssignment)
			_, err := newProvisioner(dir, c).Provision(ctx, consentSpec(1, true))
			var perr *serviceaccount.Error
			if !errors.As(err, &perr) || perr.Outcome != serviceaccount.OutcomeRolledBack {
				t.Fatalf("Provision = %v: want an *Error with OutcomeRolledBack", err)
			}
			if diff := cmp.Diff([]directory.PermissionGrant{tenantWide}, f.AllPermissionGrants()); diff != "" {
				t.Errorf("grants after rollback mismatch (-want +got):\n%s", diff)
			}
			if us := f.Users(); len(us) != 0 {
				t.Errorf("users after rollback: %v", us)
			}
		})
	}
}

// TestDeprovisionConsent: Deprovision deletes the account's own grant, and
// neither the tenant-wide grant nor another user's.
func TestDeprovisionConsent(t *testing.T) {
	for _, b := range consentBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dir, f, _, c := b.new(t)
			p := newProvisioner(dir, c)
			res, err := p.Provision(ctx, consentSpec(1, true))
			if err != nil {
				t.Fatal(err)
			}
			other, err := p.Provision(ctx, consentSpec(2, true))
			if err != nil {
				t.Fatal(err)
			}
			tenantWide := grant(t, f, directory.ConsentAllPrincipals, "", "User.Read")
			if err := p.Deprovision(ctx, res.Account); err != nil {
				t.Fatal(err)
			}
			if gs := accountGrants(f, res.Account.ID); len(gs) != 0 {
				t.Errorf("the account's grants after Deprovision: %v", gs)
			}
			if gs := accountGrants(f, other.Account.ID); len(gs) != 1 {
				t.Errorf("the other account's grants after Deprovision: %v, want its one", gs)
			}
			if !containsGrant(f.AllPermissionGrants(), tenantWide.ID) {
				t.Error("Deprovision deleted the tenant-wide grant")
			}
			if err := p.Deprovision(ctx, res.Account); err != nil {
				t.Errorf("Deprovision again: %v", err)
			}
		})
	}
}

func containsGrant(gs []directory.PermissionGrant, id string) bool {
	for _, g := range gs {
		if g.ID == id {
			return true
		}
	}
	return false
}

// TestProvisionConsentTransientFaults: a grant whose create is throttled
// (fake) or whose answer is lost after it was applied (graph) is retried
// and still leaves exactly one grant.
func TestProvisionConsentTransientFaults(t *testing.T) {
	for _, b := range consentBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dir, f, srv, c := b.new(t)
			if srv != nil {
				srv.DropConnection(graphtest.After, graphtest.CreatePermissionGrant)
				srv.DropConnection(graphtest.After, graphtest.CreateServicePrincipal)
			} else {
				fired := map[directorytest.Op]bool{}
				f.SetFault(func(op directorytest.Op, object string) error {
					if (op == directorytest.OpCreatePermissionGrant || op == directorytest.OpCreateServicePrincipal) && !fired[op] {
						fired[op] = true
						return fmt.Errorf("directorytest: %s %q: %w", op, object, directory.ErrThrottled)
					}
					return nil
				})
			}
			res, err := newProvisioner(dir, c).Provision(ctx, consentSpec(1, true))
			if err != nil {
				t.Fatal(err)
			}
			gs := f.AllPermissionGrants()
			if len(gs) != 1 || gs[0].PrincipalID != res.Account.ID || gs[0].Scope != "User.ReadWrite.All Group.ReadWrite.All" {
				t.Errorf("grants %+v: want exactly the account's one", gs)
			}
		})
	}
}

// TestProvisionConsentOnExistingAccountLeftPartly: on an account that
// existed before the call, a role assignment that fails after the consent
// was granted leaves the grant (and the service principal it created) in
// place, and the error says so: the outcome is PartlyConverged, never
// "nothing was left".
func TestProvisionConsentOnExistingAccountLeftPartly(t *testing.T) {
	for _, b := range consentBackends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			dir, f, srv, c := b.new(t)
			p := newProvisioner(dir, c)
			first, err := p.Provision(ctx, chaosSpec(1))
			if err != nil {
				t.Fatal(err)
			}
			spec := consentSpec(1, true)
			spec.Roles = append(spec.Roles, "Message Center Reader") // missing: the assignment runs, after the grant
			deny(f, srv, directorytest.OpCreateRoleAssignment, graphtest.CreateRoleAssignment)
			res, err := p.Provision(ctx, spec)
			var perr *serviceaccount.Error
			if !errors.As(err, &perr) || perr.Outcome != serviceaccount.OutcomePartlyConverged {
				t.Fatalf("Provision = %v: want an *Error with OutcomePartlyConverged", err)
			}
			for _, want := range []string{"it existed before this call", "service principal was created", "scopes were granted"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if res.Account.ID != first.Account.ID {
				t.Errorf("Result.Account.ID = %q, want the existing account %q (the Result is returned when the account is left)", res.Account.ID, first.Account.ID)
			}
			if gs := accountGrants(f, first.Account.ID); len(gs) != 1 {
				t.Errorf("account's grants after the failure: %+v, want the one this call made", gs)
			}
		})
	}
}
