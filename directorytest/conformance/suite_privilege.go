package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Backed is implemented by a directory under test whose tenant a [Fake]
// holds, for example the Graph backend talking to graphtest's server. The
// role-path subtests of [TestDirectory] set up what the directory
// interface cannot write (groups, PIM schedules, administrative units,
// custom roles) through that Fake, then read it back through the
// directory. They run against a *directorytest.Fake itself and against any Backed
// directory that implements [directory.RolePathReader]; they are skipped
// otherwise.
type Backed interface {
	Fake() *directorytest.Fake
}

// More well-known role template IDs.
const (
	globalAdministrator         = "62e90394-69f5-4237-9190-012177145e10"
	privilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	userAdministrator           = "fe930be7-5e62-47db-91af-98c3a49a38b1"
)

// privilegeEnv is one role-path subtest's directory and the Fake that
// holds its tenant.
type privilegeEnv struct {
	env
	fake *directorytest.Fake
}

func (s suite) privilegeEnv(t *testing.T) privilegeEnv {
	t.Helper()
	e := s.env(t)
	if _, ok := e.dir.(directory.RolePathReader); !ok {
		t.Skipf("%T does not implement directory.RolePathReader", e.dir)
	}
	switch d := e.dir.(type) {
	case *directorytest.Fake:
		return privilegeEnv{env: e, fake: d}
	case Backed:
		return privilegeEnv{env: e, fake: d.Fake()}
	}
	t.Skipf("%T is neither a *directorytest.Fake nor Backed: the suite cannot set up role paths", e.dir)
	return privilegeEnv{}
}

// rolePaths reads the user's role paths, checking that a Snapshot reads
// the same.
func (e privilegeEnv) rolePaths(t *testing.T, u directory.User) directory.RolePaths {
	t.Helper()
	ctx := context.Background()
	p, err := directory.ReadRolePaths(ctx, e.dir, u.ID)
	if err != nil {
		t.Fatalf("ReadRolePaths(%s): %v", u.ID, err)
	}
	for _, key := range []string{u.ID, u.UserPrincipalName} {
		snap, err := directory.ReadSnapshot(ctx, e.dir, directory.SnapshotRequest{User: key, RoleAssignments: true, RolePaths: true})
		if err != nil {
			t.Fatalf("ReadSnapshot(%q, RolePaths): %v", key, err)
		}
		if diff := cmp.Diff(p, snap.RolePaths, cmp.Comparer(sameClass), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ReadSnapshot(%q).RolePaths differs from ReadRolePaths (-RolePaths +Snapshot):\n%s", key, diff)
		}
	}
	return p
}

// sameClass reports whether two errors are both nil, or both satisfy the
// same directory sentinels.
func sameClass(a, b error) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	for _, s := range []error{directory.ErrNotFound, directory.ErrExists, directory.ErrPermission, directory.ErrThrottled, directory.ErrUnavailable, directory.ErrInvalid, directory.ErrNotLicensed} {
		if errors.Is(a, s) != errors.Is(b, s) {
			return false
		}
	}
	return true
}

func (s suite) testRolePaths(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"None", s.testRolePathsNone},
		{"Eligibility", s.testRolePathsEligibility},
		{"ActiveSchedule", s.testRolePathsActiveSchedule},
		{"Groups", s.testRolePathsGroups},
		{"ScopeAndCustomRole", s.testRolePathsNames},
		{"WithoutP2", s.testRolePathsWithoutP2},
		{"UnknownUser", s.testRolePathsUnknownUser},
	} {
		t.Run(tc.name, tc.fn)
	}
}

func noPartErr(t *testing.T, p directory.RolePaths) {
	t.Helper()
	if p.EligibilitiesErr != nil || p.ActiveSchedulesErr != nil || p.GroupsErr != nil {
		t.Fatalf("RolePaths parts failed: eligibilities %v, active %v, groups %v", p.EligibilitiesErr, p.ActiveSchedulesErr, p.GroupsErr)
	}
}

