package verify_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

// selfCase is one state of the account, verified signed in as itself.
type selfCase struct {
	name string
	// setup changes the tenant after the owner's steps.
	setup func(t testing.TB, tn *tenant, userID string)
	// opts are the sign-in rules (nil: the documented defaults).
	opts *directorytest.SignInOptions
	// want changes the expected account (the identity check).
	want  func(*serviceaccount.Account)
	fault directorytest.FaultFunc

	wantFail, wantUnknown []string
	// policiesReadable: the account may read the tenant's sign-in
	// policies, so mfa.enforced runs as in Verify. Otherwise (the normal
	// case, denied by design) mfa.enforced is not run and the policies are
	// listed in Report.NotVisible, naming the credential that could read
	// them.
	policiesReadable bool
	// phishing is the status of mfa.phishing-resistant (zero: pass).
	phishing verify.Status
	// wantSource is the start of the roles.assigned evidence.
	wantSource string
	// wantEvidence are substrings of roles.no-unexpected-privileged's
	// evidence; wantNotVisible substrings of some NotVisible's What.
	wantEvidence, wantNotVisible []string
}

func (c selfCase) run(t *testing.T) verify.Report {
	t.Helper()
	tn := newTenant()
	acct := tn.passingAccount(t, upn)
	if c.setup != nil {
		c.setup(t, tn, acct.ID)
	}
	view, err := tn.SignedInAs(upn, c.opts)
	if err != nil {
		t.Fatalf("SignedInAs: %v", err)
	}
	want := serviceaccount.Account{Workloads: acct.Workloads, Access: acct.Access, UsageLocation: "AU"}
	if c.want != nil {
		c.want(&want)
	}
	tn.SetFault(c.fault)
	rep, err := tn.verifier(view).VerifySelf(context.Background(), want)
	if err != nil {
		t.Fatalf("VerifySelf: %v", err)
	}
	var fail, unk []string
	for _, ch := range rep.Checks {
		switch ch.Status {
		case verify.StatusFail:
			fail = append(fail, ch.ID)
		case verify.StatusUnknown:
			unk = append(unk, ch.ID)
		}
	}
	if diff := cmp.Diff(c.wantFail, fail); diff != "" {
		t.Errorf("failed checks (-want +got):\n%s\n%s", diff, rep)
	}
	wantUnknown := sorted(slices.Clone(c.wantUnknown)...)
	if diff := cmp.Diff(wantUnknown, sorted(unk...)); diff != "" {
		t.Errorf("unknown checks (-want +got):\n%s\n%s", diff, rep)
	}
	c.checkPolicies(t, rep)
	if got, want := rep.Passed(), len(c.wantFail)+len(wantUnknown) == 0; got != want {
		t.Errorf("Passed() = %v, want %v", got, want)
	}
	if rep.Mode != verify.ModeSelf || rep.TenantID != directorytest.DefaultTenantID || rep.TenantIDSource != directory.TenantFromToken {
		t.Errorf("mode %q, tenant %q from %q: want self, %s from the token", rep.Mode, rep.TenantID, rep.TenantIDSource, directorytest.DefaultTenantID)
	}
	if rep.Account.ID != acct.ID || rep.Account.UserPrincipalName != upn {
		t.Errorf("report account = %s: want the signed-in %s (%s)", rep.Account, upn, acct.ID)
	}
	if c.wantSource != "" {
		if ch, _ := rep.Check(verify.CheckRolesAssigned); !strings.HasPrefix(ch.Evidence, c.wantSource) {
			t.Errorf("roles.assigned evidence %q: want it to start with %q", ch.Evidence, c.wantSource)
		}
	}
	priv, _ := rep.Check(verify.CheckNoUnexpectedPrivAdm)
	for _, sub := range c.wantEvidence {
		if !strings.Contains(priv.Evidence, sub) {
			t.Errorf("roles.no-unexpected-privileged evidence %q: want %q", priv.Evidence, sub)
		}
	}
	for _, sub := range c.wantNotVisible {
		if !slices.ContainsFunc(rep.NotVisible, func(n verify.NotVisible) bool { return strings.Contains(n.What, sub) }) {
			t.Errorf("NotVisible %+v: want one about %q", rep.NotVisible, sub)
		}
	}
	checkString(t, rep)
	return rep
}

