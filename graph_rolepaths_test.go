package consent_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// Over the Graph backend, every path to a role fails the right check with
// evidence naming the path, in the round trips the README promises:
// Verify by object ID is one $batch when the account is in no
// role-assignable group and two when it is; Plan's are the same.
func TestVerifyOverGraphRolePaths(t *testing.T) {
	globalAdmin, _ := roles.Lookup("Global Administrator")
	for _, tc := range []struct {
		name      string
		setup     func(t *testing.T, env *graphEnv, userID string)
		trips     int
		wantFail  []string
		evidence  string
		unknown   []string
		remediate string
	}{
		{name: "clean", trips: 1},
		{name: "eligible for Global Administrator", setup: func(t *testing.T, env *graphEnv, id string) {
			if _, err := env.fake.CreateEligibility(context.Background(), directory.RoleSchedule{
				PrincipalID: id, RoleDefinitionID: globalAdmin.ID, DirectoryScopeID: "/", EndDateTime: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
			}); err != nil {
				t.Fatal(err)
			}
		}, trips: 1, wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			evidence: "Global Administrator at / — eligible through PIM until 2027-01-31"},
		{name: "group holds Privileged Role Administrator", setup: tier0Group, trips: 2, wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			evidence: "Privileged Role Administrator at / — through group 'Tier0 admins' (44444444-"},
		{name: "custom role scoped to a named administrative unit", setup: func(t *testing.T, env *graphEnv, id string) {
			ctx := context.Background()
			au, _ := env.fake.CreateAdministrativeUnit(ctx, "Sydney")
			d, _ := env.fake.CreateRoleDefinition(ctx, "Helpdesk Tier 2")
			if _, err := env.fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: d.ID, DirectoryScopeID: au.ID}); err != nil {
				t.Fatal(err)
			}
		}, trips: 1, wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			evidence: "custom role 'Helpdesk Tier 2' (66666666-0000-4000-8000-000000000008) at /administrativeUnits/55555555-0000-4000-8000-000000000007 — scoped to administrative unit 'Sydney' (55555555-0000-4000-8000-000000000007)"},
		{name: "tenant without P2", setup: func(t *testing.T, env *graphEnv, id string) {
			env.fake.SetPremiumP2(false)
		}, trips: 1, evidence: "PIM is not available in this tenant: no eligible assignments possible"},
		{name: "eligibility unreadable", setup: func(t *testing.T, env *graphEnv, id string) {
			env.srv.DenyPermission(graphtest.ListRoleEligibilitySchedules)
		}, trips: 1, unknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}, remediate: "RoleEligibilitySchedule.Read.Directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			env := newGraphEnv(t, nil, nil)
			p := newProvisioner(env.dir, env.clock)
			spec := chaosSpec(1)
			res := ownedAccount(t, env, p, spec)
			if tc.setup != nil {
				tc.setup(t, env, res.Account.ID)
			}
			env.srv.Reset()
			rep, err := verify.New(env.dir, &verify.Options{Now: env.clock.Now}).Verify(ctx, res.Account)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := roundTrips(env); n != tc.trips {
				t.Errorf("Verify took %d round trips, want %d", n, tc.trips)
			}
			failed, unknown := checkIDs(rep, verify.StatusFail), checkIDs(rep, verify.StatusUnknown)
			if fmt.Sprint(failed) != fmt.Sprint(tc.wantFail) || fmt.Sprint(unknown) != fmt.Sprint(tc.unknown) {
				t.Errorf("failed %v, unknown %v; want %v, %v\n%s", failed, unknown, tc.wantFail, tc.unknown, rep)
			}
			if tc.evidence != "" {
				c, _ := rep.Check(verify.CheckNoUnexpectedPrivAdm)
				if !strings.Contains(c.Evidence, tc.evidence) {
					t.Errorf("evidence %q does not contain %q", c.Evidence, tc.evidence)
				}
			}
			if tc.remediate != "" {
				c, _ := rep.Check(verify.CheckNoUnexpectedPrivAdm)
				if !strings.Contains(c.Remediation, tc.remediate) {
					t.Errorf("remediation %q does not name %s", c.Remediation, tc.remediate)
				}
			}

			// Provision reports the roles held beyond the spec through
			// every path, in the same round trips as before (one, for a
			// converged account by a UPN it has seen), plus the groups'
			// roles.
			env.srv.Reset()
			pl, err := p.Plan(ctx, spec)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := roundTrips(env); n != tc.trips {
				t.Errorf("Plan took %d round trips, want %d", n, tc.trips)
			}
			if tc.evidence != "" && len(tc.wantFail) > 0 {
				var names []string
				for _, r := range pl.Unexpected {
					names = append(names, r.Name)
				}
				if !strings.Contains(strings.Join(names, "; "), tc.evidence) {
					t.Errorf("Plan.Unexpected = %q, want one containing %q", names, tc.evidence)
				}
			}
		})
	}
}

// ownedAccount provisions spec over the Graph backend and acts out the
// owner's steps (first sign-in, Microsoft Authenticator), so that the
// account passes every check.
func ownedAccount(t *testing.T, env *graphEnv, p *serviceaccount.Provisioner, spec serviceaccount.Spec) serviceaccount.Result {
	t.Helper()
	res, err := p.Provision(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	// The test specs hold Exchange and SharePoint Administrator, highly
	// privileged roles: a FIDO2 key and the tenant's phishing-resistant
	// policy (seedPolicies) make mfa.phishing-resistant pass.
	ownerSignsIn(t, env.fake, res.Account.ID, directory.MethodMicrosoftAuthenticator, directory.MethodFido2)
	return res
}
