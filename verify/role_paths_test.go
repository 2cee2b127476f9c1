package verify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

func roleID(t testing.TB, name string) string {
	t.Helper()
	r, ok := roles.Lookup(name)
	if !ok {
		t.Fatalf("no role %q", name)
	}
	return r.ID
}

// eligible makes the principal eligible for role through PIM.
func (tn *tenant) eligible(t testing.TB, principalID, role, scope string, start, end time.Time) {
	t.Helper()
	if _, err := tn.CreateEligibility(context.Background(), directory.RoleSchedule{
		PrincipalID: principalID, RoleDefinitionID: roleID(t, role), DirectoryScopeID: scope, StartDateTime: start, EndDateTime: end,
	}); err != nil {
		t.Fatalf("make %s eligible for %s: %v", principalID, role, err)
	}
}

// group creates a group with the user as its member.
func (tn *tenant) group(t testing.TB, name string, assignable bool, memberID string) directory.Group {
	t.Helper()
	ctx := context.Background()
	g, err := tn.CreateGroup(ctx, name, assignable)
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.AddGroupMember(ctx, g.ID, memberID); err != nil {
		t.Fatal(err)
	}
	return g
}

var jan31 = time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)

// rolePathState is an account that holds a role by a path other than its
// own active assignment, or whose paths cannot all be read.
type rolePathState struct {
	accountState
	// evidence are substrings the evidence of each check must contain.
	evidence map[string][]string
	// remediation are substrings the remediation of each check must contain.
	remediation map[string][]string
}

