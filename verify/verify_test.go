package verify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

const (
	upn = "svc-cloudhub@" + directorytest.DefaultDomain
	// customRoleID is a role definition that is not built in: the Fake
	// cannot hold one, so it is shown through editedSnapshots.
	customRoleID = "7d3c1a52-0000-4000-8000-c0570e000001"
	auScope      = "/administrativeUnits/5f0c9e2a-0000-4000-8000-000000000a01"
)

// accountState is one state of a service account: a passing account with
// one thing broken on purpose.
type accountState struct {
	name string
	// spec changes the provisioned spec (nil: teamsSpec).
	spec func(*serviceaccount.Spec)
	// expect changes what the verified Account expects (nil: what was
	// provisioned).
	expect func(*serviceaccount.Account)
	// noSignIn skips the owner's first sign-in.
	noSignIn bool
	// methods are the methods the owner registers; nil means Microsoft
	// Authenticator (use noMethods for none).
	methods []directory.MethodType
	// breakIt changes the directory after the owner's steps, the way an
	// admin (or Entra Connect) would.
	breakIt func(t testing.TB, tn *tenant, userID string)
	// edit changes what the directory answers: facts the Fake cannot hold.
	edit func(*directory.Snapshot)

	wantFail, wantUnknown, wantWarn []string
}

var noMethods = []directory.MethodType{}

// build provisions the account in a fresh tenant and breaks it. It returns
// the tenant, the directory to verify against and the Account to verify.
func (s accountState) build(t testing.TB) (*tenant, directory.Directory, serviceaccount.Account) {
	t.Helper()
	tn := newTenant()
	spec := teamsSpec(upn)
	if s.spec != nil {
		s.spec(&spec)
	}
	acct := tn.provision(t, spec)
	methods := s.methods
	if methods == nil {
		methods = []directory.MethodType{directory.MethodMicrosoftAuthenticator}
	}
	tn.ownerSteps(t, acct.ID, !s.noSignIn, methods...)
	if s.breakIt != nil {
		s.breakIt(t, tn, acct.ID)
	}
	if s.expect != nil {
		s.expect(&acct)
	}
	var dir directory.Directory = tn.Fake
	if s.edit != nil {
		dir = editedSnapshots{Directory: tn.Fake, edit: s.edit}
	}
	return tn, dir, acct
}

// privilegedExpected reports whether the state's Account expects a
// privileged role.
func (s accountState) privilegedExpected(t testing.TB, acct serviceaccount.Account) bool {
	t.Helper()
	rs, err := acct.ExpectedRoles()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Privileged {
			return true
		}
	}
	return false
}

var allButExists = []string{
	verify.CheckEnabled, verify.CheckMember, verify.CheckCloudOnly, verify.CheckUsageLocation,
	verify.CheckPasswordChanged, verify.CheckMFARegistered, verify.CheckMFAEnforced, verify.CheckMFAPhishingResistant,
	verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm,
}

func withMethods(ms ...directory.MethodType) []directory.MethodType { return ms }