func (s suite) testRolePathsNone(t *testing.T) {
	e := s.privilegeEnv(t)
	u := e.create(t, e.upn("paths-none"))
	p := e.rolePaths(t, u)
	noPartErr(t, p)
	if len(p.Eligibilities)+len(p.ActiveSchedules)+len(p.Groups)+len(p.RoleDefinitions)+len(p.Scopes) != 0 {
		t.Errorf("RolePaths of a new user = %+v, want nothing", p)
	}
}

func (s suite) testRolePathsEligibility(t *testing.T) {
	e := s.privilegeEnv(t)
	ctx := context.Background()
	u := e.create(t, e.upn("paths-eligible"))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2227, 1, 31, 0, 0, 0, 0, time.UTC)
	want, err := e.fake.CreateEligibility(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: directory.TenantScope,
		StartDateTime: start, EndDateTime: end,
	})
	if err != nil {
		t.Fatalf("CreateEligibility: %v", err)
	}
	permanent, err := e.fake.CreateEligibility(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: userAdministrator, DirectoryScopeID: directory.TenantScope,
	})
	if err != nil {
		t.Fatalf("CreateEligibility(no expiration): %v", err)
	}
	p := e.rolePaths(t, u)
	noPartErr(t, p)
	if diff := cmp.Diff([]directory.RoleSchedule{want, permanent}, p.Eligibilities, cmpopts.IgnoreFields(directory.RoleSchedule{}, "ID")); diff != "" {
		t.Errorf("Eligibilities mismatch (-want +got):\n%s", diff)
	}
	if len(p.ActiveSchedules) != 0 {
		t.Errorf("ActiveSchedules = %+v, want none (eligible is not active)", p.ActiveSchedules)
	}
}

func (s suite) testRolePathsActiveSchedule(t *testing.T) {
	e := s.privilegeEnv(t)
	ctx := context.Background()
	u := e.create(t, e.upn("paths-active"))
	permanent := e.assign(t, u.ID, teamsAdministrator)
	end := time.Date(2227, 6, 30, 12, 0, 0, 0, time.UTC)
	bound, err := e.fake.CreateActiveSchedule(ctx, directory.RoleSchedule{
		PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: directory.TenantScope, EndDateTime: end,
	})
	if err != nil {
		t.Fatalf("CreateActiveSchedule: %v", err)
	}
	p := e.rolePaths(t, u)
	noPartErr(t, p)
	want := []directory.RoleSchedule{
		{PrincipalID: u.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/", RoleAssignmentID: permanent.ID},
		{PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: "/", EndDateTime: end, RoleAssignmentID: bound.RoleAssignmentID},
	}
	if diff := cmp.Diff(want, p.ActiveSchedules, cmpopts.IgnoreFields(directory.RoleSchedule{}, "ID", "StartDateTime")); diff != "" {
		t.Errorf("ActiveSchedules mismatch (-want +got):\n%s", diff)
	}
}

func (s suite) testRolePathsGroups(t *testing.T) {
	e := s.privilegeEnv(t)
	ctx := context.Background()
	u := e.create(t, e.upn("paths-group"))
	tier0, err := e.fake.CreateGroup(ctx, "Tier0 admins", true)
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	plain, _ := e.fake.CreateGroup(ctx, "All staff", false)
	outer, _ := e.fake.CreateGroup(ctx, "Everyone", false)
	for _, m := range [][2]string{{tier0.ID, u.ID}, {plain.ID, u.ID}, {outer.ID, plain.ID}} {
		if err := e.fake.AddGroupMember(ctx, m[0], m[1]); err != nil {
			t.Fatalf("AddGroupMember(%s, %s): %v", m[0], m[1], err)
		}
	}
	if err := e.fake.AddGroupMember(ctx, tier0.ID, plain.ID); !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("adding a group to a role-assignable group: %v, want ErrInvalid", err)
	}
	if _, err := e.dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: plain.ID, RoleDefinitionID: teamsAdministrator, DirectoryScopeID: "/"}); !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("assigning a role to a group that is not role-assignable: %v, want ErrInvalid", err)
	}
	held := e.assign(t, tier0.ID, privilegedRoleAdministrator)
	eligible, err := e.fake.CreateEligibility(ctx, directory.RoleSchedule{PrincipalID: tier0.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: "/"})
	if err != nil {
		t.Fatalf("CreateEligibility(group): %v", err)
	}
	p := e.rolePaths(t, u)
	noPartErr(t, p)
	want := []directory.GroupRoles{{
		Group:           tier0,
		RoleAssignments: []directory.RoleAssignment{held},
		Eligibilities:   []directory.RoleSchedule{eligible},
	}}
	if diff := cmp.Diff(want, p.Groups, cmpopts.IgnoreFields(directory.RoleSchedule{}, "ID")); diff != "" {
		t.Errorf("Groups mismatch (-want +got):\n%s", diff)
	}
	if as, err := e.dir.RoleAssignments(ctx, u.ID); err != nil || len(as) != 0 {
		t.Errorf("RoleAssignments(user) = %v, %v: a group's role is not the member's own assignment", as, err)
	}
}