// checkPolicies checks how the report treated the tenant's sign-in
// policies: not visible by design (mfa.enforced absent, the policies listed
// in NotVisible with the credential that could read them) or read
// (mfa.enforced present, nothing listed), and mfa.phishing-resistant's
// status. Its warning (a highly privileged account with a key whose policy
// half is not visible) names that credential too.
func (c selfCase) checkPolicies(t *testing.T, rep verify.Report) {
	t.Helper()
	_, enforced := rep.Check(verify.CheckMFAEnforced)
	i := slices.IndexFunc(rep.NotVisible, func(n verify.NotVisible) bool {
		return strings.HasPrefix(n.What, "the tenant's sign-in policies")
	})
	if enforced != c.policiesReadable || (i >= 0) == c.policiesReadable {
		t.Errorf("mfa.enforced run: %v, policies listed as not visible: %v; want %v, %v\n%s", enforced, i >= 0, c.policiesReadable, !c.policiesReadable, rep)
	}
	if i >= 0 && (!strings.Contains(rep.NotVisible[i].CouldSee, "Policy.Read.All") || !strings.Contains(rep.NotVisible[i].CouldSee, "Verify (admin side)")) {
		t.Errorf("NotVisible %+v does not name the credential that can read the policies", rep.NotVisible[i])
	}
	want := c.phishing
	if want == "" {
		want = verify.StatusPass
	}
	pr, ok := rep.Check(verify.CheckMFAPhishingResistant)
	if !ok || pr.Status != want {
		t.Errorf("mfa.phishing-resistant = %+v: want %s", pr, want)
	}
	if want == verify.StatusWarn && !c.policiesReadable && (!strings.Contains(pr.Evidence, "not visible") || !strings.Contains(pr.Remediation, "Policy.Read.All") || !strings.Contains(pr.Remediation, "run Verify (admin side)")) {
		t.Errorf("mfa.phishing-resistant evidence %q, remediation %q: want the policy half named as not visible and the credential that can check it", pr.Evidence, pr.Remediation)
	}
}

// exchangeAdmin makes Exchange Administrator, a highly privileged role
// (CISA SCuBA MS.AAD.3.6v1), one of the account's expected roles, with a
// FIDO2 key registered when key is set.
func exchangeAdmin(key bool) (func(testing.TB, *tenant, string), func(*serviceaccount.Account)) {
	return func(t testing.TB, tn *tenant, id string) {
			tn.assign(t, id, "Exchange Administrator", directory.TenantScope)
			if key {
				tn.ownerSteps(t, id, false, directory.MethodFido2)
			}
		}, func(a *serviceaccount.Account) {
			a.Roles = append(a.Roles, "Exchange Administrator")
		}
}

// policyReader makes the account one that may read the tenant's sign-in
// policies: Security Reader, expected (the app's Policy.Read.All is in
// the sign-in options).
func policyReader(t testing.TB, tn *tenant, id string) {
	tn.assign(t, id, "Security Reader", directory.TenantScope)
}

// privilegedGroups puts the account in role-assignable groups, each
// holding the role with the same index at tenant scope.
func privilegedGroups(names []string, roleNames ...string) func(testing.TB, *tenant, string) {
	return func(t testing.TB, tn *tenant, id string) {
		for i, name := range names {
			g := tn.group(t, name, true, id)
			tn.assign(t, g.ID, roleNames[i], directory.TenantScope)
		}
	}
}

// customRole assigns the account a custom role at tenant scope.
func customRole(t testing.TB, tn *tenant, id string) {
	d, err := tn.CreateRoleDefinition(context.Background(), "Helpdesk Plus")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.CreateRoleAssignment(context.Background(), directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: d.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
		t.Fatal(err)
	}
}

const (
	fromList        = "role-assignment list and memberships: "
	fromMemberships = "memberships (the role-assignment list was denied"
)