var rolePathStates = []rolePathState{
	{accountState: accountState{name: "eligible for Global Administrator", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.eligible(t, id, "Global Administrator", "/", time.Time{}, jan31)
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{
			verify.CheckNoUnexpectedPrivAdm: {"Global Administrator at / — eligible through PIM until 2027-01-31"},
			verify.CheckLeastPrivilege:      {"Global Administrator at / — eligible through PIM until 2027-01-31"},
		},
		remediation: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"eligible ones too"}}},
	{accountState: accountState{name: "eligible from a future date, with no end", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.eligible(t, id, "Reports Reader", "/", start.AddDate(0, 1, 0), time.Time{})
	}, wantFail: []string{verify.CheckLeastPrivilege}},
		evidence: map[string][]string{verify.CheckLeastPrivilege: {"Reports Reader at / — eligible through PIM from 2026-04-02 with no end date"}}},
	{accountState: accountState{name: "passing/eligibility expired", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.eligible(t, id, "Global Administrator", "/", start.Add(-48*time.Hour), start.Add(-24*time.Hour))
	}}},
	{accountState: accountState{name: "expected role only eligible", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.unassign(t, id, "Teams Administrator", "/")
		tn.eligible(t, id, "Teams Administrator", "/", time.Time{}, jan31)
	}, wantFail: []string{verify.CheckRolesAssigned}},
		evidence:    map[string][]string{verify.CheckRolesAssigned: {"Teams Administrator (only eligible through PIM until 2027-01-31: the partner needs it active)"}},
		remediation: map[string][]string{verify.CheckRolesAssigned: {"assignment type Active"}}},
	{accountState: accountState{name: "group holds Privileged Role Administrator", breakIt: func(t testing.TB, tn *tenant, id string) {
		g := tn.group(t, "Tier0 admins", true, id)
		tn.assign(t, g.ID, "Privileged Role Administrator", "/")
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"Privileged Role Administrator at / — through group 'Tier0 admins' (44444444-"}}},
	{accountState: accountState{name: "group eligible for Global Administrator", breakIt: func(t testing.TB, tn *tenant, id string) {
		g := tn.group(t, "Tier0 admins", true, id)
		tn.eligible(t, g.ID, "Global Administrator", "/", time.Time{}, time.Time{})
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"Global Administrator at / — eligible through PIM with no end date, through group 'Tier0 admins' (44444444-"}}},
	{accountState: accountState{name: "passing/expected role through a group", breakIt: func(t testing.TB, tn *tenant, id string) {
		g := tn.group(t, "Teams admins", true, id)
		tn.assign(t, g.ID, "Teams Administrator", "/")
		tn.unassign(t, id, "Teams Administrator", "/")
	}},
		evidence: map[string][]string{verify.CheckRolesAssigned: {"Teams Administrator (through group 'Teams admins' (44444444-"}}},
	{accountState: accountState{name: "passing/member of a group that is not role-assignable", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.group(t, "All staff", false, id)
	}}},
	{accountState: accountState{name: "role scoped to a named administrative unit", breakIt: func(t testing.TB, tn *tenant, id string) {
		au, err := tn.CreateAdministrativeUnit(context.Background(), "Sydney")
		if err != nil {
			t.Fatal(err)
		}
		tn.assign(t, id, "User Administrator", au.ID)
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckLeastPrivilege: {"User Administrator at /administrativeUnits/55555555-", " — scoped to administrative unit 'Sydney' (55555555-"}}},
	{accountState: accountState{name: "named custom role", breakIt: func(t testing.TB, tn *tenant, id string) {
		ctx := context.Background()
		d, err := tn.CreateRoleDefinition(ctx, "Helpdesk Tier 2")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: id, RoleDefinitionID: d.ID, DirectoryScopeID: "/"}); err != nil {
			t.Fatal(err)
		}
	}, wantFail: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"custom role 'Helpdesk Tier 2' (66666666-"}}},
	{accountState: accountState{name: "time-bound active assignment the list does not return", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.SetTimeBoundAssignmentsListed(false)
		if _, err := tn.CreateActiveSchedule(context.Background(), directory.RoleSchedule{
			PrincipalID: id, RoleDefinitionID: roleID(t, "Global Administrator"), DirectoryScopeID: "/", EndDateTime: jan31,
		}); err != nil {
			t.Fatal(err)
		}
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"Global Administrator at / — active through PIM until 2027-01-31"}}},
	{accountState: accountState{name: "time-bound active assignment the list returns", breakIt: func(t testing.TB, tn *tenant, id string) {
		if _, err := tn.CreateActiveSchedule(context.Background(), directory.RoleSchedule{
			PrincipalID: id, RoleDefinitionID: roleID(t, "Global Administrator"), DirectoryScopeID: "/", EndDateTime: jan31,
		}); err != nil {
			t.Fatal(err)
		}
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"UNEXPECTED PRIVILEGED ROLE(S): Global Administrator at / — active through PIM until 2027-01-31"}}},
	{accountState: accountState{name: "passing/tenant without P2", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.SetPremiumP2(false)
	}},
		evidence: map[string][]string{
			verify.CheckLeastPrivilege:      {"PIM is not available in this tenant: no eligible assignments possible"},
			verify.CheckNoUnexpectedPrivAdm: {"PIM is not available in this tenant: no eligible assignments possible"},
		}},
	{accountState: accountState{name: "eligibility unreadable", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.SetFault(denyOp(directorytest.OpRoleEligibilities))
	}, wantUnknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence:    map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"PIM eligibility could not be read", "permission denied"}},
		remediation: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"Grant RoleEligibilitySchedule.Read.Directory (or RoleManagement.Read.Directory"}}},
	{accountState: accountState{name: "eligibility unreadable, extra role found", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.assign(t, id, "Global Administrator", "/")
		tn.SetFault(denyOp(directorytest.OpRoleEligibilities))
	}, wantFail: []string{verify.CheckMFAPhishingResistant, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckNoUnexpectedPrivAdm: {"Global Administrator at / (and PIM eligibility could not be read"}}},
	{accountState: accountState{name: "group memberships unreadable", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.SetFault(denyOp(directorytest.OpGroupMemberships))
	}, wantUnknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		remediation: map[string][]string{verify.CheckLeastPrivilege: {"GroupMember.Read.All"}}},
	{accountState: accountState{name: "active schedules unreadable", breakIt: func(t testing.TB, tn *tenant, id string) {
		tn.SetFault(denyOp(directorytest.OpActiveRoleSchedules))
	}, wantUnknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		remediation: map[string][]string{verify.CheckLeastPrivilege: {"RoleAssignmentSchedule.Read.Directory"}}},
	{accountState: accountState{name: "a group's roles unreadable", breakIt: func(t testing.TB, tn *tenant, id string) {
		g := tn.group(t, "Tier0 admins", true, id)
		tn.SetFault(func(op directorytest.Op, object string) error {
			if object == g.ID {
				return fmt.Errorf("denied %s %s: %w", op, object, directory.ErrPermission)
			}
			return nil
		})
	}, wantUnknown: []string{verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}},
		evidence: map[string][]string{verify.CheckLeastPrivilege: {"roles of group 'Tier0 admins' (44444444-", "PIM eligibility of group 'Tier0 admins'"}}},
}

