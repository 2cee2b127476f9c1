package consent_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

// readyAccount provisions a Teams account through the Graph backend and
// acts out the owner's first sign-in and MFA registration.
func readyAccount(t *testing.T, env *graphEnv) serviceaccount.Account {
	t.Helper()
	ctx := context.Background()
	res, err := newProvisioner(env.dir, env.clock).Provision(ctx, serviceaccount.Spec{
		UserPrincipalName: "svc-self@" + directorytest.DefaultDomain, DisplayName: "Cloud User Hub service account",
		UsageLocation: "AU", Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin,
	})
	if err != nil {
		t.Fatal(err)
	}
	env.clock.Sleep(ctx, time.Hour)
	ownerSignsIn(t, env.fake, res.Account.ID, directory.MethodMicrosoftAuthenticator)
	return res.Account
}

// signInOverGraph returns the Graph backend signed in as upn with a user
// token of the test server.
func signInOverGraph(t *testing.T, env *graphEnv, upn string, opts *directorytest.SignInOptions, logger *slog.Logger) *graphdir.Directory {
	t.Helper()
	tok, err := env.srv.UserToken(upn, opts)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := graphdir.New(graphtest.Credential(tok), &graphdir.Options{BaseURL: env.srv.URL, Sleep: env.clock.Sleep, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkIDs returns the IDs of rep's checks with status st, in report
// order (nil when none).
func checkIDs(rep verify.Report, st verify.Status) []string {
	var ids []string
	for _, c := range rep.Checks {
		if c.Status == st {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func statuses(rep verify.Report) map[string]verify.Status {
	out := map[string]verify.Status{}
	for _, c := range rep.Checks {
		out[c.ID] = c.Status
	}
	return out
}

// TestVerifySelfOverGraph runs VerifySelf signed in as the account over
// the Graph backend and the Graph test server, and over the Fake's
// signed-in view with the same rules: the verdicts agree, the wrong
// account and an extra privileged role fail, a denied read is unknown and
// never passes, both readings of who may list role assignments give the
// right verdict (the memberships are read either way; the scoped ones only
// when the list is denied), a role held through a role-assignable group
// fails with evidence naming the group, a custom role is left out of the
// memberships, and every run costs at most two round trips. The sign-in
// policies, which a least-privileged account may not read, are listed as
// not visible (mfa.enforced not run, mfa.phishing-resistant judged on the
// methods alone); a transient failure to read them is unknown and never
// passes; an account that may read them gets the full checks.
func TestVerifySelfOverGraph(t *testing.T) {
	members := &directorytest.SignInOptions{MembersListOwnRoleAssignments: true}
	for _, tc := range []struct {
		name   string
		opts   *directorytest.SignInOptions
		opaque bool
		setup  func(t *testing.T, env *graphEnv, id string)
		want   func(*serviceaccount.Account)
		deny   graphtest.Endpoint
		// fail answers every request to this endpoint with 503.
		fail graphtest.Endpoint
		// wantFail and wantUnknown are the checks that fail or are unknown.
		wantFail, wantUnknown []string
		// fallback: the scoped memberships must be requested.
		fallback bool
		// wantEvidence are substrings of roles.no-unexpected-privileged's
		// evidence.
		wantEvidence []string
		// policies is how the sign-in policy checks come out: notVisible
		// (the zero value: the account may not read the policies by
		// design) or readable (the full checks run, whatever their
		// verdict); a transient failure lists them in wantUnknown.
		policies policyVisibility
		// phishing is the status of mfa.phishing-resistant (default pass).
		phishing verify.Status
	}{
		{name: "ready, list denied", fallback: true},
		{name: "ready, list allowed", opts: members},
		{name: "ready, opaque token", opaque: true, fallback: true},
		{name: "wrong account", want: func(a *serviceaccount.Account) { a.UserPrincipalName = "other@" + directorytest.DefaultDomain },
			wantFail: []string{verify.CheckIdentity}, fallback: true},
		{name: "extra privileged role through memberships", fallback: true,
			setup: func(t *testing.T, env *graphEnv, id string) {
				r, _ := roles.Lookup("Security Administrator")
				if _, err := env.fake.CreateRoleAssignment(context.Background(), directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: r.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
					t.Fatal(err)
				}
			},
			wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "privileged role through a group, list denied", fallback: true, setup: tier0Group,
			// Highly privileged without a FIDO2 key: fails although the
			// policies are not visible.
			phishing:     verify.StatusFail,
			wantFail:     []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantEvidence: []string{"Privileged Role Administrator at /", "through role-assignable group 'Tier0 admins'"}},
		{name: "privileged role through a group, list allowed", opts: members, setup: tier0Group,
			phishing:     verify.StatusFail,
			wantFail:     []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantEvidence: []string{"Privileged Role Administrator at / — through group 'Tier0 admins'"}},
		{name: "custom role, list denied", fallback: true,
			setup: func(t *testing.T, env *graphEnv, id string) {
				ctx := context.Background()
				d, err := env.fake.CreateRoleDefinition(ctx, "Helpdesk Plus")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := env.fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: d.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "methods denied", deny: graphtest.ListMyAuthenticationMethods, fallback: true,
			wantUnknown: []string{verify.CheckMFARegistered}},
		{name: "memberships denied", deny: graphtest.ListMyTransitiveMemberOf, fallback: true, phishing: verify.StatusUnknown,
			wantUnknown: []string{verify.CheckMFAPhishingResistant, verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "role objects with limited information", opts: &directorytest.SignInOptions{LimitedRoleObjects: true}, fallback: true, phishing: verify.StatusUnknown,
			wantUnknown: []string{verify.CheckMFAPhishingResistant, verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "privileged role through a group, FIDO2 key", fallback: true,
			setup: func(t *testing.T, env *graphEnv, id string) { tier0Group(t, env, id); registerKey(t, env, id) },
			// The method half passes; the policy half is not visible.
			phishing: verify.StatusWarn,
			wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "policies fail transiently", fallback: true, fail: graphtest.ListConditionalAccess, setup: tier0Group,
			// Not by design: both checks unknown, and the report does
			// not pass.
			policies: policiesReadable, phishing: verify.StatusUnknown,
			wantFail:    []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantUnknown: []string{verify.CheckMFAEnforced, verify.CheckMFAPhishingResistant}},
		{name: "policies fail transiently, ready otherwise", fallback: true, fail: graphtest.ListConditionalAccess,
			policies: policiesReadable, wantUnknown: []string{verify.CheckMFAEnforced}},
		{name: "policies readable: Policy.Read.All and Security Reader", opts: policyReader, fallback: true, policies: policiesReadable,
			setup: securityReader, want: func(a *serviceaccount.Account) { a.Roles = []string{"Security Reader"} }},
		{name: "policies readable, privileged role through a group, FIDO2 key", opts: policyReader, fallback: true, policies: policiesReadable,
			setup: func(t *testing.T, env *graphEnv, id string) {
				securityReader(t, env, id)
				tier0Group(t, env, id)
				registerKey(t, env, id)
			},
			want: func(a *serviceaccount.Account) { a.Roles = []string{"Security Reader"} },
			// The tenant's seeded policy requires phishing-resistant MFA
			// of the highly privileged roles: the full check passes.
			wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			env := newGraphEnv(t, &graphtest.Options{OpaqueTokens: tc.opaque}, nil)
			acct := readyAccount(t, env)
			if tc.setup != nil {
				tc.setup(t, env, acct.ID)
			}
			want := acct
			if tc.want != nil {
				tc.want(&want)
			}
			dir := signInOverGraph(t, env, acct.UserPrincipalName, tc.opts, nil)
			if tc.deny != "" {
				env.srv.DenyPermission(tc.deny)
			}
			if tc.fail != "" {
				env.srv.FailEndpoint(tc.fail, 1000, http.StatusServiceUnavailable)
			}
			env.srv.Reset()
			rep, err := verify.New(dir, &verify.Options{Now: env.clock.Now}).VerifySelf(ctx, want)
			if err != nil {
				t.Fatalf("VerifySelf: %v", err)
			}
			fail, unk := checkIDs(rep, verify.StatusFail), checkIDs(rep, verify.StatusUnknown)
			if diff := cmp.Diff(tc.wantFail, fail); diff != "" {
				t.Errorf("failed checks (-want +got):\n%s\n%s", diff, rep)
			}
			wantUnknown := slices.Clone(tc.wantUnknown)
			slices.Sort(wantUnknown)
			slices.Sort(unk)
			if diff := cmp.Diff(wantUnknown, unk); diff != "" {
				t.Errorf("unknown checks (-want +got):\n%s\n%s", diff, rep)
			}
			if rep.Passed() != (len(tc.wantFail)+len(wantUnknown) == 0) || rep.Mode != verify.ModeSelf || rep.TenantID != directorytest.DefaultTenantID {
				t.Errorf("passed %v, mode %q, tenant %q", rep.Passed(), rep.Mode, rep.TenantID)
			}
			checkPolicyVisibility(t, rep, tc.policies, tc.phishing)

			// Round trips, and the fallback only when the list was denied.
			reqs := env.srv.Requests()
			// (A persistent 503 costs the retries on top.)
			if len(reqs) > 2 && tc.fail == "" {
				t.Errorf("%d round trips: the budget is 2", len(reqs))
			}
			askedMemberships, askedScoped := false, false
			for _, r := range reqs {
				for _, it := range r.Batch {
					askedMemberships = askedMemberships || it.Endpoint == graphtest.ListMyTransitiveMemberOf
					askedScoped = askedScoped || it.Endpoint == graphtest.ListMyScopedRoleMemberOf
				}
			}
			if !askedMemberships || askedScoped != (tc.fallback || tc.opaque) {
				t.Errorf("memberships requested: %v, scoped memberships %v: want true, %v", askedMemberships, askedScoped, tc.fallback || tc.opaque)
			}
			priv, _ := rep.Check(verify.CheckNoUnexpectedPrivAdm)
			for _, sub := range tc.wantEvidence {
				if !strings.Contains(priv.Evidence, sub) {
					t.Errorf("roles.no-unexpected-privileged evidence %q: want %q", priv.Evidence, sub)
				}
			}
			assigned, _ := rep.Check(verify.CheckRolesAssigned)
			if fromMemberships := strings.HasPrefix(assigned.Evidence, "memberships"); fromMemberships != tc.fallback && assigned.Status != verify.StatusUnknown {
				t.Errorf("roles.assigned evidence %q: from memberships %v, want %v", assigned.Evidence, fromMemberships, tc.fallback)
			}

			// The Fake's signed-in view gives the same verdict.
			if tc.deny == "" && tc.fail == "" {
				view, err := env.fake.SignedInAs(acct.UserPrincipalName, tc.opts)
				if err != nil {
					t.Fatal(err)
				}
				fakeRep, err := verify.New(view, &verify.Options{Now: env.clock.Now}).VerifySelf(ctx, want)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(statuses(fakeRep), statuses(rep)); diff != "" {
					t.Errorf("statuses over the Fake and over Graph differ (-fake +graph):\n%s", diff)
				}
			}
		})
	}
}

// policyVisibility is whether a self report could read the tenant's
// sign-in policies.
type policyVisibility int

const (
	// policiesNotVisible: denied by design (no Policy.Read.All, no reader
	// role): mfa.enforced is not run and the policies are listed in
	// Report.NotVisible.
	policiesNotVisible policyVisibility = iota
	// policiesReadable: the policy checks run as in Verify (a transient
	// failure makes them unknown).
	policiesReadable
)

// policyReader signs in through an app granted Policy.Read.All beside the
// default scopes; with a reader role (securityReader) the account may read
// the tenant's sign-in policies.
var policyReader = &directorytest.SignInOptions{Scopes: append([]string{directorytest.ScopePolicyReadAll}, directorytest.DefaultScopes...)}

// policiesNotVisibleWhat is the start of the NotVisible entry for the
// sign-in policies.
const policiesNotVisibleWhat = "the tenant's sign-in policies"

// checkPolicyVisibility checks how a self report treated the sign-in
// policies: mfa.enforced absent and the policies listed as not visible, or
// mfa.enforced present and nothing listed; mfa.phishing-resistant has the
// status phishing (the zero value meaning pass). A warning for a highly
// privileged account with a key names the credential that could check the
// policy half.
func checkPolicyVisibility(t *testing.T, rep verify.Report, v policyVisibility, phishing verify.Status) {
	t.Helper()
	_, enforced := rep.Check(verify.CheckMFAEnforced)
	listed := slices.ContainsFunc(rep.NotVisible, func(n verify.NotVisible) bool { return strings.HasPrefix(n.What, policiesNotVisibleWhat) })
	if want := v == policiesReadable; enforced != want || listed == want {
		t.Errorf("mfa.enforced run: %v, policies listed as not visible: %v; want %v, %v\n%s", enforced, listed, want, !want, rep)
	}
	if phishing == "" {
		phishing = verify.StatusPass
	}
	pr, ok := rep.Check(verify.CheckMFAPhishingResistant)
	if !ok || pr.Status != phishing {
		t.Errorf("mfa.phishing-resistant = %+v, want %s", pr, phishing)
	}
	if v == policiesNotVisible && phishing == verify.StatusWarn && (!strings.Contains(pr.Evidence, "not visible") || !strings.Contains(pr.Remediation, "Policy.Read.All")) {
		t.Errorf("mfa.phishing-resistant evidence %q, remediation %q: want the policy half named as not visible and the credential that could check it", pr.Evidence, pr.Remediation)
	}
}

// securityReader assigns the account Security Reader, a role that may read
// the tenant's sign-in policies (with Policy.Read.All).
func securityReader(t *testing.T, env *graphEnv, id string) {
	r, _ := roles.Lookup("Security Reader")
	if _, err := env.fake.CreateRoleAssignment(context.Background(), directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: r.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
		t.Fatal(err)
	}
}

// registerKey registers a FIDO2 security key for the account.
func registerKey(t *testing.T, env *graphEnv, id string) {
	if _, err := env.fake.RegisterMethod(context.Background(), id, directory.MethodFido2, "key"); err != nil {
		t.Fatal(err)
	}
}

// tier0Group puts the account in a role-assignable group holding
// Privileged Role Administrator.
func tier0Group(t *testing.T, env *graphEnv, id string) {
	ctx := context.Background()
	g, err := env.fake.CreateGroup(ctx, "Tier0 admins", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.fake.AddGroupMember(ctx, g.ID, id); err != nil {
		t.Fatal(err)
	}
	r, _ := roles.Lookup("Privileged Role Administrator")
	if _, err := env.fake.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: g.ID, RoleDefinitionID: r.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
		t.Fatal(err)
	}
}

// An application's credential gets a clear error, not a report.
func TestVerifySelfOverGraphApplication(t *testing.T) {
	env := newGraphEnv(t, nil, nil)
	acct := readyAccount(t, env)
	for _, dir := range []directory.Directory{env.dir, mustNew(t, graphtest.Credential(env.srv.AppToken()), env.srv.URL)} {
		_, err := verify.New(dir, nil).VerifySelf(context.Background(), acct)
		if !errors.Is(err, directory.ErrInvalid) || !strings.Contains(err.Error(), "delegated") {
			t.Errorf("VerifySelf with an application credential = %v: want ErrInvalid naming the delegated credential it needs", err)
		}
	}
}

func mustNew(t *testing.T, cred azcore.TokenCredential, base string) *graphdir.Directory {
	return mustNewLogged(t, cred, base, nil)
}

func mustNewLogged(t *testing.T, cred azcore.TokenCredential, base string, logger *slog.Logger) *graphdir.Directory {
	t.Helper()
	dir, err := graphdir.New(cred, &graphdir.Options{BaseURL: base, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