func TestVerifySelf(t *testing.T) {
	members := &directorytest.SignInOptions{MembersListOwnRoleAssignments: true}
	withDirectoryRead := &directorytest.SignInOptions{Scopes: append([]string{directorytest.ScopeDirectoryReadAll}, directorytest.DefaultScopes...)}
	policyReads := &directorytest.SignInOptions{Scopes: append([]string{directorytest.ScopePolicyReadAll}, directorytest.DefaultScopes...)}
	expectSecurityReader := func(a *serviceaccount.Account) { a.Roles = append(a.Roles, "Security Reader") }
	noKeySetup, noKeyWant := exchangeAdmin(false)
	keySetup, keyWant := exchangeAdmin(true)
	// A policy reader, highly privileged, with a FIDO2 key.
	readerWithKey := func(t testing.TB, tn *tenant, id string) { policyReader(t, tn, id); keySetup(t, tn, id) }
	expectReaderWithKey := func(a *serviceaccount.Account) { keyWant(a); expectSecurityReader(a) }
	unavailable := func(ops ...directorytest.Op) directorytest.FaultFunc {
		return func(o directorytest.Op, _ string) error {
			if slices.Contains(ops, o) {
				return directory.ErrUnavailable
			}
			return nil
		}
	}
	for _, c := range []selfCase{
		{name: "ready, list denied (documented reading)", wantSource: fromMemberships},
		{name: "ready, members list their own", opts: members, wantSource: fromList},
		{name: "ready, reader role lets the list answer", wantSource: fromList,
			setup: func(t testing.TB, tn *tenant, id string) {
				tn.assign(t, id, "Directory Readers", directory.TenantScope)
			},
			// Directory Readers is beyond the Teams roles.
			wantFail: []string{verify.CheckLeastPrivilege}},
		{name: "expected identity", want: func(a *serviceaccount.Account) { a.UserPrincipalName = strings.ToUpper(upn) }},
		{name: "wrong account", want: func(a *serviceaccount.Account) { a.UserPrincipalName = "someone-else@" + directorytest.DefaultDomain },
			wantFail: []string{verify.CheckIdentity}},
		{name: "extra privileged role through memberships", wantSource: fromMemberships,
			setup: func(t testing.TB, tn *tenant, id string) {
				tn.assign(t, id, "Security Administrator", directory.TenantScope)
			},
			wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "extra privileged role through the list", opts: members, wantSource: fromList,
			setup: func(t testing.TB, tn *tenant, id string) {
				tn.assign(t, id, "Global Administrator", directory.TenantScope)
			},
			phishing: verify.StatusFail,
			wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "missing role through memberships", wantSource: fromMemberships,
			setup: func(t testing.TB, tn *tenant, id string) {
				tn.unassign(t, id, "Teams Administrator", directory.TenantScope)
			},
			wantFail: []string{verify.CheckRolesAssigned}},
		{name: "scoped role seen with Directory.Read.All", opts: withDirectoryRead, wantSource: fromMemberships,
			setup:    func(t testing.TB, tn *tenant, id string) { tn.assign(t, id, "User Administrator", auScope) },
			wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "scoped role not visible without Directory.Read.All", wantSource: fromMemberships,
			setup: func(t testing.TB, tn *tenant, id string) { tn.assign(t, id, "User Administrator", auScope) }},
		{name: "role objects with limited information", opts: &directorytest.SignInOptions{LimitedRoleObjects: true}, phishing: verify.StatusUnknown,
			wantUnknown: []string{verify.CheckMFAPhishingResistant, verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "methods not granted", opts: &directorytest.SignInOptions{Scopes: []string{directorytest.ScopeUserRead, directorytest.ScopeRoleManagementReadDirectory}},
			wantUnknown: []string{verify.CheckMFARegistered}},
		{name: "memberships read fails", fault: unavailable(directorytest.OpRoleMemberships), phishing: verify.StatusUnknown,
			wantUnknown: []string{verify.CheckMFAPhishingResistant, verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "list fails other than denied: no fallback", opts: members, fault: unavailable(directorytest.OpRoleAssignments),
			wantUnknown: []string{verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "scoped read fails", opts: withDirectoryRead, fault: unavailable(directorytest.OpScopedRoleMemberships), wantSource: fromMemberships,
			wantUnknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "methods read fails", fault: unavailable(directorytest.OpAuthenticationMethods),
			wantUnknown: []string{verify.CheckMFARegistered}},
		{name: "privileged role through a group, list denied", wantSource: fromMemberships, phishing: verify.StatusFail,
			setup:          privilegedGroups([]string{"Tier0 admins"}, "Privileged Role Administrator"),
			wantFail:       []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantEvidence:   []string{"Privileged Role Administrator at /", "held directly or through role-assignable group 'Tier0 admins'", "memberships cannot say which"},
			wantNotVisible: []string{"which roles are held through the account's role-assignable groups 'Tier0 admins'"}},
		{name: "privileged role through a group, members list their own", opts: members, wantSource: fromList, phishing: verify.StatusFail,
			setup:          privilegedGroups([]string{"Tier0 admins"}, "Privileged Role Administrator"),
			wantFail:       []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantEvidence:   []string{"Privileged Role Administrator at / — through group 'Tier0 admins'"},
			wantNotVisible: []string{"custom and eligible roles of the account's role-assignable groups 'Tier0 admins'"}},
		{name: "privileged role through one of two groups, members list their own", opts: members, wantSource: fromList, phishing: verify.StatusFail,
			setup:        privilegedGroups([]string{"Tier0 admins", "Ops"}, "Privileged Role Administrator", "Teams Administrator"),
			wantFail:     []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantEvidence: []string{"Privileged Role Administrator at /", "memberships cannot say which of 'Tier0 admins'", "'Ops'"}},
		{name: "memberships read fails, members list their own", opts: members, fault: unavailable(directorytest.OpRoleMemberships), wantSource: fromList,
			wantUnknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		{name: "custom role not visible through memberships", wantSource: fromMemberships, setup: customRole,
			wantNotVisible: []string{"custom role assignments"}},
		{name: "custom role through the list", opts: members, wantSource: fromList, setup: customRole,
			wantFail:     []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm},
			wantEvidence: []string{"UNEXPECTED PRIVILEGED ROLE(S): custom role "}},
		{name: "eligible Global Administrator is never read", wantSource: fromMemberships,
			setup: func(t testing.TB, tn *tenant, id string) {
				tn.eligible(t, id, "Global Administrator", directory.TenantScope, time.Time{}, jan31)
			},
			wantNotVisible: []string{"eligible (PIM) role assignments"}},
		{name: "turned into a guest",
			setup: func(t testing.TB, tn *tenant, id string) {
				if err := tn.SetUserType(context.Background(), id, directory.UserTypeGuest); err != nil {
					t.Fatal(err)
				}
			},
			wantFail: []string{verify.CheckMember}},
		// The sign-in policies (issue 12) as a self report sees them.
		{name: "highly privileged expected role without a FIDO2 key", setup: noKeySetup, want: noKeyWant,
			// No policy can make up for the missing key: fails although
			// the policies are not visible.
			phishing: verify.StatusFail, wantFail: []string{verify.CheckMFAPhishingResistant}},
		{name: "highly privileged expected role with a FIDO2 key", setup: keySetup, want: keyWant,
			// The policy half is not visible: a warning, and the report
			// passes.
			phishing: verify.StatusWarn},
		{name: "policies fail transiently (not by design)", opts: policyReads, policiesReadable: true,
			setup: readerWithKey, want: expectReaderWithKey,
			// Security defaults (on in a new Fake) would enforce MFA
			// whatever Conditional Access says: both reads fail.
			fault:    unavailable(directorytest.OpSecurityDefaults, directorytest.OpConditionalAccess),
			phishing: verify.StatusUnknown, wantUnknown: []string{verify.CheckMFAEnforced, verify.CheckMFAPhishingResistant}},
		{name: "policies readable: Policy.Read.All and Security Reader", opts: policyReads, policiesReadable: true,
			setup: policyReader, want: expectSecurityReader},
		{name: "policies readable, highly privileged with a FIDO2 key, no policy requires it", opts: policyReads, policiesReadable: true,
			setup: readerWithKey, want: expectReaderWithKey,
			// The full check runs: this tenant has no phishing-resistant
			// policy, so it fails where the method half alone would warn.
			phishing: verify.StatusFail, wantFail: []string{verify.CheckMFAPhishingResistant}},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t) })
	}
}