// checkStatuses checks exactly which checks failed and which are unknown.
func checkStatuses(t *testing.T, rep verify.Report, s accountState) {
	t.Helper()
	if diff := cmp.Diff(sorted(s.wantFail...), statusIDs(rep, verify.StatusFail)); diff != "" {
		t.Errorf("failed checks (-want +got):\n%s\n%s", diff, rep)
	}
	if diff := cmp.Diff(sorted(s.wantUnknown...), statusIDs(rep, verify.StatusUnknown)); diff != "" {
		t.Errorf("unknown checks (-want +got):\n%s\n%s", diff, rep)
	}
}

// denyOp denies one operation, the way Graph answers a read the credential
// has no permission for (saying what the read needed).
func denyOp(op directorytest.Op) directorytest.FaultFunc {
	return func(o directorytest.Op, object string) error {
		if o == op {
			return directorytest.PermissionDenied(o, object)
		}
		return nil
	}
}

// TestVerifyRolePaths gives the account a role by each path other than its
// own active assignment and checks which checks fail and what the evidence
// names; a path that cannot be read makes the checks unknown.
func TestVerifyRolePaths(t *testing.T) {
	for _, s := range rolePathStates {
		t.Run(s.name, func(t *testing.T) {
			tn, dir, acct := s.build(t)
			rep, err := tn.verifier(dir).Verify(context.Background(), acct)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			checkStatuses(t, rep, s.accountState)
			for id, want := range s.evidence {
				c := mustCheck(t, rep, id)
				for _, w := range want {
					if !strings.Contains(c.Evidence, w) {
						t.Errorf("%s evidence %q does not contain %q", id, c.Evidence, w)
					}
				}
			}
			for id, want := range s.remediation {
				c := mustCheck(t, rep, id)
				for _, w := range want {
					if !strings.Contains(c.Remediation, w) {
						t.Errorf("%s remediation %q does not contain %q", id, c.Remediation, w)
					}
				}
			}
			checkSeverities(t, rep)
			checkString(t, rep)
		})
	}
}

// TestVerifyWithoutRolePathReader: a directory that cannot read PIM
// eligibility or group memberships cannot pass the privilege checks.
func TestVerifyWithoutRolePathReader(t *testing.T) {
	tn := newTenant()
	acct := tn.passingAccount(t, upn)
	rep, err := tn.verifier(noRolePaths{tn.Fake}).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	// Nor can it read the sign-in policies: mfa.enforced is unknown too.
	if diff := cmp.Diff([]string{verify.CheckMFAEnforced, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm}, statusIDs(rep, verify.StatusUnknown)); diff != "" {
		t.Errorf("unknown checks (-want +got):\n%s", diff)
	}
	c := mustCheck(t, rep, verify.CheckNoUnexpectedPrivAdm)
	if !strings.Contains(c.Remediation, "backend cannot read") || !strings.Contains(c.Evidence, "PIM eligibility") {
		t.Errorf("check %+v does not say the backend cannot read the paths", c)
	}
}