// accountStates are every rule made to fail on purpose, one state each,
// and the states that must still pass.
var accountStates = []accountState{
	{name: "passing"},
	{name: "passing/usage location expected in lower case", expect: func(a *serviceaccount.Account) { a.UsageLocation = "au" }},
	{name: "passing/no usage location expected", expect: func(a *serviceaccount.Account) { a.UsageLocation = "" },
		breakIt: func(t testing.TB, tn *tenant, id string) { setUsageLocation(t, tn, id, "US") }},
	{name: "passing/fido2 only", methods: withMethods(directory.MethodFido2)},
	{name: "passing/phone only", methods: withMethods(directory.MethodPhone)},
	{name: "passing/software OATH only", methods: withMethods(directory.MethodSoftwareOath)},
	{name: "passing/Windows Hello only", methods: withMethods(directory.MethodWindowsHelloForBusiness)},
	{name: "passing/temporary access pass and authenticator", methods: withMethods(directory.MethodTemporaryAccessPass, directory.MethodMicrosoftAuthenticator)},
	{name: "passing/hardware OATH only", methods: withMethods(directory.MethodHardwareOath)},
	{name: "passing/platform credential only", methods: withMethods(directory.MethodPlatformCredential)},
	{name: "passing/external method only", methods: withMethods(directory.MethodExternal)},
	{name: "passing/unrecognised type beside fido2", methods: withMethods(directory.MethodType("holographicBadge"), directory.MethodFido2)},
	{name: "passing/role IDs in upper case", edit: func(s *directory.Snapshot) {
		for i := range s.RoleAssignments {
			s.RoleAssignments[i].RoleDefinitionID = strings.ToUpper(s.RoleAssignments[i].RoleDefinitionID)
		}
	}},
	{name: "passing/privileged role expected", spec: func(s *serviceaccount.Spec) {
		s.Workloads, s.Access, s.AllowPrivileged = []roles.Workload{roles.Exchange}, roles.ReadOnly, true
	}, wantWarn: []string{verify.CheckPrivilegedExpected}},

	{name: "account missing by ID", breakIt: deleteUser,
		wantFail: []string{verify.CheckExists}, wantUnknown: allButExists},
	{name: "account missing by UPN", breakIt: deleteUser, expect: func(a *serviceaccount.Account) { a.ID = "" },
		wantFail: []string{verify.CheckExists}, wantUnknown: allButExists},
	{name: "account missing with privileged role expected", breakIt: deleteUser, spec: func(s *serviceaccount.Spec) {
		s.Workloads, s.Access, s.AllowPrivileged = []roles.Workload{roles.Exchange}, roles.ReadOnly, true
	}, wantFail: []string{verify.CheckExists}, wantUnknown: allButExists, wantWarn: []string{verify.CheckPrivilegedExpected}},
	{name: "disabled", breakIt: func(t testing.TB, tn *tenant, id string) {
		if err := tn.SetAccountEnabled(context.Background(), id, false); err != nil {
			t.Fatal(err)
		}
	}, wantFail: []string{verify.CheckEnabled}},
	{name: "guest", breakIt: func(t testing.TB, tn *tenant, id string) {
		if err := tn.SetUserType(context.Background(), id, directory.UserTypeGuest); err != nil {
			t.Fatal(err)
		}
	}, wantFail: []string{verify.CheckMember}},
	{name: "synchronised from on-premises", breakIt: func(t testing.TB, tn *tenant, id string) {
		if err := tn.SetOnPremisesSyncEnabled(context.Background(), id, true); err != nil {
			t.Fatal(err)
		}
	}, wantFail: []string{verify.CheckCloudOnly}},
	{name: "usage location empty", breakIt: func(t testing.TB, tn *tenant, id string) { setUsageLocation(t, tn, id, "") },
		wantFail: []string{verify.CheckUsageLocation}},
	{name: "usage location empty, none expected", expect: func(a *serviceaccount.Account) { a.UsageLocation = "" },
		breakIt:  func(t testing.TB, tn *tenant, id string) { setUsageLocation(t, tn, id, "") },
		wantFail: []string{verify.CheckUsageLocation}},
	{name: "usage location differs", breakIt: func(t testing.TB, tn *tenant, id string) { setUsageLocation(t, tn, id, "US") },
		wantFail: []string{verify.CheckUsageLocation}},
	{name: "password not changed", noSignIn: true, wantFail: []string{verify.CheckPasswordChanged}},
	{name: "password timestamps not returned", edit: func(s *directory.Snapshot) { s.User.LastPasswordChangeDateTime = time.Time{} },
		wantUnknown: []string{verify.CheckPasswordChanged}},
	{name: "no MFA, password only", methods: noMethods, wantFail: []string{verify.CheckMFARegistered}},
	{name: "no authentication method returned", edit: func(s *directory.Snapshot) { s.AuthenticationMethods = nil },
		wantFail: []string{verify.CheckMFARegistered}},
	{name: "temporary access pass only", methods: withMethods(directory.MethodTemporaryAccessPass),
		wantFail: []string{verify.CheckMFARegistered}},
	{name: "email only", methods: withMethods(directory.MethodEmail),
		wantFail: []string{verify.CheckMFARegistered}},
	{name: "temporary access pass and email", methods: withMethods(directory.MethodTemporaryAccessPass, directory.MethodEmail),
		wantFail: []string{verify.CheckMFARegistered}},
	{name: "unrecognised method type only", methods: withMethods(directory.MethodType("holographicBadge")),
		wantUnknown: []string{verify.CheckMFARegistered}},
	{name: "QR code and PIN only (single-factor)", methods: withMethods(directory.MethodQRCodePin),
		wantFail: []string{verify.CheckMFARegistered}},
	{name: "expected role removed", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.unassign(t, id, "Teams Administrator", directory.TenantScope)
	}, wantFail: []string{verify.CheckRolesAssigned}},
	{name: "expected role never assigned", expect: func(a *serviceaccount.Account) { a.Roles = []string{"Exchange Administrator"} },
		wantFail: []string{verify.CheckRolesAssigned}},
	{name: "extra non-privileged role", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.assign(t, id, "Reports Reader", directory.TenantScope)
	}, wantFail: []string{verify.CheckLeastPrivilege}},
	{name: "extra privileged role", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.assign(t, id, "Global Administrator", directory.TenantScope)
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
	{name: "expected role also at an administrative unit", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.assign(t, id, "Teams Administrator", auScope)
	}, wantFail: []string{verify.CheckLeastPrivilege}},
	{name: "expected role only at an administrative unit", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.assign(t, id, "Teams Administrator", auScope)
		tn.unassign(t, id, "Teams Administrator", directory.TenantScope)
	}, wantFail: []string{verify.CheckRolesAssigned, verify.CheckLeastPrivilege}},
	{name: "privileged role at an administrative unit", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.assign(t, id, "Privileged Authentication Administrator", auScope)
	}, wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
	{name: "custom role", edit: func(s *directory.Snapshot) {
		s.RoleAssignments = append(s.RoleAssignments, directory.RoleAssignment{
			ID: "custom-assignment", PrincipalID: s.User.ID, RoleDefinitionID: customRoleID, DirectoryScopeID: directory.TenantScope,
		})
	}, wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
}