func TestVerifySelfReport(t *testing.T) {
	rep := selfCase{name: "ready"}.run(t)
	var doc struct {
		Mode       string `json:"mode"`
		TenantID   string `json:"tenantId"`
		Source     string `json:"tenantIdSource"`
		Passed     bool   `json:"passed"`
		NotVisible []struct {
			What, Why, CouldSee string
		} `json:"notVisible"`
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	// Passed: the sign-in policies the account may not read are listed as
	// not visible and do not count (mfa.enforced is not run).
	if doc.Mode != "self" || doc.TenantID != directorytest.DefaultTenantID || doc.Source != "token" || !doc.Passed {
		t.Errorf("JSON mode %q tenant %q source %q passed %v", doc.Mode, doc.TenantID, doc.Source, doc.Passed)
	}
	var what []string
	for _, n := range doc.NotVisible {
		what = append(what, n.What)
		if n.Why == "" || n.CouldSee == "" {
			t.Errorf("not visible %q: want why and who could see it: %+v", n.What, n)
		}
	}
	want := []string{"custom role assignments", "administrative-unit-scoped role assignments",
		"the tenant's sign-in policies (security defaults, Conditional Access, authentication strengths): mfa.enforced not checked, and only the method half of mfa.phishing-resistant",
		"eligible (PIM) role assignments"}
	if diff := cmp.Diff(want, what); diff != "" {
		t.Errorf("notVisible (-want +got):\n%s", diff)
	}
	s := rep.String()
	for _, frag := range []string{"(signed in as the account, tenant " + directorytest.DefaultTenantID + " (from the token)): PASSED", "Not visible to this credential", "eligible (PIM)"} {
		if !strings.Contains(s, frag) {
			t.Errorf("String() lacks %q:\n%s", frag, s)
		}
	}
	if c, _ := rep.Check(verify.CheckPasswordChanged); !strings.Contains(c.Evidence, "delegated token") {
		t.Errorf("password.changed evidence %q does not name the token", c.Evidence)
	}
}

// An application credential has no signed-in user: the plain Fake stands
// for the customer's admin-side directory.
func TestVerifySelfApplicationCredential(t *testing.T) {
	tn := newTenant()
	tn.passingAccount(t, upn)
	_, err := tn.verifier(tn.Fake).VerifySelf(context.Background(), serviceaccount.Account{UserPrincipalName: upn})
	if !errors.Is(err, directory.ErrInvalid) {
		t.Fatalf("VerifySelf with an application credential = %v: want ErrInvalid", err)
	}
	var ve *verify.Error
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), upn) {
		t.Errorf("error %q: want a *verify.Error naming %s", err, upn)
	}
}