// TestProvisionReportsRolePaths: Provision's plan names roles held beyond
// the spec through every path.
func TestProvisionReportsRolePaths(t *testing.T) {
	tn := newTenant()
	acct := tn.passingAccount(t, upn)
	g := tn.group(t, "Tier0 admins", true, acct.ID)
	tn.assign(t, g.ID, "Privileged Role Administrator", "/")
	tn.eligible(t, acct.ID, "Global Administrator", "/", time.Time{}, jan31)
	p := serviceaccount.New(tn.Fake, &serviceaccount.Options{Now: tn.clock.Now, Sleep: tn.clock.Sleep})
	spec := teamsSpec(upn)
	pl, err := p.Plan(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range pl.Unexpected {
		got = append(got, r.Name)
	}
	want := []string{
		"Global Administrator at / — eligible through PIM until 2027-01-31",
		"Privileged Role Administrator at / — through group 'Tier0 admins' (" + g.ID + ")",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Plan.Unexpected (-want +got):\n%s", diff)
	}
}

// requirementError is a denial that says what it needed, the way a
// backend's error does through directory.RequirementOf.
type requirementError struct {
	class error
	req   directory.Requirement
}

func (e requirementError) Error() string                      { return "denied: " + e.class.Error() }
func (e requirementError) Unwrap() error                      { return e.class }
func (e requirementError) Requirement() directory.Requirement { return e.req }

// TestUnknownRemedies: the remediation of an unreadable path names the
// remedy for the class of failure, not always a permission.
func TestUnknownRemedies(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"missing permission", requirementError{directory.ErrPermission, directory.Requirement{Permissions: []string{"RoleEligibilitySchedule.Read.Directory"}}},
			[]string{"lacks permission", "Grant RoleEligibilitySchedule.Read.Directory"}},
		{"missing permission, nothing said", fmt.Errorf("403: %w", directory.ErrPermission),
			[]string{"Grant it the permission this read needs"}},
		{"missing permission, as the Fake denies it", directorytest.PermissionDenied(directorytest.OpRoleEligibilities, "x"),
			[]string{"Grant RoleEligibilitySchedule.Read.Directory (or RoleManagement.Read.Directory, RoleManagement.ReadWrite.Directory)", "Global Reader, Security Reader, Privileged Role Administrator"}},
		{"delegated caller without the role", requirementError{directory.ErrPermission, directory.Requirement{Permissions: []string{"RoleManagement.Read.Directory"}, Roles: []string{"Global Reader", "Privileged Role Administrator"}}},
			[]string{"Grant RoleManagement.Read.Directory; a signed-in (delegated) caller also needs one of these roles: Global Reader, Privileged Role Administrator"}},
		{"conditional access claims", requirementError{directory.ErrPermission, directory.Requirement{Claims: true}},
			[]string{"Conditional Access", "claims challenge", "will not help"}},
		{"missing licence", requirementError{directory.ErrNotLicensed, directory.Requirement{Licenses: []string{"Microsoft Entra ID P1"}}},
			[]string{"lacks Microsoft Entra ID P1", "no permission changes that"}},
		{"transient", fmt.Errorf("503: %w", directory.ErrUnavailable),
			[]string{"Verify again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTenant()
			acct := tn.passingAccount(t, upn)
			tn.SetFault(func(op directorytest.Op, object string) error {
				if op == directorytest.OpRoleEligibilities || op == directorytest.OpGroupMemberships && errors.Is(tc.err, directory.ErrNotLicensed) {
					// A licence error on eligibility means no PIM, which
					// is not unknown: the group read stands in for it.
					return tc.err
				}
				return nil
			})
			rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
			if err != nil {
				t.Fatal(err)
			}
			c := mustCheck(t, rep, verify.CheckNoUnexpectedPrivAdm)
			if c.Status != verify.StatusUnknown {
				t.Fatalf("status = %s, want unknown", c.Status)
			}
			for _, w := range tc.want {
				if !strings.Contains(c.Remediation, w) {
					t.Errorf("remediation %q does not contain %q", c.Remediation, w)
				}
			}
		})
	}
}

// TestClaimsRemedyOnEveryRead: the remedy by class applies to every read,
// not only the role paths: a Conditional Access claims challenge on the
// authentication methods says so.
func TestClaimsRemedyOnEveryRead(t *testing.T) {
	tn := newTenant()
	acct := tn.passingAccount(t, upn)
	tn.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpAuthenticationMethods {
			return requirementError{directory.ErrPermission, directory.Requirement{Claims: true}}
		}
		return nil
	})
	rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	c := mustCheck(t, rep, verify.CheckMFARegistered)
	if c.Status != verify.StatusUnknown || !strings.Contains(c.Remediation, "Conditional Access") {
		t.Errorf("%s = %s, %q: want unknown with the Conditional Access remedy", c.ID, c.Status, c.Remediation)
	}
}