func deleteUser(t testing.TB, tn *tenant, id string) {
	t.Helper()
	if err := tn.DeleteUser(context.Background(), id); err != nil {
		t.Fatal(err)
	}
}

func setUsageLocation(t testing.TB, tn *tenant, id, loc string) {
	t.Helper()
	if err := tn.SetUsageLocation(context.Background(), id, loc); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyRules makes every rule fail on purpose, one state each, and
// checks exactly which checks failed, which are unknown and which warn.
func TestVerifyRules(t *testing.T) {
	for _, s := range accountStates {
		t.Run(s.name, func(t *testing.T) {
			tn, dir, acct := s.build(t)
			rep, err := tn.verifier(dir).Verify(context.Background(), acct)
			if err != nil {
				t.Fatalf("Verify: %v (drift must be data, not an error)", err)
			}
			checkStatuses(t, rep, s)
			if diff := cmp.Diff(sorted(s.wantWarn...), statusIDs(rep, verify.StatusWarn)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s\n%s", diff, rep)
			}
			if want := len(s.wantFail)+len(s.wantUnknown) == 0; rep.Passed() != want {
				t.Errorf("Passed() = %v, want %v", rep.Passed(), want)
			}
			checkInvariants(t, rep, s.privilegedExpected(t, acct))
			checkSeverities(t, rep)
			checkString(t, rep)
			if !rep.CheckedAt.Equal(tn.clock.Now()) || rep.CheckedAt.Location() != time.UTC {
				t.Errorf("CheckedAt = %v, want %v in UTC", rep.CheckedAt, tn.clock.Now())
			}
		})
	}
}

// TestVerifyEvidence pins the evidence of the findings a person acts on:
// it must name what was observed.
func TestVerifyEvidence(t *testing.T) {
	find := func(name string) accountState {
		for _, s := range accountStates {
			if s.name == name {
				return s
			}
		}
		t.Fatalf("no state %q", name)
		return accountState{}
	}
	tests := []struct {
		state string
		check string
		want  []string // substrings of the evidence
	}{
		{"account missing by ID", verify.CheckExists, []string{"no user", "11111111-0000-4000-8000-"}},
		{"account missing by UPN", verify.CheckExists, []string{"no user", upn}},
		{"disabled", verify.CheckEnabled, []string{"accountEnabled is false"}},
		{"guest", verify.CheckMember, []string{`"Guest"`}},
		{"synchronised from on-premises", verify.CheckCloudOnly, []string{"onPremisesSyncEnabled is true"}},
		{"usage location empty", verify.CheckUsageLocation, []string{"not set"}},
		{"usage location differs", verify.CheckUsageLocation, []string{`"US"`, `expected "AU"`}},
		{"password not changed", verify.CheckPasswordChanged, []string{"2026-03-02T09:00:00Z", "not signed in"}},
		{"passing", verify.CheckPasswordChanged, []string{"last changed 2026-03-02T10:00:00Z", "created 2026-03-02T09:00:00Z"}},
		{"no MFA, password only", verify.CheckMFARegistered, []string{"password", "none is a second factor"}},
		{"no authentication method returned", verify.CheckMFARegistered, []string{"no authentication method"}},
		{"temporary access pass and email", verify.CheckMFARegistered, []string{"temporaryAccessPass", "email", "none is a second factor"}},
		{"passing", verify.CheckMFARegistered, []string{"microsoftAuthenticator"}},
		{"passing", verify.CheckRolesAssigned, []string{"Teams Administrator"}},
		{"expected role removed", verify.CheckRolesAssigned, []string{"missing", "Teams Administrator"}},
		{"expected role never assigned", verify.CheckRolesAssigned, []string{"missing", "Exchange Administrator"}},
		{"extra non-privileged role", verify.CheckLeastPrivilege, []string{"Reports Reader at /"}},
		{"extra privileged role", verify.CheckLeastPrivilege, []string{"Global Administrator at /"}},
		{"extra privileged role", verify.CheckNoUnexpectedPrivAdm, []string{"Global Administrator at /"}},
		{"expected role only at an administrative unit", verify.CheckLeastPrivilege, []string{"Teams Administrator at " + auScope}},
		{"privileged role at an administrative unit", verify.CheckNoUnexpectedPrivAdm, []string{"Privileged Authentication Administrator at " + auScope}},
		{"custom role", verify.CheckNoUnexpectedPrivAdm, []string{customRoleID}},
		{"passing/privileged role expected", verify.CheckPrivilegedExpected, []string{"Global Reader"}},
	}
	for _, tt := range tests {
		t.Run(tt.state+"/"+tt.check, func(t *testing.T) {
			tn, dir, acct := find(tt.state).build(t)
			rep, err := tn.verifier(dir).Verify(context.Background(), acct)
			if err != nil {
				t.Fatal(err)
			}
			c := mustCheck(t, rep, tt.check)
			for _, w := range tt.want {
				if !strings.Contains(c.Evidence, w) {
					t.Errorf("%s evidence %q does not contain %q", tt.check, c.Evidence, w)
				}
			}
		})
	}
}

// checkString checks the table: the header's verdict, one row per check,
// the "To fix:" section exactly when something did not pass, listing every
// check that did not pass with its remediation, and the "Warnings:"
// section listing every warning.
func checkString(t testing.TB, rep verify.Report) {
	t.Helper()
	s := rep.String()
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	verdict := "PASSED"
	if !rep.Passed() {
		verdict = fmt.Sprintf("FAILED (%d of %d checks did not pass)", len(rep.Failed()), len(rep.Checks))
	}
	// A self report names its mode between the account and the verdict.
	if start, end := fmt.Sprintf("Verification of %s", rep.Account), ": "+verdict; !strings.HasPrefix(lines[0], start) || !strings.HasSuffix(lines[0], end) {
		t.Errorf("header = %q, want %q...%q", lines[0], start, end)
	}
	if len(lines) < 2+len(rep.Checks) || !strings.HasPrefix(lines[1], "STATUS") {
		t.Fatalf("String() has no table:\n%s", s)
	}
	for i, c := range rep.Checks {
		f := strings.Fields(lines[2+i])
		if len(f) < 2 || f[0] != strings.ToUpper(string(c.Status)) || f[1] != c.ID {
			t.Errorf("row %d = %q, want %s %s ...", i, lines[2+i], strings.ToUpper(string(c.Status)), c.ID)
		}
	}
	sections := sectionsOf(lines[2+len(rep.Checks):])
	if _, ok := sections["To fix:"]; ok == rep.Passed() {
		t.Errorf("Passed() = %v but To fix section present = %v:\n%s", rep.Passed(), ok, s)
	}
	for _, c := range rep.Checks {
		for heading, want := range map[string]bool{"To fix:": !c.Passed(), "Warnings:": c.Status == verify.StatusWarn} {
			if got := sections[heading][c.ID] == c.Remediation && c.Remediation != ""; got != want {
				t.Errorf("%s (%s): listed under %s = %v, want %v:\n%s", c.ID, c.Status, heading, got, want, s)
			}
		}
	}
}

// sectionsOf parses the sections after the table: heading -> check ID ->
// remediation, from lines "  - id1, id2: remediation".
func sectionsOf(lines []string) map[string]map[string]string {
	out := map[string]map[string]string{}
	var cur map[string]string
	for _, l := range lines {
		switch {
		case l == "":
		case strings.HasPrefix(l, "  - "):
			ids, text, _ := strings.Cut(strings.TrimPrefix(l, "  - "), ": ")
			for _, id := range strings.Split(ids, ", ") {
				cur[id] = text
			}
		default:
			cur = map[string]string{}
			out[l] = cur
		}
	}
	return out
}

// TestPermissionDenied shows the report of a credential that may not read
// authentication methods, role assignments, or both: the remediation says
// what the denied read needed, as the error says it, or a generic sentence
// when the error says nothing.
func TestPermissionDenied(t *testing.T) {
	roleChecks := []string{verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm, verify.CheckMFAPhishingResistant}
	const (
		methodsHint = "The credential lacks permission to read this. Grant UserAuthenticationMethod.Read.All (or UserAuthenticationMethod.ReadWrite.All); " +
			"a signed-in (delegated) caller also needs one of these roles: Authentication Administrator, Privileged Authentication Administrator. Then verify again."
		rolesHint = "The credential lacks permission to read this. Grant RoleManagement.Read.Directory (or RoleManagement.ReadWrite.Directory, Directory.Read.All, Directory.ReadWrite.All); " +
			"a signed-in (delegated) caller also needs one of these roles: Directory Readers, Global Reader, Privileged Role Administrator. Then verify again."
		genericHint = "The credential lacks permission to read this. Grant it the permission this read needs, then verify again."
	)
	tests := []struct {
		denied deniedReads
		// want is the remediation of each unknown check.
		want map[string]string
	}{
		{denied: deniedReads{methods: true}, want: map[string]string{verify.CheckMFARegistered: methodsHint}},
		{denied: deniedReads{roles: true}, want: map[string]string{roleChecks[0]: rolesHint, roleChecks[1]: rolesHint, roleChecks[2]: rolesHint, roleChecks[3]: rolesHint}},
		{denied: deniedReads{methods: true, roles: true}, want: map[string]string{verify.CheckMFARegistered: methodsHint, roleChecks[0]: rolesHint, roleChecks[1]: rolesHint, roleChecks[2]: rolesHint, roleChecks[3]: rolesHint}},
		{denied: deniedReads{methods: true, roles: true, silent: true}, want: map[string]string{verify.CheckMFARegistered: genericHint, roleChecks[0]: genericHint, roleChecks[1]: genericHint, roleChecks[2]: genericHint, roleChecks[3]: genericHint}},
	}
	for _, tt := range tests {
		dr := tt.denied
		t.Run(dr.String(), func(t *testing.T) {
			tn := newTenant()
			acct := tn.passingAccount(t, upn)
			dr.Directory = tn.Fake
			rep, err := tn.verifier(dr).Verify(context.Background(), acct)
			if err != nil {
				t.Fatalf("Verify: %v (a fact that cannot be read is unknown, not an error)", err)
			}
			got := map[string]string{}
			for _, id := range statusIDs(rep, verify.StatusUnknown) {
				c := mustCheck(t, rep, id)
				got[id] = c.Remediation
				if !strings.Contains(c.Evidence, "could not be read") || !strings.Contains(c.Evidence, "permission denied") {
					t.Errorf("%s evidence %q does not say the read was denied", id, c.Evidence)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("remediation of the unknown checks (-want +got):\n%s", diff)
			}
			if got := statusIDs(rep, verify.StatusFail); got != nil {
				t.Errorf("failed checks = %q, want none", got)
			}
			if rep.Passed() {
				t.Errorf("Passed() = true with unknown checks:\n%s", rep)
			}
			checkInvariants(t, rep, false)
			checkSeverities(t, rep)
			checkString(t, rep)
		})
	}
}

// TestReadFailureNotPermission: a fact that failed to read for another
// reason is unknown too, with a remediation that says to try again.
func TestReadFailureNotPermission(t *testing.T) {
	tn := newTenant()
	acct := tn.passingAccount(t, upn)
	dir := editedSnapshots{Directory: tn.Fake, edit: func(s *directory.Snapshot) {
		s.AuthenticationMethods, s.AuthenticationMethodsErr = nil, fmt.Errorf("graph: list authentication methods: 503: %w", directory.ErrUnavailable)
		s.RoleAssignments, s.RoleAssignmentsErr = nil, fmt.Errorf("graph: list role assignments: 429: %w", directory.ErrThrottled)
	}}
	rep, err := tn.verifier(dir).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	want := sorted(verify.CheckMFARegistered, verify.CheckMFAPhishingResistant, verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm)
	if diff := cmp.Diff(want, statusIDs(rep, verify.StatusUnknown)); diff != "" {
		t.Errorf("unknown checks (-want +got):\n%s", diff)
	}
	for _, c := range rep.Failed() {
		if !strings.Contains(c.Remediation, "Verify again") {
			t.Errorf("%s remediation %q does not say to verify again", c.ID, c.Remediation)
		}
	}
	checkInvariants(t, rep, false)
}

// factsOf says which checks rest on which part of the snapshot.
var factsOf = map[string][]string{
	"methods": {verify.CheckMFARegistered},
	// mfa.phishing-resistant rests on the methods only for an account
	// holding a highly privileged role (highlyPrivilegedMethods).
	"roles": {verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm, verify.CheckMFAPhishingResistant},
}

// TestUnknownNeverPasses: for every account state and every combination
// of denied reads, no check whose facts could not be read passes or warns,
// the checks that rest on other facts are unchanged, and the report does
// not pass.
func TestUnknownNeverPasses(t *testing.T) {
	for _, s := range accountStates {
		tn, dir, acct := s.build(t)
		base, err := tn.verifier(dir).Verify(context.Background(), acct)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, denied := range []deniedReads{{methods: true}, {roles: true}, {methods: true, roles: true}, {}} {
			denied.Directory = dir
			t.Run(s.name+"/"+denied.String(), func(t *testing.T) {
				rep, err := tn.verifier(denied).Verify(context.Background(), acct)
				if err != nil {
					t.Fatal(err)
				}
				unreadable := map[string]bool{}
				if denied.methods {
					for _, id := range factsOf["methods"] {
						unreadable[id] = true
					}
					if c, _ := base.Check(verify.CheckMFAPhishingResistant); !strings.HasPrefix(c.Evidence, "not applicable") {
						unreadable[verify.CheckMFAPhishingResistant] = true
					}
				}
				if denied.roles {
					for _, id := range factsOf["roles"] {
						unreadable[id] = true
					}
				}
				for i, c := range rep.Checks {
					if unreadable[c.ID] {
						if c.Status != verify.StatusUnknown {
							t.Errorf("%s: status %q with its facts unreadable, want unknown", c.ID, c.Status)
						}
						continue
					}
					if diff := cmp.Diff(base.Checks[i], c); diff != "" {
						t.Errorf("%s changed by denying other facts (-base +denied):\n%s", c.ID, diff)
					}
				}
				if len(unreadable) > 0 && rep.Passed() {
					t.Errorf("Passed() = true with unreadable facts:\n%s", rep)
				}
				checkInvariants(t, rep, s.privilegedExpected(t, acct))
			})
		}
	}
}

// TestVerifyInvalidAccount: an account that cannot be checked is refused
// before any directory call.
func TestVerifyInvalidAccount(t *testing.T) {
	tests := []struct {
		name string
		acct serviceaccount.Account
		want string // the message names the field or value
	}{
		{"no ID or UPN", serviceaccount.Account{Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin}, "ID or a UserPrincipalName"},
		{"ID not a GUID", serviceaccount.Account{ID: "not-a-guid"}, "not-a-guid"},
		{"ID with braces", serviceaccount.Account{ID: "{11111111-0000-4000-8000-000000000001}"}, "11111111-0000-4000-8000-000000000001"},
		{"UPN with control character", serviceaccount.Account{UserPrincipalName: "svc\n@contoso.onmicrosoft.com"}, "control characters"},
		{"unknown workload", serviceaccount.Account{UserPrincipalName: upn, Workloads: []roles.Workload{"fax"}, Access: roles.Admin}, "fax"},
		{"no read-only role", serviceaccount.Account{UserPrincipalName: upn, Workloads: []roles.Workload{roles.Compliance}, Access: roles.ReadOnly}, "compliance"},
		{"unknown role", serviceaccount.Account{UserPrincipalName: upn, Roles: []string{"Chief Everything Officer"}}, "Chief Everything Officer"},
		{"bad access level", serviceaccount.Account{UserPrincipalName: upn, Access: roles.Access(7)}, "Access"},
		{"bad usage location", serviceaccount.Account{UserPrincipalName: upn, UsageLocation: "Australia"}, "Australia"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := newTenant()
			rep, err := tn.verifier(tn.Fake).Verify(context.Background(), tt.acct)
			if err == nil {
				t.Fatalf("Verify(%+v) succeeded:\n%s", tt.acct, rep)
			}
			if !errors.Is(err, directory.ErrInvalid) {
				t.Errorf("error %v does not satisfy errors.Is(err, directory.ErrInvalid)", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
			if diff := cmp.Diff(verify.Report{}, rep); diff != "" {
				t.Errorf("report with an error (-want +got):\n%s", diff)
			}
			if calls := tn.Calls(); len(calls) != 0 {
				t.Errorf("directory calls for an invalid account: %v", calls)
			}
		})
	}
}

// TestVerifyCannotCheck: Verify's error means that nothing could be
// checked: the user could not be read, or the context is done.
func TestVerifyCannotCheck(t *testing.T) {
	denyUser := func(tn *tenant) {
		tn.SetFault(func(op directorytest.Op, object string) error { return errPermission(object) })
	}
	cancelled := func(t *testing.T) context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	expired := func(t *testing.T) context.Context {
		ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
		t.Cleanup(cancel)
		return ctx
	}
	tests := []struct {
		name     string
		fault    func(*tenant)
		ctx      func(*testing.T) context.Context
		byUPN    bool
		viaPrims bool
		want     error
	}{
		{name: "user read denied", fault: denyUser, want: directory.ErrPermission},
		{name: "user read denied, by UPN", fault: denyUser, byUPN: true, want: directory.ErrPermission},
		{name: "user read denied, primitives", fault: denyUser, viaPrims: true, want: directory.ErrPermission},
		{name: "user read throttled", fault: func(tn *tenant) {
			tn.SetFault(func(op directorytest.Op, object string) error {
				return fmt.Errorf("graph: get user %q: 429: %w", object, directory.ErrThrottled)
			})
		}, want: directory.ErrThrottled},
		{name: "context cancelled", ctx: cancelled, want: context.Canceled},
		{name: "context cancelled, primitives", ctx: cancelled, viaPrims: true, want: context.Canceled},
		{name: "deadline exceeded", ctx: expired, want: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := newTenant()
			acct := tn.passingAccount(t, upn)
			if tt.byUPN {
				acct.ID = ""
			}
			if tt.fault != nil {
				tt.fault(tn)
			}
			ctx := context.Background()
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			var dir directory.Directory = tn.Fake
			if tt.viaPrims {
				dir = primitivesOnly{tn.Fake}
			}
			rep, err := tn.verifier(dir).Verify(ctx, acct)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify error = %v, want errors.Is(err, %v)", err, tt.want)
			}
			var verr *verify.Error
			if !errors.As(err, &verr) {
				t.Errorf("error %v is not a *verify.Error", err)
			}
			if !strings.Contains(err.Error(), acct.Key()) {
				t.Errorf("error %q does not name the account %q", err, acct.Key())
			}
			if diff := cmp.Diff(verify.Report{}, rep); diff != "" {
				t.Errorf("report with an error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVerifyAccountKey: an account is read by ID (one Snapshot call), by
// UPN, or by both; an ID and UPN that name different users is an error.
func TestVerifyAccountKey(t *testing.T) {
	tn := newTenant()
	acct := tn.passingAccount(t, upn)
	other := tn.passingAccount(t, "svc-other@"+directorytest.DefaultDomain)
	full := serviceaccount.Account{ID: acct.ID, UserPrincipalName: acct.UserPrincipalName, Workloads: acct.Workloads, Access: acct.Access, UsageLocation: acct.UsageLocation}
	tests := []struct {
		name      string
		acct      serviceaccount.Account
		wantCalls []directorytest.Call
	}{
		{"by ID", serviceaccount.Account{ID: acct.ID, Workloads: acct.Workloads, Access: roles.Admin, UsageLocation: "AU"},
			[]directorytest.Call{{Op: directorytest.OpSnapshot, Object: acct.ID}}},
		{"by UPN", serviceaccount.Account{UserPrincipalName: upn, Workloads: acct.Workloads, Access: roles.Admin},
			[]directorytest.Call{{Op: directorytest.OpSnapshot, Object: upn}}},
		{"by UPN in another case", serviceaccount.Account{UserPrincipalName: strings.ToUpper(upn), Workloads: acct.Workloads, Access: roles.Admin},
			[]directorytest.Call{{Op: directorytest.OpSnapshot, Object: strings.ToUpper(upn)}}},
		{"by both", full, []directorytest.Call{{Op: directorytest.OpSnapshot, Object: acct.ID}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn.ResetCalls()
			rep, err := tn.verifier(tn.Fake).Verify(context.Background(), tt.acct)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantCalls, tn.Calls()); diff != "" {
				t.Errorf("directory calls (-want +got):\n%s", diff)
			}
			if !rep.Passed() {
				t.Errorf("report did not pass:\n%s", rep)
			}
			// The report names the account completely, whichever key was given.
			want := tt.acct
			if want.ID == "" {
				want.ID = acct.ID
			}
			if want.UserPrincipalName == "" {
				want.UserPrincipalName = acct.UserPrincipalName
			}
			if diff := cmp.Diff(want, rep.Account); diff != "" {
				t.Errorf("report account (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("ID and UPN of different users", func(t *testing.T) {
		tn.ResetCalls()
		mixed := serviceaccount.Account{ID: acct.ID, UserPrincipalName: other.UserPrincipalName, Workloads: acct.Workloads, Access: roles.Admin}
		rep, err := tn.verifier(tn.Fake).Verify(context.Background(), mixed)
		if err == nil {
			t.Fatalf("Verify succeeded:\n%s", rep)
		}
		if !errors.Is(err, directory.ErrInvalid) {
			t.Errorf("error %v does not satisfy errors.Is(err, directory.ErrInvalid)", err)
		}
		for _, name := range []string{acct.ID, acct.UserPrincipalName, other.UserPrincipalName} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name %q", err, name)
			}
		}
		if n := len(tn.Calls()); n != 1 {
			t.Errorf("%d directory calls, want 1", n)
		}
	})
}

// TestVerifyPrimitivesAgree: a backend without the optional Snapshotter
// gives the same report, through the primitives.
func TestVerifyPrimitivesAgree(t *testing.T) {
	for _, s := range accountStates {
		if s.edit != nil {
			continue // the edit is applied through Snapshot
		}
		t.Run(s.name, func(t *testing.T) {
			tn, dir, acct := s.build(t)
			want, err := tn.verifier(dir).Verify(context.Background(), acct)
			if err != nil {
				t.Fatal(err)
			}
			tn.ResetCalls()
			got, err := tn.verifier(primitivesOnly{dir}).Verify(context.Background(), acct)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("report through primitives (-snapshot +primitives):\n%s", diff)
			}
			for _, c := range tn.Calls() {
				if c.Op == directorytest.OpSnapshot || c.Op.IsWrite() {
					t.Errorf("call %v through primitivesOnly", c)
				}
			}
		})
	}
}

// TestPrivilegedExpected: expected privileged roles are a warning, and a
// warning passes.
func TestPrivilegedExpected(t *testing.T) {
	tn := newTenant()
	spec := teamsSpec(upn)
	spec.Workloads, spec.Access, spec.AllowPrivileged = []roles.Workload{roles.Exchange}, roles.ReadOnly, true
	acct := tn.provision(t, spec)
	tn.ownerSteps(t, acct.ID, true, directory.MethodFido2)

	rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	c := mustCheck(t, rep, verify.CheckPrivilegedExpected)
	if c.Status != verify.StatusWarn || !c.Passed() {
		t.Errorf("%s: status %q, Passed() = %v; want warn, passed", c.ID, c.Status, c.Passed())
	}
	if !strings.Contains(c.Evidence, "Global Reader") || c.Remediation == "" {
		t.Errorf("%s: evidence %q, remediation %q", c.ID, c.Evidence, c.Remediation)
	}
	if !rep.Passed() || len(rep.Failed()) != 0 {
		t.Errorf("Passed() = %v, Failed() = %v; want a passing report:\n%s", rep.Passed(), rep.Failed(), rep)
	}
	if c := mustCheck(t, rep, verify.CheckNoUnexpectedPrivAdm); c.Status != verify.StatusPass {
		t.Errorf("an expected privileged role is flagged as unexpected: %+v", c)
	}
	checkInvariants(t, rep, true)
	checkString(t, rep)

	// A privileged role that is expected but held only at an administrative
	// unit is missing, and is not an unexpected privileged role: it is expected.
	tn.assign(t, acct.ID, "Global Reader", auScope)
	tn.unassign(t, acct.ID, "Global Reader", directory.TenantScope)
	rep, err = tn.verifier(tn.Fake).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sorted(verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm), statusIDs(rep, verify.StatusFail)); diff != "" {
		t.Errorf("failed checks (-want +got):\n%s", diff)
	}
}

// TestConcurrentVerify runs 100 verifications at once on one Verifier over
// one directory, half of them on accounts that drifted.
func TestConcurrentVerify(t *testing.T) {
	const n = 100
	tn := newTenant()
	accts := make([]serviceaccount.Account, n)
	for i := range accts {
		accts[i] = tn.passingAccount(t, fmt.Sprintf("svc-%03d@%s", i, directorytest.DefaultDomain))
		switch i % 4 {
		case 1:
			if err := tn.SetAccountEnabled(context.Background(), accts[i].ID, false); err != nil {
				t.Fatal(err)
			}
		case 2:
			tn.assign(t, accts[i].ID, "Global Administrator", directory.TenantScope)
		case 3:
			accts[i].ID = "" // by UPN
		}
	}
	want := func(i int) []string {
		switch i % 4 {
		case 1:
			return []string{verify.CheckEnabled}
		case 2:
			return sorted(verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm)
		}
		return nil
	}
	v := tn.verifier(tn.Fake)
	reps := make([]verify.Report, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { reps[i], errs[i] = v.Verify(context.Background(), accts[i]) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("account %d: %v", i, errs[i])
			continue
		}
		if got := reps[i].Account.UserPrincipalName; got != accts[i].UserPrincipalName {
			t.Errorf("account %d: report for %s, want %s", i, got, accts[i].UserPrincipalName)
		}
		if diff := cmp.Diff(want(i), statusIDs(reps[i], verify.StatusFail)); diff != "" {
			t.Errorf("account %d: failed checks (-want +got):\n%s", i, diff)
		}
	}
}