func TestVerifySelfPasswordNotChanged(t *testing.T) {
	tn := newTenant()
	ctx := context.Background()
	// Created by hand without "require password change", never signed in
	// since: the temporary password is still in use.
	u, err := tn.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: upn, DisplayName: "svc", MailNickname: "svc", UsageLocation: "AU", AccountEnabled: true,
		Password: directory.NewPassword("Temporary-Passw0rd-1!"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tn.assign(t, u.ID, "Teams Administrator", directory.TenantScope)
	tn.ownerSteps(t, u.ID, false, directory.MethodMicrosoftAuthenticator)
	view, err := tn.SignedInAs(upn, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := tn.verifier(view).VerifySelf(ctx, serviceaccount.Account{UserPrincipalName: upn, Workloads: teamsSpec(upn).Workloads, Access: teamsSpec(upn).Access})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{verify.CheckPasswordChanged}, ids(rep.Failed())); diff != "" {
		t.Errorf("failed (-want +got):\n%s\n%s", diff, rep)
	}
	if c, _ := rep.Check(verify.CheckPasswordChanged); !strings.Contains(c.Remediation, "Sign in as the account") {
		t.Errorf("remediation %q: want the partner-side step", c.Remediation)
	}
}

// Entra issues no token before the forced change of a temporary password,
// nor to a disabled account.
func TestSignedInAsRefusesBeforePasswordChange(t *testing.T) {
	tn := newTenant()
	acct := tn.provision(t, teamsSpec(upn))
	if _, err := tn.SignedInAs(upn, nil); !errors.Is(err, directory.ErrPermission) {
		t.Errorf("SignedInAs before the first password change = %v: want ErrPermission", err)
	}
	tn.ownerSteps(t, acct.ID, true)
	if err := tn.SetAccountEnabled(context.Background(), acct.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.SignedInAs(upn, nil); !errors.Is(err, directory.ErrPermission) {
		t.Errorf("SignedInAs a disabled account = %v: want ErrPermission", err)
	}
}

func TestVerifySelfInvalidWant(t *testing.T) {
	tn := newTenant()
	tn.passingAccount(t, upn)
	view, _ := tn.SignedInAs(upn, nil)
	_, err := tn.verifier(view).VerifySelf(context.Background(), serviceaccount.Account{Workloads: teamsSpec(upn).Workloads})
	var fe *serviceaccount.FieldError
	if !errors.As(err, &fe) || fe.Field != "Access" {
		t.Errorf("VerifySelf(workloads without access) = %v: want a FieldError on Access", err)
	}
	if calls := tn.Calls(); slices.ContainsFunc(calls, func(c directorytest.Call) bool { return c.Op == directorytest.OpReadSelf }) {
		t.Errorf("an invalid expectation reached the directory: %v", calls)
	}
}

func ids(cs []verify.Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}