func (s suite) testRolePathsNames(t *testing.T) {
	e := s.privilegeEnv(t)
	ctx := context.Background()
	u := e.create(t, e.upn("paths-names"))
	sydney, err := e.fake.CreateAdministrativeUnit(ctx, "Sydney")
	if err != nil {
		t.Fatalf("CreateAdministrativeUnit: %v", err)
	}
	custom, err := e.fake.CreateRoleDefinition(ctx, "Helpdesk Tier 2")
	if err != nil {
		t.Fatalf("CreateRoleDefinition: %v", err)
	}
	if _, err := e.dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: userAdministrator, DirectoryScopeID: sydney.ID}); err != nil {
		t.Fatalf("assign at %s: %v", sydney.ID, err)
	}
	if _, err := e.dir.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: custom.ID, DirectoryScopeID: "/"}); err != nil {
		t.Fatalf("assign custom role %s: %v", custom.ID, err)
	}
	p := e.rolePaths(t, u)
	noPartErr(t, p)
	if diff := cmp.Diff([]directory.RoleDefinition{custom}, p.RoleDefinitions); diff != "" {
		t.Errorf("RoleDefinitions mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]directory.DirectoryScope{sydney}, p.Scopes); diff != "" {
		t.Errorf("Scopes mismatch (-want +got):\n%s", diff)
	}
	if got := directory.ScopeType(sydney.ID); got != directory.ScopeTypeAdministrativeUnit {
		t.Errorf("ScopeType(%q) = %q", sydney.ID, got)
	}
}

func (s suite) testRolePathsWithoutP2(t *testing.T) {
	e := s.privilegeEnv(t)
	ctx := context.Background()
	u := e.create(t, e.upn("paths-nop2"))
	e.fake.SetPremiumP2(false)
	t.Cleanup(func() { e.fake.SetPremiumP2(true) })
	if _, err := e.fake.CreateEligibility(ctx, directory.RoleSchedule{PrincipalID: u.ID, RoleDefinitionID: globalAdministrator, DirectoryScopeID: "/"}); !errors.Is(err, directory.ErrNotLicensed) {
		t.Errorf("CreateEligibility without P2: %v, want ErrNotLicensed", err)
	}
	p := e.rolePaths(t, u)
	wantErr(t, "Eligibilities without P2", p.EligibilitiesErr, directory.ErrNotLicensed, u.ID)
	wantErr(t, "ActiveSchedules without P2", p.ActiveSchedulesErr, directory.ErrNotLicensed, u.ID)
	for _, err := range []error{p.EligibilitiesErr, p.ActiveSchedulesErr} {
		if errors.Is(err, directory.ErrPermission) || errors.Is(err, directory.ErrInvalid) {
			t.Errorf("%v: a missing licence must satisfy only ErrNotLicensed", err)
		}
	}
	if p.GroupsErr != nil {
		t.Errorf("GroupsErr = %v: groups do not need P2", p.GroupsErr)
	}
}

func (s suite) testRolePathsUnknownUser(t *testing.T) {
	e := s.privilegeEnv(t)
	p, err := directory.ReadRolePaths(context.Background(), e.dir, unknownObjectID)
	if err != nil {
		t.Fatalf("ReadRolePaths(unknown): %v", err)
	}
	wantErr(t, "Eligibilities of an unknown user", p.EligibilitiesErr, directory.ErrNotFound, unknownObjectID)
	wantErr(t, "Groups of an unknown user", p.GroupsErr, directory.ErrNotFound, unknownObjectID)
}
